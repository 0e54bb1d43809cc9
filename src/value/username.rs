//! The username a person signs in with.

use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::string_newtype;

/// 1–128 ASCII characters from `A–Z a–z 0–9 . _ - @ +`, first and last a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(CompactString);

string_newtype!(Username);

impl Username {
    /// The most characters a username may have.
    pub const MAX: usize = 128;
}

/// The bytes a username may hold: ASCII letters and digits, `.`, `_`, `-`, `@` and `+`
/// (one look-up a byte).
const INNER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b: u8 = 0;
    while b < 128 {
        table[b as usize] =
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+');
        b += 1;
    }
    table
};

impl FromStr for Username {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `too_long`, `invalid_username`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() > Username::MAX && s.is_ascii() {
            return Err(ErrorKind::TooLong { max: Username::MAX });
        }
        let bytes = s.as_bytes();
        let ends =
            bytes[0].is_ascii_alphanumeric() && bytes[bytes.len() - 1].is_ascii_alphanumeric();
        if ends && bytes.iter().all(|&b| INNER[usize::from(b)]) {
            Ok(Username(CompactString::new(s)))
        } else {
            Err(ErrorKind::InvalidUsername { max: Username::MAX })
        }
    }
}

crate::value::plain_field_value!(Username, crate::value::Limits::between(1, Username::MAX));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for (input, expected) in [
            ("alice", Ok("alice")),
            (" user@example.com ", Ok("user@example.com")),
            ("a", Ok("a")),
            ("first.last+tag_1-x", Ok("first.last+tag_1-x")),
            (".alice", Err(ErrorKind::InvalidUsername { max: 128 })),
            ("alice.", Err(ErrorKind::InvalidUsername { max: 128 })),
            ("al ice", Err(ErrorKind::InvalidUsername { max: 128 })),
            ("alicé", Err(ErrorKind::InvalidUsername { max: 128 })),
            ("al;ice", Err(ErrorKind::InvalidUsername { max: 128 })),
            ("", Err(ErrorKind::EmptyValue {})),
        ] {
            crate::value::assert_parses::<Username>(input, expected);
        }
        // Every ASCII byte between two letters: taken exactly when it is one of these.
        for b in 0..0x80_u8 {
            let c = char::from(b);
            let allowed = c.is_ascii_alphanumeric() || "._-@+".contains(c);
            assert_eq!(
                format!("a{c}a").parse::<Username>().is_ok(),
                allowed,
                "{c:?}"
            );
        }
        assert!("a".repeat(128).parse::<Username>().is_ok());
        assert_eq!(
            "a".repeat(129).parse::<Username>(),
            Err(ErrorKind::TooLong { max: 128 })
        );
    }
}
