//! The HTTP layer: routes, the parts of a request handed to the crate, authentication,
//! and the transaction of one update. Every answer of the API is an envelope with HTTP
//! status 200 (Enswitch's codes live inside it), but for a method a path does not take
//! (405, with `Allow`) and the HTTP stack's own limits (a URI over its limit is a 414).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use enswitch_people::{
    Accepted, Actor, Caller, Context, CustomerChain, Envelope, Field, FieldSet, MAX_REQUEST_BYTES,
    Obligation, Person, Policy, Privilege, Report, Request, RequestAddress, Roles, SourceList,
    Status, Uniqueness, decide, normalize_password,
};
use rusqlite::{Connection, TransactionBehavior};

use crate::auth::{Cost, Hasher, Slots, new_token, token_hash};
use crate::db;
use crate::errors::ServerError;
use crate::throttle::Throttle;

/// How long requests and sessions may take: the README lists each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From a connection's start, or the end of its last answer, until a request's
    /// headers are in; past it the connection is closed (so it is the idle timeout too).
    pub header_seconds: u64,
    /// From a request's headers until its whole body is in.
    pub body_seconds: u64,
    /// Connections open at once; more wait in the listener's backlog.
    pub connections: usize,
    /// Bodies read at once (each up to 256 KiB in memory).
    pub bodies: usize,
    /// A session ends this long after it began.
    pub session_seconds: i64,
    /// A session ends when unused for this long.
    pub session_idle_seconds: i64,
}

impl Limits {
    /// 10 s for headers and for a body, 512 connections, 16 bodies at once, sessions of
    /// 8 hours that end after 30 idle minutes.
    pub const DEFAULT: Limits = Limits {
        header_seconds: 10,
        body_seconds: 10,
        connections: 512,
        bodies: 16,
        session_seconds: 8 * 60 * 60,
        session_idle_seconds: 30 * 60,
    };
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The database file.
    pub database: PathBuf,
    /// Password hashing at the configured cost.
    pub hasher: Hasher,
    /// Sign-in attempts.
    pub throttle: Throttle,
    /// The argon2 slots and their queue.
    pub slots: Slots,
    /// Bodies read at once.
    pub bodies: tokio::sync::Semaphore,
    /// Timeouts and bounds.
    pub limits: Limits,
    /// The rules.
    pub policy: Policy,
    /// Where the page's files are.
    pub web: PathBuf,
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/json/people/update/", any(update))
        .route("/api/json/people/get/", any(people_get))
        .route("/api/session/", any(session))
        .route("/api/context/", any(form_context))
        .route("/", get(page))
        .route("/{file}", get(page))
        .fallback(unknown_path)
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

/// An answer: an envelope (HTTP 200 unless said), and what the headers add.
struct Answer {
    status: StatusCode,
    json: String,
    retry_after: Option<u64>,
    allow: Option<&'static str>,
    /// The body was not read to its end: the connection cannot carry another request.
    close: bool,
}

impl From<Envelope> for Answer {
    fn from(envelope: Envelope) -> Answer {
        Answer::json(envelope.to_json())
    }
}

impl Answer {
    fn json(json: String) -> Answer {
        Answer {
            status: StatusCode::OK,
            json,
            retry_after: None,
            allow: None,
            close: false,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.json).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// Why a request was not let in before any rule was read.
enum Denied {
    /// A `401`.
    Unauthenticated,
    /// A throttle's delay: retry after this many seconds.
    Throttled(u64),
    /// The queue for password checks is full.
    Busy,
    /// The server's own refusal.
    Server(ServerError),
}

impl From<ServerError> for Denied {
    fn from(error: ServerError) -> Denied {
        Denied::Server(error)
    }
}

impl From<Denied> for Answer {
    fn from(denied: Denied) -> Answer {
        match denied {
            Denied::Unauthenticated => Envelope::unauthenticated().into(),
            Denied::Throttled(seconds) => Answer {
                retry_after: Some(seconds),
                ..ServerError::TooManyAttempts.envelope_retry(seconds).into()
            },
            Denied::Busy => Answer {
                retry_after: Some(1),
                ..ServerError::SignInBusy.envelope_retry(1).into()
            },
            Denied::Server(error) => error.envelope().into(),
        }
    }
}

async fn unknown_path() -> Answer {
    ServerError::UnknownPath.envelope().into()
}

/// `None` when the path takes `method`; else its HTTP 405 (a `HEAD` too: it would run
/// the function as a `GET` does).
fn only(method: &Method, allowed: &[Method], allow: &'static str) -> Option<Answer> {
    (!allowed.contains(method)).then(|| Answer {
        status: StatusCode::METHOD_NOT_ALLOWED,
        allow: Some(allow),
        ..ServerError::MethodNotAllowed.envelope().into()
    })
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
    fn request(&self) -> Result<Request<'_>, Answer> {
        Request::from_parts(&self.query, self.content_type.as_deref(), &self.body)
            .map_err(|error| Envelope::refused(&Report::from(error)).into())
    }
}

fn too_large() -> Answer {
    Answer {
        close: true,
        ..Envelope::request_too_large().into()
    }
}

/// The parts of a request: its URL's query and, but for a GET, its body, read up to the
/// crate's bound plus one byte, by the body deadline, while one of the body slots is
/// held (so that stalled bodies cannot fill the memory).
async fn gather(state: &AppState, incoming: Incoming) -> Result<(Parts, HeaderMap), Answer> {
    let Incoming {
        started,
        method,
        uri,
        headers,
        body,
        ..
    } = incoming;
    let query = uri.query().unwrap_or_default().as_bytes().to_vec();
    if method == Method::GET {
        let parts = Parts {
            query,
            content_type: None,
            body: Vec::new(),
        };
        return Ok((parts, headers));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BYTES as u64) {
        return Err(too_large());
    }
    let deadline = started + std::time::Duration::from_secs(state.limits.body_seconds);
    let read = async {
        let _slot = state.bodies.acquire().await;
        axum::body::to_bytes(body, MAX_REQUEST_BYTES + 1).await
    };
    let body = match tokio::time::timeout_at(deadline.into(), read).await {
        Ok(Ok(bytes)) => bytes.to_vec(),
        Ok(Err(_)) => return Err(too_large()),
        Err(_) => {
            return Err(Answer {
                close: true,
                ..ServerError::RequestTimeout.envelope().into()
            });
        }
    };
    // Not decoded here: the crate reads the media type (a header that is not text is
    // no media type it takes).
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let parts = Parts {
        query,
        content_type,
        body,
    };
    Ok((parts, headers))
}

fn connection(state: &AppState) -> Result<Connection, ServerError> {
    Ok(db::open(&state.database)?)
}

/// Runs blocking work (the database, argon2) off the async threads; a task that
/// panicked is logged and answered as the server's own failure.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| {
            tracing::error!(%error, "a blocking task failed");
            Err(ServerError::Internal)
        })
}

/// What the actor proved, to be checked again where their rights are read.
#[derive(Debug, Clone)]
enum Proof {
    /// A session, by its token's hash.
    Session(String),
    /// A password, verified against this stored hash.
    Password(String),
}

/// Who is asking: an id and its proof, nothing the rules read (those are read again
/// where they are used).
#[derive(Debug, Clone)]
struct Authenticated {
    id: u64,
    proof: Proof,
    /// Over a session, the stored hash `auth_password` was verified against: a change of
    /// password or email needs it.
    confirmed: Option<String>,
}

impl Authenticated {
    fn session(&self) -> Option<&str> {
        match &self.proof {
            Proof::Session(hash) => Some(hash),
            Proof::Password(_) => None,
        }
    }
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Authenticates by a bearer token or by `auth_username`/`auth_password`. Over a
/// session, an `auth_password` is verified too (a wrong one is a `401`).
async fn authenticate(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Authenticated, Denied> {
    let Some(token) = bearer(headers) else {
        let (Some(username), Some(password)) = (request.auth_username(), request.auth_password())
        else {
            return Err(Denied::Unauthenticated);
        };
        let (id, hash) = verify_password(state, username, password, peer).await?;
        return Ok(Authenticated {
            id,
            proof: Proof::Password(hash),
            confirmed: None,
        });
    };
    let hash = token_hash(token);
    let (owned, session) = (Arc::clone(state), hash.clone());
    let found = blocking(move || {
        let connection = connection(&owned)?;
        let idle = owned.limits.session_idle_seconds;
        let Some(id) = db::session_person(&connection, &session, now(), idle)? else {
            return Ok(None);
        };
        db::touch_session(&connection, &session, now())?;
        Ok(db::person(&connection, id)?.map(|row| row.person))
    })
    .await?;
    let Some(person) = found else {
        return Err(Denied::Unauthenticated);
    };
    let confirmed = match request.auth_password() {
        Some(password) => {
            let (id, hash) = verify_password(state, &person.username, password, peer).await?;
            if id != person.id {
                return Err(Denied::Unauthenticated);
            }
            Some(hash)
        }
        None => None,
    };
    Ok(Authenticated {
        id: person.id,
        proof: Proof::Session(hash),
        confirmed,
    })
}

/// Verifies a username and password: a place in the bounded queue, the throttle's
/// counters (counted as the attempt starts), then argon2 at the stored hash's cost, as
/// slow for an unknown username as for a known one. A hash at another cost than the
/// configured one is made again at it. The person's id and the stored hash verified.
async fn verify_password(
    state: &Arc<AppState>,
    username: &str,
    password: &str,
    peer: IpAddr,
) -> Result<(u64, String), Denied> {
    let place = state.slots.enter(peer).map_err(|_| Denied::Busy)?;
    let attempt = state
        .throttle
        .begin(username, peer, Instant::now())
        .map_err(|wait| Denied::Throttled(wait.seconds()))?;
    let slot = place.slot().await;
    let (owned, username_owned) = (Arc::clone(state), username.to_owned());
    let password = normalize_password(password);
    let verified = blocking(move || {
        let connection = connection(&owned)?;
        let row = db::person_by_username(&connection, &username_owned)?;
        let stored = row.as_ref().map(|r| r.password_hash.as_str());
        let verification = owned.hasher.verify(&password, stored);
        let Some(row) = row.filter(|_| verification.matches) else {
            return Ok(None);
        };
        let mut hash = row.password_hash;
        if verification.cost != owned.hasher.configured() {
            let new = owned.hasher.hash(&password);
            if db::replace_password_hash(&connection, row.person.id, &hash, &new)? {
                owned.hasher.replaced(Cost::of(&hash));
                hash = new;
            }
        }
        Ok(Some((row.person.id, hash)))
    })
    .await;
    drop(slot);
    drop(place);
    match verified? {
        Some(found) => {
            state.throttle.succeeded(attempt);
            Ok(found)
        }
        None => Err(Denied::Unauthenticated),
    }
}

/// The caller as the database has them now: the person the proof names, their proof
/// still holding (the session alive, or the stored hash the one verified), their role's
/// level and their own source list against the peer (a `401`), then rule 1 (a `402`).
/// Read where the rules are read, so that a change made while argon2 ran counts.
struct Fresh {
    caller: Caller,
    roles: Roles,
    password_hash: String,
}

fn fresh_caller(
    connection: &Connection,
    authenticated: &Authenticated,
    peer: IpAddr,
    idle: i64,
) -> Result<Result<Fresh, Envelope>, ServerError> {
    let Some(row) = db::person(connection, authenticated.id)? else {
        return Ok(Err(Envelope::unauthenticated()));
    };
    let holds = match &authenticated.proof {
        Proof::Session(hash) => {
            db::session_person(connection, hash, now(), idle)? == Some(authenticated.id)
        }
        Proof::Password(hash) => *hash == row.password_hash,
    };
    if !holds {
        return Ok(Err(Envelope::unauthenticated()));
    }
    let roles = db::roles(connection)?;
    let me = &row.person;
    let level = roles.level(me.role).unwrap_or(Privilege::None);
    let actor = Actor::new(me.id, me.customer, level);
    Ok(
        match actor.caller(&me.source, RequestAddress::Known(peer)) {
            Ok(caller) => Ok(Fresh {
                caller,
                roles,
                password_hash: row.password_hash,
            }),
            Err(report) => Err(Envelope::refused(&report)),
        },
    )
}

/// One line per request: never a URI, a query or a password.
fn log(function: &str, actor: Option<u64>, person: Option<u64>, json: &str, started: Instant) {
    let outcome = Envelope::from_json(json)
        .ok()
        .and_then(|e| e.status())
        .map_or(0, Status::as_u16);
    tracing::info!(
        function,
        actor,
        person,
        outcome,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
}

/// A request as a handler receives it.
struct Incoming {
    started: Instant,
    peer: IpAddr,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
}

/// What every function of the API reads first, in the README's order: the parameters
/// (`400 ""`), then who is asking (`401`).
struct Prologue {
    request: Request<'static>,
    authenticated: Authenticated,
}

async fn prologue(state: &Arc<AppState>, incoming: Incoming) -> Result<Prologue, Answer> {
    let peer = incoming.peer;
    let (parts, headers) = gather(state, incoming).await?;
    let request = parts.request()?.into_owned();
    let authenticated = authenticate(state, &headers, &request, peer).await?;
    Ok(Prologue {
        request,
        authenticated,
    })
}

/// The handlers' common frame: the method check, the work, one log line.
macro_rules! handler {
    ($name:ident, $function:literal, $allow:literal, [$($method:ident),+], $run:ident) => {
        async fn $name(
            State(state): State<Arc<AppState>>,
            ConnectInfo(peer): ConnectInfo<SocketAddr>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Body,
        ) -> Answer {
            if let Some(refused) = only(&method, &[$(Method::$method),+], $allow) {
                return refused;
            }
            let started = Instant::now();
            let peer = peer.ip();
            let incoming = Incoming { started, peer, method, uri, headers, body };
            let (answer, actor, person) = $run(&state, incoming).await;
            log($function, actor, person, &answer.json, started);
            answer
        }
    };
}

/// An answer, with the actor and the person for the log once known.
type Logged = (Answer, Option<u64>, Option<u64>);

handler!(
    update,
    "people/update",
    "GET, POST",
    [GET, POST],
    run_update
);
handler!(people_get, "people/get", "GET, POST", [GET, POST], run_get);
handler!(form_context, "context", "GET", [GET], run_context);
handler!(
    session,
    "session",
    "POST, DELETE",
    [POST, DELETE],
    run_session
);

async fn run_update(state: &Arc<AppState>, incoming: Incoming) -> Logged {
    let peer = incoming.peer;
    let Prologue {
        request,
        authenticated,
    } = match prologue(state, incoming).await {
        Ok(prologue) => prologue,
        Err(answer) => return (answer, None, None),
    };
    let actor = Some(authenticated.id);
    let owned = Arc::clone(state);
    let outcome = blocking(move || {
        let mut connection = connection(&owned)?;
        update_in_transaction(&owned, &mut connection, &authenticated, &request, peer)
    })
    .await;
    match outcome {
        Ok((envelope, person)) => (envelope.into(), actor, person),
        Err(error) => {
            tracing::warn!(code = error.code(), "people/update refused by the server");
            (error.envelope().into(), actor, None)
        }
    }
}

/// One update, one transaction: the caller read again, the person looked up, decided,
/// written (only the changed columns, each with its precondition), every obligation
/// carried out and the audit row written.
fn update_in_transaction(
    state: &AppState,
    connection: &mut Connection,
    authenticated: &Authenticated,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<(Envelope, Option<u64>), ServerError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let idle = state.limits.session_idle_seconds;
    let Fresh {
        caller,
        roles,
        password_hash,
    } = match fresh_caller(&tx, authenticated, peer, idle)? {
        Ok(fresh) => fresh,
        Err(envelope) => return Ok((envelope, None)),
    };
    let id = match caller.person_id(request) {
        Ok(id) => id,
        Err(report) => return Ok((Envelope::refused(&report), None)),
    };
    let Some(row) = db::person(&tx, id)? else {
        return Ok((Envelope::not_found(), Some(id)));
    };
    let person = row.person;
    let chain = db::customer_chain(&tx, person.customer)?;
    // Every fact stated, in this transaction (the UNIQUE column backs uniqueness).
    let username = match request.value(Field::Username) {
        Some(username) if db::username_taken(&tx, username.trim(), id)? => Uniqueness::Taken,
        _ => Uniqueness::Free,
    };
    let plan = db::plan_forbids(&tx, person.customer)?;
    let context = Context::new(&roles, CustomerChain::new(&person, &chain), username, plan);
    let decision = decide(&person, &caller, request, &context, &state.policy);
    if let Ok(Accepted::Ready(update)) = &decision {
        // Over a session, a new password or email needs the current password too.
        let sensitive =
            update.change(Field::Password).is_some() || update.change(Field::Email).is_some();
        let confirmed = authenticated.confirmed.as_deref() == Some(password_hash.as_str());
        if sensitive && authenticated.session().is_some() && !confirmed {
            return Ok((Envelope::unauthenticated(), Some(id)));
        }
        // Under BEGIN IMMEDIATE no other writer comes between the read and the write,
        // so a precondition cannot fail here; should one, nothing is written.
        if !db::write_changes(&tx, update)? {
            return Err(ServerError::Internal);
        }
        let now = now();
        for obligation in update.obligations() {
            match obligation {
                // Only a fact stated as unknown leaves these, and every fact was stated
                // above: should one come, nothing is written.
                Obligation::CheckUsernameUnique(_) | Obligation::CheckLockOut(_) => {
                    return Err(ServerError::Internal);
                }
                Obligation::HashPassword(password) => {
                    let old = db::person(&tx, id)?.and_then(|r| Cost::of(&r.password_hash));
                    db::set_password_hash(&tx, id, &state.hasher.hash(password.password()))?;
                    state.hasher.replaced(old);
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
                Obligation::EndSessions => {
                    db::end_sessions(&tx, id, authenticated.session())?;
                }
            }
        }
        let diff = serde_json::to_string(&update.diff()).map_err(|_| ServerError::Internal)?;
        db::audit(&tx, caller.actor().id(), id, &diff, now)?;
        tx.commit()?;
    }
    // A refusal or validation=1 writes nothing: the transaction rolls back.
    Ok((Envelope::of(&decision), Some(id)))
}

/// The person `request` names, when the caller (read now) reaches them: with the
/// caller, the person's customer chain, the role catalogue and the plan.
struct Reached {
    caller: Caller,
    person: Person,
    chain: Vec<u64>,
    roles: Roles,
    plan: FieldSet,
}

/// Reads the caller again and the person they asked for, for a read (`people/get`, the
/// form's context): rule 1, the id, then reach (out of reach is not found).
fn reach(
    state: &AppState,
    authenticated: &Authenticated,
    request: &Request<'_>,
    peer: IpAddr,
) -> Result<Result<Reached, (Envelope, Option<u64>)>, ServerError> {
    let connection = connection(state)?;
    let idle = state.limits.session_idle_seconds;
    let Fresh { caller, roles, .. } = match fresh_caller(&connection, authenticated, peer, idle)? {
        Ok(fresh) => fresh,
        Err(envelope) => return Ok(Err((envelope, None))),
    };
    let id = match caller.person_id(request) {
        Ok(id) => id,
        Err(report) => return Ok(Err((Envelope::refused(&report), None))),
    };
    let Some(row) = db::person(&connection, id)? else {
        return Ok(Err((Envelope::not_found(), Some(id))));
    };
    let person = row.person;
    let chain = db::customer_chain(&connection, person.customer)?;
    let plan = db::plan_forbids(&connection, person.customer)?;
    // Reach reads no fact but the chain: the others stated here decide nothing.
    let context = Context::new(
        &roles,
        CustomerChain::new(&person, &chain),
        Uniqueness::Free,
        plan,
    );
    if caller.reaches(&person, &context).is_err() {
        return Ok(Err((Envelope::not_found(), Some(id))));
    }
    Ok(Ok(Reached {
        caller,
        person,
        chain,
        roles,
        plan,
    }))
}

/// Runs `answer` on the person a read reaches, in a blocking task.
async fn read(
    state: &Arc<AppState>,
    incoming: Incoming,
    answer: fn(Reached) -> serde_json::Value,
) -> Logged {
    let peer = incoming.peer;
    let Prologue {
        request,
        authenticated,
    } = match prologue(state, incoming).await {
        Ok(prologue) => prologue,
        Err(answer) => return (answer, None, None),
    };
    let actor = Some(authenticated.id);
    let owned = Arc::clone(state);
    let outcome = blocking(move || reach(&owned, &authenticated, &request, peer)).await;
    match outcome {
        Ok(Ok(reached)) => {
            let id = reached.person.id;
            (Envelope::with_data(answer(reached)).into(), actor, Some(id))
        }
        Ok(Err((envelope, person))) => (envelope.into(), actor, person),
        Err(error) => (error.envelope().into(), actor, None),
    }
}

async fn run_get(state: &Arc<AppState>, incoming: Incoming) -> Logged {
    read(state, incoming, |reached| {
        serde_json::to_value(&reached.person).unwrap_or_default()
    })
    .await
}

/// `GET /api/context/?id=N`: what the page hands the WebAssembly module to describe
/// and check the form for person N: the person, the actor, the person's customer chain,
/// the role catalogue and the person's customer's rate plan. The same authentication,
/// rule 1 and reach as `people/get`.
async fn run_context(state: &Arc<AppState>, incoming: Incoming) -> Logged {
    read(state, incoming, |reached| {
        let actor = reached.caller.actor();
        let roles: Vec<serde_json::Value> = reached
            .roles
            .iter()
            .map(|(id, level)| serde_json::json!({"id": id, "level": level}))
            .collect();
        serde_json::json!({
            "person": reached.person,
            "actor": {"id": actor.id(), "customer": actor.customer(), "level": actor.level()},
            "chain": reached.chain,
            "roles": roles,
            "plan_forbids": reached.plan,
        })
    })
    .await
}

/// `POST /api/session/` with `username` and `password` (a form or JSON): a token for
/// `Authorization: Bearer`. `DELETE /api/session/` with that header ends the session.
async fn run_session(state: &Arc<AppState>, incoming: Incoming) -> Logged {
    let outcome = if incoming.method == Method::DELETE {
        end_session(state, &incoming.headers).await
    } else {
        begin_session(state, incoming).await
    };
    match outcome {
        Ok((answer, person)) => (answer, person, person),
        Err(denied) => (denied.into(), None, None),
    }
}

async fn end_session(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<(Answer, Option<u64>), Denied> {
    let Some(hash) = bearer(headers).map(token_hash) else {
        return Err(Denied::Unauthenticated);
    };
    let owned = Arc::clone(state);
    let ended = blocking(move || Ok(db::end_session(&connection(&owned)?, &hash)?)).await?;
    if !ended {
        return Err(Denied::Unauthenticated);
    }
    let ok = Envelope::new(vec![enswitch_people::Response::new(
        Status::UPDATED,
        "",
        "OK",
    )]);
    Ok((ok.into(), None))
}

async fn begin_session(
    state: &Arc<AppState>,
    incoming: Incoming,
) -> Result<(Answer, Option<u64>), Denied> {
    let peer = incoming.peer;
    let (parts, _) = match gather(state, incoming).await {
        Ok(gathered) => gathered,
        Err(answer) => return Ok((answer, None)),
    };
    let request = match parts.request() {
        Ok(request) => request,
        Err(answer) => return Ok((answer, None)),
    };
    let (Some(username), Some(password)) = (
        request.value(Field::Username),
        request.value(Field::Password),
    ) else {
        return Err(Denied::Unauthenticated);
    };
    let (id, _) = verify_password(state, username, password, peer).await?;
    let token = new_token();
    let expires_at = now() + state.limits.session_seconds;
    let (owned, hash) = (Arc::clone(state), token_hash(&token));
    let admitted = blocking(move || {
        let connection = connection(&owned)?;
        let Some(row) = db::person(&connection, id)? else {
            return Ok(false);
        };
        if !SourceList::stored_admits(&row.person.source, peer) {
            return Ok(false);
        }
        db::create_session(&connection, &hash, id, now(), expires_at)?;
        Ok(true)
    })
    .await?;
    if !admitted {
        return Err(Denied::Unauthenticated);
    }
    let data = serde_json::json!({"token": token, "expires_at": expires_at, "person": id});
    Ok((Envelope::with_data(data).into(), Some(id)))
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
