//! The HTTP layer: routes, gathering a request's parameters from the URL and the body,
//! authentication, and the transaction of one update. Every answer is an envelope with
//! HTTP status 200 (Enswitch's codes live inside it), but for the HTTP stack's own
//! limits (a URI over its limit is a 414).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use enswitch_people::{
    Accepted, Actor, Caller, Context, CustomerChain, Envelope, Field, FieldSet, MAX_REQUEST_BYTES,
    Obligation, Person, Policy, Privilege, Report, Request, RequestAddress, SourceList, Status,
    Uniqueness, decide, normalize_password,
};
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::Semaphore;

use crate::auth::{Hasher, Throttle, new_token, token_hash};
use crate::db;
use crate::errors::ServerError;

/// How long a session lasts.
const SESSION_SECONDS: i64 = 8 * 60 * 60;
/// How many times an update is read and decided again when a precondition fails.
const MAX_ATTEMPTS: usize = 3;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The database file.
    pub database: PathBuf,
    /// Password hashing at the configured cost.
    pub hasher: Hasher,
    /// Failed sign-ins.
    pub throttle: Throttle,
    /// Caps the argon2 verifications running at once (each takes its memory cost).
    pub verifications: Semaphore,
    /// The rules.
    pub policy: Policy,
    /// Where the page's files are.
    pub web: PathBuf,
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/json/people/update/", get(update).post(update))
        .route("/api/json/people/get/", get(people_get).post(people_get))
        .route("/api/session/", post(session))
        .route("/api/context/", get(form_context))
        .route("/", get(page))
        .route("/{file}", get(page))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        // The body is read against the crate's own bound, so that an oversized one gets
        // a keyed envelope rather than the stack's 413.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// An envelope as an HTTP response: always status 200.
fn answer(envelope: &Envelope) -> Response {
    json_response(envelope.to_json())
}

fn json_response(json: String) -> Response {
    let mut response = json.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn unknown_path() -> Response {
    answer(&ServerError::UnknownPath.envelope())
}

async fn method_not_allowed() -> Response {
    answer(&ServerError::MethodNotAllowed.envelope())
}

/// A request as it arrived: the URL's query, the body's content type and the body,
/// which the crate reads together as one request (`Request::from_parts`).
struct Parts {
    query: Vec<u8>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Parts {
    /// The one request they make, or the envelope that refuses it as a whole.
    fn request(&self) -> Result<Request<'_>, Envelope> {
        Request::from_parts(&self.query, self.content_type.as_deref(), &self.body)
            .map_err(|error| Envelope::refused(&Report::from(error)))
    }
}

/// Reads the body up to the crate's bound plus one byte, no further.
async fn read_body(body: Body) -> Result<Vec<u8>, Envelope> {
    axum::body::to_bytes(body, MAX_REQUEST_BYTES + 1)
        .await
        .map(|bytes| bytes.to_vec())
        .map_err(|_| too_large())
}

fn too_large() -> Envelope {
    // The crate's own refusal for a request over its bound.
    let oversized = vec![b'x'; MAX_REQUEST_BYTES + 1];
    match Request::from_query_bytes(&oversized) {
        Err(error) => Envelope::refused(&Report::from(error)),
        Ok(_) => ServerError::Internal.envelope(),
    }
}

/// The parts of a request: a GET has its URL's query only; a POST also its body, read
/// up to the crate's bound plus one byte.
async fn gather(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Parts, Envelope> {
    let query = uri.query().unwrap_or_default().as_bytes().to_vec();
    if method == Method::GET {
        return Ok(Parts {
            query,
            content_type: None,
            body: Vec::new(),
        });
    }
    let body = read_body(body).await?;
    // Not decoded here: the crate reads the media type (a header that is not text is
    // no media type it takes).
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    Ok(Parts {
        query,
        content_type,
        body,
    })
}

/// Who is asking, once authenticated.
struct Authenticated {
    person: Person,
    /// The session the request came with, to keep when sessions end.
    session: Option<String>,
}

fn connection(state: &AppState) -> Result<Connection, ServerError> {
    Ok(db::open(&state.database)?)
}

/// Authenticates by a bearer token or by `auth_username`/`auth_password`, then checks
/// the actor's own source list against the peer. `None` is a `401`.
async fn authenticate(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Option<Authenticated>, ServerError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let found = if let Some(token) = bearer {
        let hash = token_hash(&token);
        let state = Arc::clone(state);
        tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
            let connection = connection(&state)?;
            let Some(person) = db::session_person(&connection, &hash, now())? else {
                return Ok(None);
            };
            Ok(db::person(&connection, person)?.map(|row| Authenticated {
                person: row.person,
                session: Some(hash),
            }))
        })
        .await
        .map_err(|_| ServerError::Internal)??
    } else {
        let (Some(username), Some(password)) = (request.auth_username(), request.auth_password())
        else {
            return Ok(None);
        };
        verify_password(state, username, password, peer)
            .await?
            .map(|person| Authenticated {
                person,
                session: None,
            })
    };
    Ok(found)
}

/// Verifies a username and password: throttled, capped, and as slow for an unknown
/// username as for a wrong password.
async fn verify_password(
    state: &Arc<AppState>,
    username: &str,
    password: &str,
    peer: IpAddr,
) -> Result<Option<Person>, ServerError> {
    if state.throttle.must_wait(username, peer) {
        return Ok(None);
    }
    let _permit = state
        .verifications
        .acquire()
        .await
        .map_err(|_| ServerError::Internal)?;
    let (owned_state, username_owned) = (Arc::clone(state), username.to_owned());
    let password = normalize_password(password);
    let person = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
        let connection = connection(&owned_state)?;
        let row = db::person_by_username(&connection, &username_owned)?;
        let hash = row.as_ref().map(|r| r.password_hash.as_str());
        let verified = owned_state.hasher.verify(&password, hash);
        Ok(row.filter(|_| verified).map(|r| r.person))
    })
    .await
    .map_err(|_| ServerError::Internal)??;
    match &person {
        Some(_) => state.throttle.succeeded(username),
        None => state.throttle.failed(username, peer),
    }
    Ok(person)
}

/// Authentication and rule 1, in SPEC §6's order: a `401`, then a `402 ""`.
async fn caller_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Result<(Caller, Authenticated), Envelope>, ServerError> {
    let Some(authenticated) = authenticate(state, headers, request, peer).await? else {
        return Ok(Err(Envelope::unauthenticated()));
    };
    let level = {
        let state = Arc::clone(state);
        let role = authenticated.person.role;
        tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
            Ok(db::roles(&connection(&state)?)?.level(role))
        })
        .await
        .map_err(|_| ServerError::Internal)??
    };
    let me = &authenticated.person;
    let actor = Actor::new(me.id, me.customer, level.unwrap_or(Privilege::None));
    // The actor's own source list against the peer (401), then rule 1 (402).
    Ok(
        match actor.caller(&me.source, RequestAddress::Known(peer)) {
            Ok(caller) => Ok((caller, authenticated)),
            Err(report) => Err(Envelope::refused(&report)),
        },
    )
}

/// One line per request: never a URI, a query or a password.
fn log(
    function: &str,
    actor: Option<u64>,
    person: Option<u64>,
    envelope: &Envelope,
    started: Instant,
) {
    let outcome = envelope.status().map_or(0, Status::as_u16);
    tracing::info!(
        function,
        actor,
        person,
        outcome,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
}

/// What `people/update`, `people/get` and the form's context read first, in SPEC §6's
/// order: the parameters (`400 ""`), the actor (`401`), rule 1 (`402 ""`), then the id
/// of the person to look up.
struct Prologue {
    request: Request<'static>,
    caller: Caller,
    authenticated: Authenticated,
    id: u64,
}

/// The prologue, or the envelope that ends the request before it (with the actor, once
/// known, for the log).
async fn prologue(
    state: &Arc<AppState>,
    peer: IpAddr,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Result<Prologue, (Envelope, Option<u64>)>, ServerError> {
    let parts = match gather(method, uri, headers, body).await {
        Ok(parts) => parts,
        Err(envelope) => return Ok(Err((envelope, None))),
    };
    let request = match parts.request() {
        Ok(request) => request.into_owned(),
        Err(envelope) => return Ok(Err((envelope, None))),
    };
    let (caller, authenticated) = match caller_of(state, headers, &request, peer).await? {
        Ok(found) => found,
        Err(envelope) => return Ok(Err((envelope, None))),
    };
    let actor = Some(authenticated.person.id);
    match caller.person_id(&request) {
        Ok(id) => Ok(Ok(Prologue {
            request,
            caller,
            authenticated,
            id,
        })),
        Err(report) => Ok(Err((Envelope::refused(&report), actor))),
    }
}

async fn update(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let (envelope, actor, person) =
        match run_update(&state, peer.ip(), &method, &uri, &headers, body).await {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::warn!(code = error.code(), "people/update refused by the server");
                (error.envelope(), None, None)
            }
        };
    log("people/update", actor, person, &envelope, started);
    answer(&envelope)
}

type Outcome = (Envelope, Option<u64>, Option<u64>);

async fn run_update(
    state: &Arc<AppState>,
    peer: IpAddr,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Outcome, ServerError> {
    let Prologue {
        request,
        caller,
        authenticated,
        id,
    } = match prologue(state, peer, method, uri, headers, body).await? {
        Ok(prologue) => prologue,
        Err((envelope, actor)) => return Ok((envelope, actor, None)),
    };
    let actor = Some(authenticated.person.id);
    let state = Arc::clone(state);
    let envelope = tokio::task::spawn_blocking(move || {
        let mut connection = connection(&state)?;
        update_in_transaction(
            &state,
            &mut connection,
            &caller,
            &request,
            id,
            authenticated.session.as_deref(),
        )
    })
    .await
    .map_err(|_| ServerError::Internal)??;
    Ok((envelope, actor, Some(id)))
}

/// One update, one transaction: look up, decide, uniqueness, write only the changed
/// columns with their preconditions, carry out every obligation, write the audit row.
fn update_in_transaction(
    state: &AppState,
    connection: &mut Connection,
    caller: &Caller,
    request: &Request<'_>,
    id: u64,
    session: Option<&str>,
) -> Result<Envelope, ServerError> {
    for _ in 0..MAX_ATTEMPTS {
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(row) = db::person(&tx, id)? else {
            return Ok(Envelope::not_found());
        };
        let person = row.person;
        let chain = db::customer_chain(&tx, person.customer)?;
        let roles = db::roles(&tx)?;
        // Every fact stated, in this transaction (the UNIQUE column backs uniqueness).
        let username = match request.value(Field::Username) {
            Some(username) if db::username_taken(&tx, username.trim(), id)? => Uniqueness::Taken,
            _ => Uniqueness::Free,
        };
        let plan = db::plan_forbids(&tx, person.customer)?;
        let context = Context::new(&roles, CustomerChain::new(&person, &chain), username, plan);
        let decision = decide(&person, caller, request, &context, &state.policy);
        if let Ok(Accepted::Ready(update)) = &decision {
            if !db::write_changes(&tx, update)? {
                continue; // another writer came between: read and decide again
            }
            let now = now();
            for obligation in update.obligations() {
                match obligation {
                    // Only a fact stated as unknown leaves these, and every fact was
                    // stated above: should one come, nothing is written.
                    Obligation::CheckUsernameUnique(_) | Obligation::CheckLockOut(_) => {
                        return Err(ServerError::Internal);
                    }
                    Obligation::HashPassword(password) => {
                        db::set_password_hash(&tx, id, &state.hasher.hash(password.password()))?;
                    }
                    Obligation::VerifyEmail(addresses) => {
                        for address in addresses {
                            db::queue(&tx, id, "verify_email", address, now)?;
                        }
                    }
                    Obligation::NotifyPerson(addresses) => {
                        for address in addresses {
                            db::queue(&tx, id, "notify_person", address, now)?;
                        }
                    }
                    Obligation::EndSessions => db::end_sessions(&tx, id, session)?,
                }
            }
            let diff = serde_json::to_string(&update.diff()).map_err(|_| ServerError::Internal)?;
            db::audit(&tx, caller.actor().id(), id, &diff, now)?;
            tx.commit()?;
        }
        // A refusal or validation=1 writes nothing: the transaction rolls back.
        return Ok(Envelope::of(&decision));
    }
    Ok(ServerError::DatabaseBusy.envelope())
}

async fn people_get(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let outcome = run_get(&state, peer.ip(), &method, &uri, &headers, body).await;
    let (json, envelope, actor, person) = match outcome {
        Ok((json, envelope, actor, person)) => (json, envelope, actor, person),
        Err(error) => {
            let envelope = error.envelope();
            (envelope.to_json(), envelope, None, None)
        }
    };
    log("people/get", actor, person, &envelope, started);
    json_response(json)
}

async fn run_get(
    state: &Arc<AppState>,
    peer: IpAddr,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<(String, Envelope, Option<u64>, Option<u64>), ServerError> {
    let Prologue {
        caller,
        authenticated,
        id,
        ..
    } = match prologue(state, peer, method, uri, headers, body).await? {
        Ok(prologue) => prologue,
        Err((envelope, actor)) => return Ok((envelope.to_json(), envelope, actor, None)),
    };
    let actor = Some(authenticated.person.id);
    let state = Arc::clone(state);
    let found = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
        let connection = connection(&state)?;
        let Some(row) = db::person(&connection, id)? else {
            return Ok(None);
        };
        let chain = db::customer_chain(&connection, row.person.customer)?;
        let roles = db::roles(&connection)?;
        // Reach reads no fact: the ones stated here decide nothing.
        let chain = CustomerChain::new(&row.person, &chain);
        let context = Context::new(&roles, chain, Uniqueness::Free, FieldSet::EMPTY);
        Ok(caller
            .reaches(&row.person, &context)
            .ok()
            .map(|()| row.person))
    })
    .await
    .map_err(|_| ServerError::Internal)??;
    let Some(person) = found else {
        let envelope = Envelope::not_found();
        return Ok((envelope.to_json(), envelope, actor, Some(id)));
    };
    let (json, ok) = ok_with(&serde_json::to_value(&person).map_err(|_| ServerError::Internal)?);
    Ok((json, ok, actor, Some(id)))
}

/// `GET /api/context/?id=N`: what the page hands the WebAssembly module to describe
/// and check the form for person N: the person, the actor, the person's customer chain,
/// the role catalogue and the person's customer's rate plan. The same authentication,
/// rule 1 and reach as `people/get`.
async fn form_context(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let outcome = run_context(&state, peer.ip(), &uri, &headers, body).await;
    finish("context", started, outcome)
}

/// The answer of a function that logs no actor or person: its JSON, or the server's
/// refusal; one log line.
fn finish(function: &str, started: Instant, outcome: Result<String, ServerError>) -> Response {
    let json = outcome.unwrap_or_else(|error| error.envelope().to_json());
    tracing::info!(
        function,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    json_response(json)
}

async fn run_context(
    state: &Arc<AppState>,
    peer: IpAddr,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<String, ServerError> {
    let Prologue { caller, id, .. } =
        match prologue(state, peer, &Method::GET, uri, headers, body).await? {
            Ok(prologue) => prologue,
            Err((envelope, _)) => return Ok(envelope.to_json()),
        };
    let state = Arc::clone(state);
    let data = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
        let connection = connection(&state)?;
        let Some(row) = db::person(&connection, id)? else {
            return Ok(None);
        };
        let person = row.person;
        let chain = db::customer_chain(&connection, person.customer)?;
        let roles = db::roles(&connection)?;
        let plan = db::plan_forbids(&connection, person.customer)?;
        let chain_of = CustomerChain::new(&person, &chain);
        let context = Context::new(&roles, chain_of, Uniqueness::Free, plan);
        if caller.reaches(&person, &context).is_err() {
            return Ok(None);
        }
        let actor = caller.actor();
        let roles: Vec<serde_json::Value> = roles
            .iter()
            .map(|(id, level)| serde_json::json!({"id": id, "level": level}))
            .collect();
        Ok(Some(serde_json::json!({
            "person": person,
            "actor": {"id": actor.id(), "customer": actor.customer(), "level": actor.level()},
            "chain": chain,
            "roles": roles,
            "plan_forbids": plan,
        })))
    })
    .await
    .map_err(|_| ServerError::Internal)??;
    let Some(data) = data else {
        return Ok(Envelope::not_found().to_json());
    };
    Ok(ok_with(&data).0)
}

/// `POST /api/session/` with `username` and `password` (a form or JSON): a token for
/// `Authorization: Bearer`.
async fn session(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let outcome = run_session(&state, peer.ip(), &uri, &headers, body).await;
    finish("session", started, outcome)
}

async fn run_session(
    state: &Arc<AppState>,
    peer: IpAddr,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<String, ServerError> {
    let parts = match gather(&Method::POST, uri, headers, body).await {
        Ok(parts) => parts,
        Err(envelope) => return Ok(envelope.to_json()),
    };
    let request = match parts.request() {
        Ok(request) => request,
        Err(envelope) => return Ok(envelope.to_json()),
    };
    let (Some(username), Some(password)) = (
        request.value(Field::Username),
        request.value(Field::Password),
    ) else {
        return Ok(Envelope::unauthenticated().to_json());
    };
    let Some(person) = verify_password(state, username, password, peer).await? else {
        return Ok(Envelope::unauthenticated().to_json());
    };
    if !SourceList::stored_admits(&person.source, peer) {
        return Ok(Envelope::unauthenticated().to_json());
    }
    let token = new_token();
    let expires_at = now() + SESSION_SECONDS;
    let (owned_state, hash) = (Arc::clone(state), token_hash(&token));
    tokio::task::spawn_blocking(move || -> Result<(), ServerError> {
        Ok(db::create_session(
            &connection(&owned_state)?,
            &hash,
            person.id,
            expires_at,
        )?)
    })
    .await
    .map_err(|_| ServerError::Internal)??;
    let data = serde_json::json!({"token": token, "expires_at": expires_at, "person": person.id});
    Ok(ok_with(&data).0)
}

/// The `200` envelope of a read, with a `data` member after its responses, as Enswitch
/// answers one.
fn ok_with(data: &serde_json::Value) -> (String, Envelope) {
    let status = Status::from_u16(200).expect("200 is three digits");
    let ok = Envelope::new(vec![enswitch_people::Response::new(status, "", "OK")]);
    let responses = ok.to_json();
    let responses = responses.strip_suffix('}').unwrap_or(&responses);
    (format!("{responses},\"data\":{data}}}"), ok)
}

/// The page, from the web folder; when it has not been built, a note saying how.
async fn page(State(state): State<Arc<AppState>>, uri: Uri) -> Response {
    let name = uri.path().trim_start_matches('/');
    let name = if name.is_empty() { "index.html" } else { name };
    // Only plain file names: no path can leave the folder.
    let safe = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.starts_with('.');
    let path = state.web.join(name);
    match (safe, tokio::fs::read(&path).await) {
        (true, Ok(bytes)) => {
            let kind = match path.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("json") => "application/json",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            ([(header::CONTENT_TYPE, kind)], bytes).into_response()
        }
        _ if name == "index.html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>enswitch-people</title><link rel=\"icon\" href=\"data:,\">\
             <p>The page is not built yet. Run <code>bash web/build.sh</code>, then reload.</p>",
        )
            .into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            ServerError::UnknownPath.envelope().to_json(),
        )
            .into_response(),
    }
}
