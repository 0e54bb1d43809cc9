//! The new password: write-only.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::error::ErrorKind;
use crate::value::plain::{MAX_DECOMPOSITION, check_raw_length};

/// A new password that passed its checks.
///
/// It cannot be shown: `Debug` prints `********`, there is no `Display`, no
/// `Serialize`, and no accessor. The only way to read it is
/// [`crate::HashPassword::password`], the obligation to hash it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a new password: NFKC-normalized first (NIST SP 800-63B §5.1.1.2), then
    /// `min`–`max` characters and no control characters. The password is not trimmed.
    /// Comparing with the username is the caller's, since it depends on the update.
    ///
    /// # Errors
    /// `too_short`, `too_long`, `control_character`.
    pub(crate) fn new(raw: &str, min: usize, max: usize) -> Result<Password, ErrorKind> {
        // Refused unread when even the densest composition could not bring it to `max`.
        check_raw_length(raw, max)?;
        // ASCII is its own NFKC, its controls are ASCII controls, and its characters
        // are its bytes.
        let (normalized, control, length) = if raw.is_ascii() {
            let control = crate::value::scan::has_ascii_control(raw.as_bytes());
            (raw.to_owned(), control, raw.len())
        } else {
            let normalized: String = raw.nfkc().take(max * MAX_DECOMPOSITION + 1).collect();
            let control = normalized.chars().any(char::is_control);
            let length = normalized.chars().count();
            (normalized, control, length)
        };
        if control {
            return Err(ErrorKind::ControlCharacter {});
        }
        if length < min {
            Err(ErrorKind::TooShort { min })
        } else if length > max {
            Err(ErrorKind::TooLong { max })
        } else {
            Ok(Password(normalized))
        }
    }

    /// Whether the password equals `username`, ignoring case.
    pub(crate) fn matches_username(&self, username: &str) -> bool {
        fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
            s.chars().flat_map(char::to_lowercase)
        }
        // ASCII lowers to ASCII, one byte for one; only other characters (such as the
        // Kelvin sign, `k` once lowered) need Unicode's case mapping.
        if self.0.is_ascii() && username.is_ascii() {
            return self.0.eq_ignore_ascii_case(username);
        }
        folded(&self.0).eq(folded(username))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

/// A password as the crate compares and hashes it: NFKC (NIST SP 800-63B §5.1.1.2). A
/// server normalizes `auth_password` with this before it verifies it against the hash
/// that the `hash_password` obligation made, so that both sides agree.
#[must_use]
pub fn normalize_password(raw: &str) -> String {
    if raw.is_ascii() {
        raw.to_owned()
    } else {
        raw.nfkc().collect()
    }
}

impl crate::value::FieldValue for Password {
    fn parse_under(value: &str, rules: &crate::value::Rules) -> Result<Self, ErrorKind> {
        let (min, max) = rules.password_lengths;
        Password::new(value, min, max)
    }

    fn stored(&self) -> Option<&str> {
        None
    }

    fn limits(rules: &crate::value::Rules) -> crate::value::Limits {
        let (min, max) = rules.password_lengths;
        crate::value::Limits::between(min, max)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        for (input, expected) in [
            ("correct horse", Ok(())),
            (" spaces kept ", Ok(())),
            ("short", Err(ErrorKind::TooShort { min: 8 })),
            ("", Err(ErrorKind::TooShort { min: 8 })),
            ("tab\there!", Err(ErrorKind::ControlCharacter {})),
            ("delete\u{7f}it", Err(ErrorKind::ControlCharacter {})),
            ("nul\0nul\0nul", Err(ErrorKind::ControlCharacter {})),
            ("c1\u{85}control", Err(ErrorKind::ControlCharacter {})),
        ] {
            assert_eq!(
                Password::new(input, 8, 128).map(|_| ()),
                expected,
                "{input:?}"
            );
        }
        assert!(Password::new(&"p".repeat(128), 8, 128).is_ok());
        assert_eq!(
            Password::new(&"p".repeat(129), 8, 128).unwrap_err(),
            ErrorKind::TooLong { max: 128 }
        );
        assert_eq!(
            Password::new(" spaces kept ", 8, 128).unwrap().expose(),
            " spaces kept "
        );
    }

    #[test]
    fn length_counts_characters_after_nfkc() {
        // Four characters once composed: too short, though eight scalar values were sent.
        assert_eq!(
            Password::new(&"e\u{301}".repeat(4), 8, 128).unwrap_err(),
            ErrorKind::TooShort { min: 8 }
        );
        // Compatibility forms become their plain letters: fullwidth "ｐａｓｓｗｏｒｄ".
        let p = Password::new("ｐａｓｓｗｏｒｄ", 8, 128).unwrap();
        assert_eq!(p.expose(), "password");
        assert_eq!(
            Password::new(&"e\u{301}".repeat(8), 8, 128)
                .unwrap()
                .expose(),
            "é".repeat(8)
        );
    }

    #[test]
    fn username_comparison_ignores_case() {
        for (password, username, matches) in [
            ("Alice.Smith", "alice.smith", true),
            ("Alice.Smith", "alice.smith2", false),
            ("Alice.Smith", "bob", false),
            ("Alice.Smith", "alice.smitj", false),
            // The Kelvin sign lowers to an ASCII `k`; the ASCII path is not taken.
            ("\u{212A}elvin-user", "kelvin-user", true),
            ("kelvin-user", "\u{212A}elvin-user", true),
            ("Émile-Zola", "émile-zola", true),
        ] {
            let p = Password::new(password, 8, 128).unwrap();
            assert_eq!(
                p.matches_username(username),
                matches,
                "{password:?} {username:?}"
            );
        }
    }

    #[test]
    fn debug_is_redacted() {
        let p = Password::new("hunter2hunter2", 8, 128).unwrap();
        assert_eq!(format!("{p:?}"), "Password(********)");
    }

    proptest::proptest! {
        /// Whatever the text, ASCII or not, the checks answer as NFKC and then a look at
        /// every character do.
        #[test]
        fn checks_as_nfkc_then_characters(raw in "[ -~\\t\u{7f}\u{85}é\u{301}ｐ]{0,12}") {
            let normalized: String = raw.nfkc().collect();
            let length = normalized.chars().count();
            let expected = if normalized.chars().any(char::is_control) {
                Err(ErrorKind::ControlCharacter {})
            } else if length < 4 {
                Err(ErrorKind::TooShort { min: 4 })
            } else if length > 8 {
                Err(ErrorKind::TooLong { max: 8 })
            } else {
                Ok(normalized)
            };
            let got = Password::new(&raw, 4, 8).map(|p| p.expose().to_owned());
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
