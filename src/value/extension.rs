//! The extension dialled by name.

use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::string_newtype;

/// 1–16 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension(CompactString);

string_newtype!(Extension);

impl Extension {
    /// The most digits an extension may have.
    pub const MAX_DIGITS: usize = 16;
}

impl FromStr for Extension {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `invalid_extension`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() <= Extension::MAX_DIGITS && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Extension(CompactString::new(s)))
        } else {
            Err(ErrorKind::InvalidExtension {
                max_digits: Extension::MAX_DIGITS,
            })
        }
    }
}

crate::value::plain_field_value!(
    Extension,
    crate::value::Limits::between(1, Extension::MAX_DIGITS)
);

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
