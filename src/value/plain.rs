//! "Plain text": NFC, no control characters, no invisible or direction-changing
//! format characters; lengths in Unicode scalar values.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::ErrorKind;

/// Zero-width, direction-changing and other invisible format characters.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// The value in NFC, borrowed when it already is.
pub(crate) fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Refuses control and invisible characters; a control character passes where
/// `control_ok` says so (line breaks in a description, separators in a list).
pub(crate) fn check_characters(s: &str, control_ok: fn(char) -> bool) -> Result<(), ErrorKind> {
    if s.is_ascii() {
        // No invisible characters in ASCII; controls are C0 and DEL.
        let control = |b: &u8| (b.is_ascii_control()) && !control_ok(char::from(*b));
        return if s.as_bytes().iter().any(control) {
            Err(ErrorKind::ControlCharacter {})
        } else {
            Ok(())
        };
    }
    for c in s.chars() {
        if c.is_control() && !control_ok(c) {
            return Err(ErrorKind::ControlCharacter {});
        }
        if is_invisible(c) {
            return Err(ErrorKind::InvisibleCharacter {});
        }
    }
    Ok(())
}

/// Refuses a value of more than `max` scalar values.
pub(crate) fn check_length(s: &str, max: usize) -> Result<(), ErrorKind> {
    // Bytes bound characters from above: most values need no count at all.
    if s.len() > max && s.chars().count() > max {
        Err(ErrorKind::TooLong { max })
    } else {
        Ok(())
    }
}

/// Trims, refuses an empty value, normalizes to NFC and checks plain text of at most
/// `max` characters. Returns the canonical text.
pub(crate) fn plain_text(s: &str, max: usize) -> Result<String, ErrorKind> {
    let s = non_empty(s)?;
    let s = nfc(s);
    check_characters(&s, |_| false)?;
    check_length(&s, max)?;
    Ok(s.into_owned())
}

/// The value trimmed of surrounding white space; empty is an error.
pub(crate) fn non_empty(s: &str) -> Result<&str, ErrorKind> {
    let s = s.trim();
    if s.is_empty() {
        Err(ErrorKind::EmptyValue {})
    } else {
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn plain(input: &str, max: usize, expected: Result<&str, ErrorKind>) {
        assert_eq!(
            plain_text(input, max),
            expected.map(str::to_owned),
            "{input:?}"
        );
    }

    #[test]
    fn plain_text_rules() {
        plain("  Dr  ", 64, Ok("Dr"));
        plain("Cafe\u{301}", 64, Ok("Café"));
        plain("", 64, Err(ErrorKind::EmptyValue {}));
        plain(" \t ", 64, Err(ErrorKind::EmptyValue {}));
        plain("a\tb", 64, Err(ErrorKind::ControlCharacter {}));
        plain("a\nb", 64, Err(ErrorKind::ControlCharacter {}));
        plain("a\0b", 64, Err(ErrorKind::ControlCharacter {}));
        plain("a\u{200B}b", 64, Err(ErrorKind::InvisibleCharacter {}));
        plain("a\u{202E}b", 64, Err(ErrorKind::InvisibleCharacter {}));
        plain("a\u{2066}b", 64, Err(ErrorKind::InvisibleCharacter {}));
        plain("a\u{FEFF}b", 64, Err(ErrorKind::InvisibleCharacter {}));
        plain(&"é".repeat(64), 64, Ok(&"é".repeat(64)));
        // 64 characters once composed, 128 before.
        plain(&"e\u{301}".repeat(64), 64, Ok(&"é".repeat(64)));
        plain(&"é".repeat(65), 64, Err(ErrorKind::TooLong { max: 64 }));
    }
}
