//! The free-text description: plain text that may hold line breaks.

use std::borrow::Cow;
use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::{plain, string_newtype};

/// Trimmed, NFC plain text of at most 1024 characters, with line breaks as LF.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(CompactString);

string_newtype!(Description);

impl Description {
    /// The most characters a description may have.
    pub const MAX: usize = 1024;
}

impl FromStr for Description {
    type Err = ErrorKind;

    /// CRLF and a lone CR become LF.
    ///
    /// # Errors
    /// `empty_value`, `control_character`, `invisible_character`, `too_long`,
    /// `too_many_marks`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = plain::non_empty(s)?;
        plain::check_raw_length(s, Description::MAX)?;
        let s: Cow<'_, str> = if s.contains('\r') {
            Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cow::Borrowed(s)
        };
        plain::checked(&s, Description::MAX, plain::MAX_MARKS, |c| c == '\n').map(Description)
    }
}

crate::value::plain_field_value!(Description, crate::value::Limits::max(Description::MAX));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks() {
        for (input, expected) in [
            ("one\r\ntwo", Ok("one\ntwo")),
            ("one\rtwo", Ok("one\ntwo")),
            ("\n one\n\ntwo \n", Ok("one\n\ntwo")),
            ("tab\there", Err(ErrorKind::ControlCharacter {})),
            ("", Err(ErrorKind::EmptyValue {})),
        ] {
            crate::value::assert_parses::<Description>(input, expected);
        }
        assert!("x".repeat(1024).parse::<Description>().is_ok());
        assert_eq!(
            "x".repeat(1025).parse::<Description>(),
            Err(ErrorKind::TooLong { max: 1024 })
        );
    }
}
