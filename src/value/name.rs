//! A person's forename or surname.

use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::plain::{self, is_letter, is_mark};
use crate::value::string_newtype;

/// Plain text of at most 64 characters holding only letters, combining marks (at most 4
/// on one letter), spaces (U+0020 and the ideographic U+3000) and `'` `’` `-` `.` `,`,
/// with at least one letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(CompactString);

string_newtype!(PersonName);

impl PersonName {
    /// The most characters a name may have.
    pub const MAX: usize = 64;
    /// The most combining marks one character of a name may carry.
    pub const MAX_MARKS: usize = 4;
}

impl FromStr for PersonName {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `control_character`, `invisible_character`, `too_long`,
    /// `too_many_marks`, `invalid_name_character`, `name_without_letter`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = plain::plain_text(s, PersonName::MAX, PersonName::MAX_MARKS)?;
        // Joiners passed the plain-text rules, so they are where a script needs them.
        // The punctuation is asked first: it needs no look-up in Unicode's tables.
        // U+3000, the ideographic space, is a space as U+0020 is.
        let allowed = |c: char| {
            matches!(
                c,
                ' ' | '\u{3000}' | '\'' | '’' | '-' | '.' | ',' | '\u{200C}' | '\u{200D}'
            ) || is_letter(c)
                || is_mark(c)
        };
        if !text.chars().all(allowed) {
            Err(ErrorKind::InvalidNameCharacter {})
        } else if !text.chars().any(is_letter) {
            Err(ErrorKind::NameWithoutLetter {})
        } else {
            Ok(PersonName(text))
        }
    }
}

crate::value::plain_field_value!(PersonName, crate::value::Limits::max(PersonName::MAX));

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
            ("山田\u{3000}太郎", Ok("山田\u{3000}太郎")),
            // Marks on either side of a joiner count together: 6 + 6 on one letter.
            ("क््््््\u{200D}््््््", Err(ErrorKind::TooManyMarks { max: 4 })),
            ("نیک\u{200C}نام", Ok("نیک\u{200C}نام")),
            // Reh does not join to the left: no joiner after it.
            (
                "مهر\u{200C}داد",
                Err(ErrorKind::InvisibleCharacter { position: 4 }),
            ),
            ("R2D2", Err(ErrorKind::InvalidNameCharacter {})),
            ("a_b", Err(ErrorKind::InvalidNameCharacter {})),
            ("<script>", Err(ErrorKind::InvalidNameCharacter {})),
            ("a\tb", Err(ErrorKind::ControlCharacter {})),
            ("", Err(ErrorKind::EmptyValue {})),
            ("-.'", Err(ErrorKind::NameWithoutLetter {})),
            ("\u{301}", Err(ErrorKind::NameWithoutLetter {})),
            (
                "a\u{316}\u{317}\u{318}\u{319}",
                Ok("a\u{316}\u{317}\u{318}\u{319}"),
            ),
            (
                "a\u{316}\u{317}\u{318}\u{319}\u{31C}",
                Err(ErrorKind::TooManyMarks { max: 4 }),
            ),
        ] {
            crate::value::assert_parses::<PersonName>(input, expected);
        }
        assert_eq!(
            "a".repeat(65).parse::<PersonName>(),
            Err(ErrorKind::TooLong { max: 64 })
        );
    }

    #[test]
    fn hostile_names_from_the_hardening_issue() {
        assert_eq!(
            "\u{301}".repeat(64).parse::<PersonName>(),
            Err(ErrorKind::TooManyMarks { max: 4 })
        );
        assert_eq!(
            format!("A{}", "\u{34F}".repeat(63)).parse::<PersonName>(),
            Err(ErrorKind::InvisibleCharacter { position: 2 })
        );
    }
}
