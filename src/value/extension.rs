//! The extension dialled by name.

use std::str::FromStr;

use crate::error::ErrorKind;
use crate::value::string_newtype;

/// 1–16 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension(String);

string_newtype!(Extension);

impl FromStr for Extension {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `invalid_extension`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Extension(s.to_owned()))
        } else {
            Err(ErrorKind::InvalidExtension {})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        for (input, ok) in [
            ("1", true),
            (" 0042 ", true),
            ("1234567890123456", true),
            ("12345678901234567", false),
            ("12a", false),
            ("+12", false),
            ("1 2", false),
        ] {
            assert_eq!(input.parse::<Extension>().is_ok(), ok, "{input:?}");
        }
        assert_eq!(" 0042 ".parse::<Extension>().unwrap().as_str(), "0042");
    }
}
