//! Enswitch response codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An Enswitch response code such as `204` or `402`.
///
/// Enswitch sends codes as strings (`"code":"402"`); this type serializes the same way.
/// Codes this crate does not produce are kept as they are, so that an answer from a
/// newer server still reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(u16);

impl Status {
    /// `200`: a read succeeded; its `data` follows the responses.
    pub const READ: Status = Status(200);
    /// `201`: the input passed validation (`validation=1`); nothing was changed.
    pub const VALIDATED: Status = Status(201);
    /// `204`: the update was carried out.
    pub const UPDATED: Status = Status(204);
    /// `400`: an input parameter is invalid; the key names it.
    pub const INVALID: Status = Status(400);
    /// `401`: the authentication details are invalid.
    pub const UNAUTHENTICATED: Status = Status(401);
    /// `402`: the actor's role does not allow this.
    pub const ROLE: Status = Status(402);
    /// `403`: the customer's rate plan does not allow this.
    pub const RATE_PLAN: Status = Status(403);
    /// `404`: the person does not exist, or is out of the actor's reach.
    pub const NOT_FOUND: Status = Status(404);

    /// Makes a status from its number (any three-digit code).
    ///
    /// # Errors
    /// A number outside `100..=999`.
    pub fn from_u16(code: u16) -> Result<Status, InvalidStatus> {
        if (100..=999).contains(&code) {
            Ok(Status(code))
        } else {
            Err(InvalidStatus)
        }
    }

    /// The code as a number.
    #[must_use]
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// Whether this is a success (`2xx`).
    #[must_use]
    pub const fn is_success(self) -> bool {
        self.0 >= 200 && self.0 < 300
    }
}

/// A response code that is not three decimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a response code is three decimal digits, 100 to 999")]
pub struct InvalidStatus;

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Status {
    type Err = InvalidStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidStatus);
        }
        s.parse::<u16>()
            .map_err(|_| InvalidStatus)
            .and_then(Status::from_u16)
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Enswitch writes codes as strings; be lenient about a bare number.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a three-digit response code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Status, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Status, E> {
                u16::try_from(v)
                    .map_err(|_| InvalidStatus)
                    .and_then(Status::from_u16)
                    .map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
