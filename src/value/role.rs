//! A role id.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorKind;

/// The id of a role: a decimal integer from 1 to 2^63−1. Whether the role exists is
/// the role catalogue's to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleId(u64);

impl RoleId {
    /// The id.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for RoleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl crate::value::FieldValue for RoleId {
    fn parse_under(value: &str, _: &crate::value::Rules) -> Result<Self, ErrorKind> {
        value.parse()
    }

    fn stored(&self) -> Option<&str> {
        None
    }

    fn limits(_: &crate::value::Rules) -> crate::value::Limits {
        crate::value::Limits::NONE
    }
}

impl FromStr for RoleId {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `invalid_role`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        crate::value::parse_id(s)
            .map(RoleId)
            .ok_or(ErrorKind::InvalidRole {})
    }
}
