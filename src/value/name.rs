//! A person's forename or surname.

use std::str::FromStr;

use unicode_normalization::char::is_combining_mark;

use crate::error::ErrorKind;
use crate::value::{plain, string_newtype};

/// Plain text of at most 64 characters holding only letters, combining marks, spaces
/// and `'` `’` `-` `.` `,`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

string_newtype!(PersonName);

impl PersonName {
    /// The most characters a name may have.
    pub const MAX: usize = 64;
}

impl FromStr for PersonName {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `control_character`, `invisible_character`, `too_long`,
    /// `invalid_name_character`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = plain::plain_text(s, PersonName::MAX)?;
        let allowed = |c: char| {
            c.is_alphabetic()
                || is_combining_mark(c)
                || matches!(c, ' ' | '\'' | '’' | '-' | '.' | ',')
        };
        if text.chars().all(allowed) {
            Ok(PersonName(text))
        } else {
            Err(ErrorKind::InvalidNameCharacter {})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (input, expected) in [
            ("  Anne-Marie ", Ok("Anne-Marie")),
            ("O’Brien", Ok("O’Brien")),
            ("d'Artagnan", Ok("d'Artagnan")),
            ("José", Ok("José")),
            ("Jose\u{301}", Ok("José")),
            ("Smith, Jr.", Ok("Smith, Jr.")),
            ("Đặng", Ok("Đặng")),
            ("李", Ok("李")),
            ("R2D2", Err(ErrorKind::InvalidNameCharacter {})),
            ("a_b", Err(ErrorKind::InvalidNameCharacter {})),
            ("<script>", Err(ErrorKind::InvalidNameCharacter {})),
            ("a\tb", Err(ErrorKind::ControlCharacter {})),
            ("", Err(ErrorKind::EmptyValue {})),
        ] {
            crate::value::assert_parses::<PersonName>(input, expected);
        }
        assert_eq!(
            "a".repeat(65).parse::<PersonName>(),
            Err(ErrorKind::TooLong { max: 64 })
        );
    }
}
