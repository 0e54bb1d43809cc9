//! The extractor that gives a signed-in request: the body read within its bounds, the
//! crate's reading of the URL's parameters and the body as one request, then who is
//! asking (a session, or a password verified by argon2, throttled and queued).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Request as HttpRequest};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use enswitch_people::{
    Catalogue, Envelope, Field, MAX_REQUEST_BYTES, Report, Request, normalize_password,
};

use crate::auth::{Cost, token_hash};
use crate::errors::ServerError;
use crate::http::AppState;
use crate::http::answer::{Answer, Denied};
use crate::http::language::language;
use crate::service::{self, Asker, Credentials, NewPassword, Proof, Sessions};

/// A request whose sender proved who they are (not yet what they may do: the service
/// reads that again where it decides).
pub(crate) struct Signed {
    /// The request, as the crate read it.
    pub(crate) request: Request<'static>,
    /// Who is asking.
    pub(crate) credentials: Credentials,
    /// The address the request came from.
    pub(crate) peer: IpAddr,
    /// The language the request asks its answer in.
    pub(crate) language: &'static (dyn Catalogue + Sync),
}

impl Signed {
    /// Who is asking, as the service reads them.
    pub(crate) fn asker(&self, sessions: Sessions) -> Asker<'_> {
        Asker {
            credentials: &self.credentials,
            peer: self.peer,
            sessions,
            language: self.language,
        }
    }
}

impl FromRequest<Arc<AppState>> for Signed {
    type Rejection = Answer;

    async fn from_request(request: HttpRequest, state: &Arc<AppState>) -> Result<Signed, Answer> {
        let (parts, peer, request) = read(request, state).await?;
        let language = language(&parts.headers);
        let credentials = authenticate(state, &parts.headers, &request, peer)
            .await
            .map_err(|denied| denied.answer(language))?;
        Ok(Signed {
            request,
            credentials,
            peer,
            language,
        })
    }
}

/// A request as the crate reads it, before anyone signed in: for `POST /api/session/`.
#[derive(Debug)]
pub(crate) struct Unsigned {
    /// The request.
    pub(crate) request: Request<'static>,
    /// The address it came from.
    pub(crate) peer: IpAddr,
}

impl FromRequest<Arc<AppState>> for Unsigned {
    type Rejection = Answer;

    async fn from_request(request: HttpRequest, state: &Arc<AppState>) -> Result<Unsigned, Answer> {
        let (_, peer, request) = read(request, state).await?;
        Ok(Unsigned { request, peer })
    }
}

/// The request's head, its client's address ([`super::client`]), and the one request
/// its URL's parameters and body make, read by the crate: a GET's body is not read; a
/// POST's is, up to the crate's bound, by the body deadline, while one of the body
/// slots is held (so that stalled bodies cannot fill the memory).
async fn read(
    request: HttpRequest,
    state: &AppState,
) -> Result<(Parts, IpAddr, Request<'static>), Answer> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
        .ok_or(ServerError::Internal)?;
    let peer = super::client::client(peer, &parts.headers, state.trusted_proxies.as_ref());
    let query = parts.uri.query().unwrap_or_default().as_bytes();
    let body = if parts.method == Method::GET {
        Vec::new()
    } else {
        let deadline = started + Duration::from_secs(state.limits.body_seconds);
        read_body(state, &parts.headers, body, deadline).await?
    };
    // Not decoded here: the crate reads the media type (a header that is not text is
    // no media type it takes).
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let request = Request::from_parts(query, content_type.as_deref(), &body)
        .map_err(|error| {
            let language = language(&parts.headers);
            Answer::from(Envelope::refused_in(&Report::from(error), language))
        })?
        .into_owned();
    Ok((parts, peer, request))
}

async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    deadline: Instant,
) -> Result<Vec<u8>, Answer> {
    let too_large = || Answer::from(Envelope::request_too_large()).closing();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BYTES as u64) {
        return Err(too_large());
    }
    let read = async {
        let _slot = state.bodies.acquire().await;
        axum::body::to_bytes(body, MAX_REQUEST_BYTES + 1).await
    };
    match tokio::time::timeout_at(deadline.into(), read).await {
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(Answer::from(ServerError::RequestTimeout.envelope()).closing()),
    }
}

/// The bearer token of a request, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// By a bearer token of a live session or by `auth_username` and `auth_password`.
/// Over a session, an `auth_password` is verified now (a wrong one is a `401`).
async fn authenticate(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Credentials, Denied> {
    let Some(token) = bearer(headers) else {
        let (Some(username), Some(password)) = (request.auth_username(), request.auth_password())
        else {
            return Err(Denied::Unauthenticated);
        };
        let (id, hash) = verify_password(state, username, password, peer).await?;
        return Ok(Credentials {
            proof: Proof::Password { id, hash },
            confirmed: None,
        });
    };
    // A live session before anything costly (a new password's hash) is done for it;
    // the service checks it again where it decides.
    let hash = token_hash(token);
    let (owned, session) = (Arc::clone(state), hash.clone());
    let sessions = state.limits.sessions();
    let person = super::blocking(move || service::session_person(&owned.store, &session, sessions))
        .await?
        .ok_or(Denied::Unauthenticated)?;
    let confirmed = match request.auth_password() {
        Some(password) => {
            let (id, verified) = verify_password(state, &person.username, password, peer).await?;
            if id != person.id {
                return Err(Denied::Unauthenticated);
            }
            Some(verified)
        }
        None => None,
    };
    Ok(Credentials {
        proof: Proof::Session(hash),
        confirmed,
    })
}

/// Verifies a username and password: a place in the bounded queue, the throttle's
/// counters (counted as the attempt starts), then argon2 at the stored hash's cost, as
/// slow for an unknown username as for a known one. A hash at another cost than the
/// configured one is made again at it. The person's id and the stored hash verified.
pub(crate) async fn verify_password(
    state: &Arc<AppState>,
    username: &str,
    password: &str,
    peer: IpAddr,
) -> Result<(u64, String), Denied> {
    let place = state.slots.enter(peer).map_err(|_| Denied::Busy)?;
    let (owned, name) = (Arc::clone(state), username.to_owned());
    let attempt = super::blocking(move || {
        owned.store.write(|tx| {
            let attempt = owned.throttle.begin(tx, &name, peer, now_ms())?;
            tx.commit()?;
            Ok(attempt)
        })
    })
    .await?
    .map_err(|wait| Denied::Throttled(wait.seconds()))?;
    let slot = place.slot().await;
    let (owned, username) = (Arc::clone(state), username.to_owned());
    let password = normalize_password(password);
    let verified = super::blocking(move || {
        let row = owned.store.read(|db| db.person_by_username(&username))?;
        let stored = row.as_ref().map(|r| r.password_hash.as_str());
        let verification = owned.hasher.verify(&password, stored);
        let Some(row) = row.filter(|_| verification.matches) else {
            return Ok(None);
        };
        let (id, mut hash) = (row.person.id, row.password_hash);
        let new =
            (verification.cost != owned.hasher.configured()).then(|| owned.hasher.hash(&password));
        // The success noted, and a hash at another cost made again at the configured
        // one, in one transaction.
        let replaced = owned.store.write(|tx| {
            owned.throttle.succeeded(tx, &attempt, now_ms())?;
            let replaced = match &new {
                Some(new) => tx.replace_password_hash(id, &hash, new)?,
                None => false,
            };
            tx.commit()?;
            Ok(replaced)
        })?;
        if let (true, Some(new)) = (replaced, new) {
            owned.hasher.replaced(Cost::of(&hash));
            hash = new;
        }
        Ok(Some((id, hash)))
    })
    .await;
    drop(slot);
    drop(place);
    verified?.ok_or(Denied::Unauthenticated)
}

/// The milliseconds since the epoch, as the throttle counts.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A new password in the request, hashed now (in an argon2 slot, before the update's
/// transaction, so that no other writer waits for it).
pub(crate) async fn hash_new_password(
    state: &Arc<AppState>,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Option<NewPassword>, Answer> {
    let Some(raw) = request.value(Field::Password) else {
        return Ok(None);
    };
    let place = state.slots.enter(peer).map_err(|_| Denied::Busy)?;
    let slot = place.slot().await;
    let (owned, plain) = (Arc::clone(state), normalize_password(raw));
    let new = super::blocking(move || {
        let hash = owned.hasher.hash(&plain);
        Ok(NewPassword { plain, hash })
    })
    .await;
    drop(slot);
    drop(place);
    Ok(Some(new?))
}
