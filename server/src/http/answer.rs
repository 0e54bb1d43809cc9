//! What the HTTP layer answers: an envelope (HTTP 200 unless said), the headers it adds,
//! and the log line every request leaves.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use enswitch_people::{Catalogue, Envelope, Report, Status};

use crate::errors::ServerError;
use crate::service::Outcome;

/// An answer, and what the log says of it.
#[derive(Debug)]
pub(crate) struct Answer {
    status: StatusCode,
    envelope: Envelope,
    retry_after: Option<u64>,
    allow: Option<&'static str>,
    /// The body was not read to its end: the connection cannot carry another request.
    close: bool,
    log: Logged,
}

/// What the log line says of a request beside its path and time.
#[derive(Debug, Clone, Copy, Default)]
struct Logged {
    actor: Option<u64>,
    person: Option<u64>,
}

impl From<Envelope> for Answer {
    fn from(envelope: Envelope) -> Answer {
        Answer {
            status: StatusCode::OK,
            envelope,
            retry_after: None,
            allow: None,
            close: false,
            log: Logged::default(),
        }
    }
}

impl From<Outcome> for Answer {
    fn from(outcome: Outcome) -> Answer {
        Answer {
            log: Logged {
                actor: outcome.actor,
                person: outcome.person,
            },
            ..outcome.envelope.into()
        }
    }
}

impl From<ServerError> for Answer {
    fn from(error: ServerError) -> Answer {
        tracing::warn!(code = error.code(), "refused by the server");
        error.envelope().into()
    }
}

impl Answer {
    /// A refusal that ends by itself: the message and `Retry-After` say when.
    pub(crate) fn retry(error: ServerError, seconds: u64) -> Answer {
        Answer {
            retry_after: Some(seconds),
            ..error.envelope_retry(seconds).into()
        }
    }

    /// The answer, after which the connection is closed.
    pub(crate) fn closing(self) -> Answer {
        Answer {
            close: true,
            ..self
        }
    }

    /// HTTP 405 with the methods the path takes.
    fn not_allowed(allow: &'static str) -> Answer {
        Answer {
            status: StatusCode::METHOD_NOT_ALLOWED,
            allow: Some(allow),
            ..ServerError::MethodNotAllowed.envelope().into()
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let outcome = self.envelope.status().map_or(0, Status::as_u16);
        let mut response = (self.status, self.envelope.to_json()).into_response();
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
        response.extensions_mut().insert(LogLine {
            logged: self.log,
            outcome,
        });
        response
    }
}

/// Why a request was not let in.
pub(crate) enum Denied {
    Unauthenticated,
    Throttled(u64),
    Busy,
    Server(ServerError),
}

impl From<ServerError> for Denied {
    fn from(error: ServerError) -> Denied {
        Denied::Server(error)
    }
}

impl Denied {
    /// The answer, its `401` in `language`.
    pub(crate) fn answer(self, language: &dyn Catalogue) -> Answer {
        match self {
            Denied::Unauthenticated => {
                Envelope::refused_in(&Report::unauthenticated(), language).into()
            }
            other => other.into(),
        }
    }
}

impl From<Denied> for Answer {
    fn from(denied: Denied) -> Answer {
        match denied {
            Denied::Unauthenticated => Envelope::unauthenticated().into(),
            Denied::Throttled(seconds) => Answer::retry(ServerError::TooManyAttempts, seconds),
            Denied::Busy => Answer::retry(ServerError::SignInBusy, 1),
            Denied::Server(error) => error.into(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct LogLine {
    logged: Logged,
    outcome: u16,
}

/// Refuses a method the path does not take before anything else runs (a `HEAD` too,
/// which would otherwise run the `GET` handler).
pub(crate) async fn methods(
    State((allowed, allow)): State<(&'static [Method], &'static str)>,
    request: Request,
    next: Next,
) -> Response {
    if allowed.contains(request.method()) {
        next.run(request).await
    } else {
        Answer::not_allowed(allow).into_response()
    }
}

/// One line per API request: the function, the actor and person once known, the
/// outcome and the time; never a URI, a query or a password.
pub(crate) async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // A name from this list, never the path as sent.
    let function = match request.uri().path() {
        "/api/json/people/update/" => "people/update",
        "/api/json/people/get/" => "people/get",
        "/api/session/" => "session",
        "/api/context/" => "context",
        _ => "other",
    };
    let response = next.run(request).await;
    if let Some(line) = response.extensions().get::<LogLine>() {
        tracing::info!(
            function,
            actor = line.logged.actor,
            person = line.logged.person,
            outcome = line.outcome,
            micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "request"
        );
    }
    response
}
