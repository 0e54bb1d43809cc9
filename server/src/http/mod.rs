//! The HTTP layer: routes, the extractor that signs a request in, the handlers, the
//! answers, and the page's files. Every answer of the API is an envelope with HTTP
//! status 200 (Enswitch's codes live inside it), but for a method a path does not take
//! (405, with `Allow`) and the HTTP stack's own limits (a URI over its limit is a 414).

mod answer;
mod client;
mod files;
mod handlers;
mod language;
mod signed;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, any, get, post};
use enswitch_people::{Policy, SourceList};
use tokio::sync::Semaphore;

use crate::auth::{Hasher, Slots, Throttle};
use crate::errors::ServerError;
use crate::service::Sessions;
use crate::store::Store;

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
    /// On SIGTERM, how long requests in flight may take to finish.
    pub shutdown_seconds: u64,
}

impl Limits {
    /// 10 s for headers and for a body, 512 connections, 16 bodies at once, sessions of
    /// 8 hours that end after 30 idle minutes, 10 s to finish on SIGTERM.
    pub const DEFAULT: Limits = Limits {
        header_seconds: 10,
        body_seconds: 10,
        connections: 512,
        bodies: 16,
        session_seconds: 8 * 60 * 60,
        session_idle_seconds: 30 * 60,
        shutdown_seconds: 10,
    };

    /// The sessions' bounds, as the service reads them.
    #[must_use]
    pub fn sessions(self) -> Sessions {
        Sessions {
            idle: self.session_idle_seconds,
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Password hashing at the configured cost.
    pub hasher: Hasher,
    /// Sign-in attempts.
    pub throttle: Throttle,
    /// The argon2 slots and their queue.
    pub slots: Slots,
    /// Bodies read at once.
    pub bodies: Semaphore,
    /// Timeouts and bounds.
    pub limits: Limits,
    /// The rules.
    pub policy: Policy,
    /// Where the page's files are.
    pub web: PathBuf,
    /// The proxies whose forwarding headers name the client (none: the headers are
    /// ignored).
    pub trusted_proxies: Option<SourceList>,
}

/// `handler`, refusing any method but `allowed` before it runs.
fn taking(
    allowed: &'static [Method],
    allow: &'static str,
    handler: MethodRouter<Arc<AppState>>,
) -> MethodRouter<Arc<AppState>> {
    handler.layer(from_fn_with_state((allowed, allow), answer::methods))
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    const GET_POST: &[Method] = &[Method::GET, Method::POST];
    let update = get(handlers::update).post(handlers::update);
    let read = get(handlers::people_get).post(handlers::people_get);
    let session = post(handlers::begin_session).delete(handlers::end_session);
    let context = get(handlers::form_context);
    Router::new()
        .route(
            "/api/json/people/update/",
            taking(GET_POST, "GET, POST", update),
        )
        .route("/api/json/people/get/", taking(GET_POST, "GET, POST", read))
        .route(
            "/api/session/",
            taking(&[Method::POST, Method::DELETE], "POST, DELETE", session),
        )
        .route("/api/context/", taking(&[Method::GET], "GET", context))
        .route("/api/{*rest}", any(unknown_path))
        .merge(files::router(&state.web))
        // The body is read against the crate's own bound, so that an oversized one gets
        // a keyed envelope rather than the stack's 413.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn(answer::log))
        .with_state(state)
}

async fn unknown_path() -> answer::Answer {
    ServerError::UnknownPath.envelope().into()
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
