//! Single-line plain text with a length limit: `title` and `company`.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::plain;

/// Trimmed, NFC plain text of at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text<const MAX: usize>(CompactString);

/// A person's title (at most 64 characters).
pub type Title = Text<64>;
/// A company name (at most 128 characters).
pub type Company = Text<128>;

impl<const MAX: usize> Text<MAX> {
    /// The canonical text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> FromStr for Text<MAX> {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `control_character`, `invisible_character`, `too_long`,
    /// `too_many_marks`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        plain::plain_text(s, MAX, plain::MAX_MARKS).map(Text)
    }
}

impl<const MAX: usize> crate::value::FieldValue for Text<MAX> {
    fn parse_under(value: &str, _: &crate::value::Rules) -> Result<Self, ErrorKind> {
        value.parse()
    }

    fn stored(&self) -> Option<&str> {
        Some(self.as_str())
    }

    fn limits(_: &crate::value::Rules) -> crate::value::Limits {
        crate::value::Limits::max(MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!("  Mrs ".parse::<Title>().unwrap().as_str(), "Mrs");
        assert_eq!("x".repeat(64).parse::<Title>().unwrap().as_str().len(), 64);
        assert_eq!(
            "x".repeat(65).parse::<Title>(),
            Err(ErrorKind::TooLong { max: 64 })
        );
        assert_eq!(
            "x".repeat(128).parse::<Company>().unwrap().as_str().len(),
            128
        );
        assert_eq!(
            "x".repeat(129).parse::<Company>(),
            Err(ErrorKind::TooLong { max: 128 })
        );
        assert_eq!(
            "Acme\u{200F}".parse::<Company>(),
            Err(ErrorKind::InvisibleCharacter { position: 5 })
        );
    }
}
