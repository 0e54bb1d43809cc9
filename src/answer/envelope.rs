//! The Enswitch response envelope: `{"responses":[{"code":…,"key":…,"message":…}]}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answer::Catalogue;
use crate::error::{Error, ErrorCode, ErrorKind, Report, Status};
use crate::update::Accepted;

/// One entry of the envelope.
///
/// Members other than `code`, `key` and `message` (a newer server may send some) are
/// kept in [`Response::extra`] and written back out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    code: Status,
    key: String,
    message: String,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

impl Response {
    /// A response entry.
    #[must_use]
    pub fn new(code: Status, key: impl Into<String>, message: impl Into<String>) -> Response {
        Response {
            code,
            key: key.into(),
            message: message.into(),
            extra: BTreeMap::new(),
        }
    }

    /// The Enswitch response code.
    #[must_use]
    pub fn code(&self) -> Status {
        self.code
    }

    /// The parameter concerned, `""` for the request as a whole.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Members this crate does not know, as sent.
    #[must_use]
    pub fn extra(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.extra
    }

    /// The typed error this entry carries in its opt-in `error` member (see
    /// [`Envelope::refused_detailed`]); `None` when there is none, or it names a code
    /// or parameters this crate does not know.
    #[must_use]
    pub fn error(&self) -> Option<Error> {
        let detail = self.extra.get(ERROR_MEMBER)?.as_object()?;
        let code: ErrorCode = detail.get("code")?.as_str()?.parse().ok()?;
        let params = match detail.get("params") {
            Some(params) => params.as_object()?.clone(),
            None => serde_json::Map::new(),
        };
        let kind = ErrorKind::from_parts(code, &params)?;
        Some(Error::new(self.key.clone(), kind))
    }
}

/// The member that carries an error's machine code and typed parameters, when a server
/// opts in.
const ERROR_MEMBER: &str = "error";

/// The whole answer to a `people/update` call, as Enswitch sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    responses: Vec<Response>,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// What an answer says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer<'e> {
    /// `201` (validated, nothing changed) or `204` (done).
    Success(Status),
    /// The keyed errors, in the server's order.
    Refused(&'e [Response]),
}

/// An envelope that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Not JSON of the envelope's shape.
    #[error("not an Enswitch response envelope: {0}")]
    Malformed(String),
    /// An envelope with no responses.
    #[error("the envelope holds no responses")]
    Empty,
}

impl Envelope {
    /// An envelope of the given entries.
    #[must_use]
    pub fn new(responses: Vec<Response>) -> Envelope {
        Envelope {
            responses,
            extra: BTreeMap::new(),
        }
    }

    /// The envelope for a success: `201` "Input passed validation." or `204` "OK".
    #[must_use]
    pub fn accepted(accepted: &Accepted<'_>) -> Envelope {
        let status = accepted.status();
        let message = if status == Status::VALIDATED {
            "Input passed validation."
        } else {
            "OK"
        };
        Envelope::new(vec![Response::new(status, "", message)])
    }

    /// The envelope for a refusal, with English messages.
    #[must_use]
    pub fn refused(report: &Report) -> Envelope {
        Envelope::refused_in(report, &crate::answer::English)
    }

    /// The envelope for a refusal, with messages from `catalogue`.
    #[must_use]
    pub fn refused_in(report: &Report, catalogue: &dyn Catalogue) -> Envelope {
        let responses = report
            .errors()
            .iter()
            .map(|e| Response::new(e.status(), e.key(), catalogue.message(e.kind())))
            .collect();
        Envelope::new(responses)
    }

    /// The envelope for a refusal, with messages from `catalogue`, and in each entry one
    /// more member, `error`, with the machine code and the typed parameters:
    /// `{"code":"400","key":"source","message":"…","error":{"code":"host_bits_set","params":{…}}}`.
    /// A server opts in to it; the default envelope is byte for byte Enswitch's.
    /// [`Response::error`] reads it back.
    #[must_use]
    pub fn refused_detailed(report: &Report, catalogue: &dyn Catalogue) -> Envelope {
        let responses = report
            .errors()
            .iter()
            .map(|e| {
                let mut response = Response::new(e.status(), e.key(), catalogue.message(e.kind()));
                let detail = serde_json::json!({
                    "code": e.code().as_str(),
                    "params": e.kind().params(),
                });
                response.extra.insert(ERROR_MEMBER.to_owned(), detail);
                response
            })
            .collect();
        Envelope::new(responses)
    }

    /// `200` "OK" with `data` after the responses, as Enswitch answers a read (such
    /// as `people/get`).
    #[must_use]
    pub fn with_data(data: serde_json::Value) -> Envelope {
        let mut envelope = Envelope::new(vec![Response::new(Status::READ, "", "OK")]);
        envelope.extra.insert("data".to_owned(), data);
        envelope
    }

    /// `400 ""` `request_too_large`, for a server that stops reading a body at
    /// [`crate::MAX_REQUEST_BYTES`] (before the crate could see it whole).
    #[must_use]
    pub fn request_too_large() -> Envelope {
        Envelope::refused(&Report::new(vec![crate::request::too_large()]))
    }

    /// `401`, for a request whose authentication failed.
    #[must_use]
    pub fn unauthenticated() -> Envelope {
        Envelope::refused(&Report::unauthenticated())
    }

    /// `404`, for a person that does not exist or is out of reach.
    #[must_use]
    pub fn not_found() -> Envelope {
        Envelope::refused(&Report::not_found())
    }

    /// The envelope for a decision, with English messages.
    #[must_use]
    pub fn of(decision: &Result<Accepted<'_>, Report>) -> Envelope {
        match decision {
            Ok(accepted) => Envelope::accepted(accepted),
            Err(report) => Envelope::refused(report),
        }
    }

    /// Reads an envelope.
    ///
    /// # Errors
    /// [`EnvelopeError::Malformed`] for anything not of the envelope's shape (including
    /// a code that is not three digits), [`EnvelopeError::Empty`] for no responses.
    pub fn from_json(json: &str) -> Result<Envelope, EnvelopeError> {
        let envelope: Envelope =
            serde_json::from_str(json).map_err(|e| EnvelopeError::Malformed(e.to_string()))?;
        if envelope.responses.is_empty() {
            return Err(EnvelopeError::Empty);
        }
        Ok(envelope)
    }

    /// The envelope as compact JSON, exactly as the API sends it.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Strings, numbers-as-strings and maps of JSON values cannot fail to serialize.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The entries.
    #[must_use]
    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    /// The first entry's code: the answer's status.
    #[must_use]
    pub fn status(&self) -> Option<Status> {
        self.responses.first().map(Response::code)
    }

    /// Whether the call succeeded (`2xx`).
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.status().is_some_and(Status::is_success)
    }

    /// What the envelope says: a success with its code, or the refusal's entries.
    #[must_use]
    pub fn answer(&self) -> Answer<'_> {
        match self.responses.first() {
            Some(first) if first.code.is_success() => Answer::Success(first.code),
            _ => Answer::Refused(&self.responses),
        }
    }

    /// Members of the envelope this crate does not know, as sent.
    #[must_use]
    pub fn extra(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.extra
    }
}
