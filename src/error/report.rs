//! The keyed errors of a refused request, in Enswitch's order.

use std::fmt;

use crate::error::{Error, ErrorKind, Status};

/// Every reason a request was refused: one entry per key, ordered as Enswitch answers
/// (`404` alone; otherwise `401`, `402`, `403`, then `400`; within a code, key `""`
/// first, then keys alphabetically).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    errors: Vec<Error>,
}

/// The order of the response codes in a report.
fn rank(status: Status) -> u8 {
    match status {
        Status::NOT_FOUND => 0,
        Status::UNAUTHENTICATED => 1,
        Status::ROLE => 2,
        Status::RATE_PLAN => 3,
        _ => 4,
    }
}

impl Report {
    /// Orders the errors, keeps the first-ranked entry for each key, and a `404`
    /// alone. `errors` must not be empty.
    pub(crate) fn new(mut errors: Vec<Error>) -> Report {
        errors.sort_by(|a, b| {
            a.key()
                .cmp(b.key())
                .then(rank(a.status()).cmp(&rank(b.status())))
        });
        errors.dedup_by(|later, first| later.key() == first.key());
        errors.sort_by(|a, b| {
            rank(a.status())
                .cmp(&rank(b.status()))
                .then(a.key().cmp(b.key()))
        });
        if errors
            .first()
            .is_some_and(|e| e.status() == Status::NOT_FOUND)
        {
            errors.truncate(1);
        }
        Report { errors }
    }

    /// The errors, in order.
    #[must_use]
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }

    /// The most important error's response code.
    #[must_use]
    pub fn status(&self) -> Status {
        self.errors.first().map_or(Status::INVALID, Error::status)
    }

    /// The error for `key`, if there is one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Error> {
        self.errors.iter().find(|e| e.key() == key)
    }
}

impl Report {
    /// `401`: the authentication details were not accepted (key `""`).
    #[must_use]
    pub fn unauthenticated() -> Report {
        Report::from(Error::new("", ErrorKind::AuthenticationFailed {}))
    }

    /// `404`: the person does not exist or is out of reach (key `id`).
    #[must_use]
    pub fn not_found() -> Report {
        Report::from(Error::new("id", ErrorKind::PersonNotFound {}))
    }
}

impl From<Error> for Report {
    fn from(error: Error) -> Report {
        Report {
            errors: vec![error],
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(error, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}
