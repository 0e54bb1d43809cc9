//! Telephone, mobile and fax numbers.

use std::str::FromStr;

use compact_str::CompactString;

use crate::error::ErrorKind;
use crate::value::string_newtype;

/// A phone number: an optional `+` and 2–20 digits, nothing else.
///
/// Parsing accepts spaces, `-`, `.`, `(` and `)` between the digits and drops the
/// trunk prefix written `(0)` after a `+` country code: `+44 (0)20 7946 0000` is
/// `+442079460000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(CompactString);

string_newtype!(PhoneNumber);

impl PhoneNumber {
    /// The fewest digits a number may have.
    pub const MIN_DIGITS: usize = 2;
    /// The most digits a number may have.
    pub const MAX_DIGITS: usize = 20;
}

impl FromStr for PhoneNumber {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `invalid_phone_number`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        let invalid = ErrorKind::InvalidPhoneNumber {
            min_digits: Self::MIN_DIGITS,
            max_digits: Self::MAX_DIGITS,
        };
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let bytes = rest.as_bytes();
        let starts = bytes
            .first()
            .is_some_and(|b| b.is_ascii_digit() || *b == b'(');
        let ends = bytes
            .last()
            .is_some_and(|b| b.is_ascii_digit() || *b == b')');
        if !starts || !ends {
            return Err(invalid);
        }
        // The canonical number is short and ASCII: written on the stack, kept inline
        // (after a `+`, which every byte is until a digit is written over it).
        let mut out = [b'+'; Self::MAX_DIGITS + 1];
        let mut len = usize::from(plus);
        let mut trunk_dropped = false;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if b.is_ascii_digit() {
                // A digit past the buffer is one too many; without a `+` the buffer
                // holds one more than may be, which the count below refuses.
                let Some(slot) = out.get_mut(len) else {
                    return Err(invalid);
                };
                *slot = b;
                len += 1;
                continue;
            }
            match b {
                // "(0)" right after a country code (1 to 3 digits) is a trunk prefix.
                b'(' if plus
                    && (1..=3).contains(&(len - 1))
                    && !trunk_dropped
                    && bytes[i..].starts_with(b"0)") =>
                {
                    trunk_dropped = true;
                    i += 2;
                }
                b' ' | b'-' | b'.' | b'(' | b')' => {}
                _ => return Err(invalid),
            }
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&(len - usize::from(plus))) {
            return Err(invalid);
        }
        // ASCII digits and `+`: always UTF-8. The whole buffer is checked (its bytes
        // past the number are `+`): at its full length the standard library's check
        // takes the bytes two words at a time, which a 12-byte number is too short for.
        let text = std::str::from_utf8(&out).map_err(|_| invalid)?;
        Ok(PhoneNumber(CompactString::new(&text[..len])))
    }
}

crate::value::plain_field_value!(
    PhoneNumber,
    crate::value::Limits::between(PhoneNumber::MIN_DIGITS, PhoneNumber::MAX_DIGITS)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let invalid = Err(ErrorKind::InvalidPhoneNumber {
            min_digits: 2,
            max_digits: 20,
        });
        for (input, expected) in [
            ("+44 (0)20 7946 0000", Ok("+442079460000")),
            ("+44(0)2079460000", Ok("+442079460000")),
            ("+1 (0) 555 0100", Ok("+15550100")),
            ("+44 20 (0)7946 0000", Ok("+4420079460000")),
            ("020 (0)7946", Ok("02007946")),
            ("020 7946 0000", Ok("02079460000")),
            ("(020) 7946-0000", Ok("02079460000")),
            ("+1.555.010.9999", Ok("+15550109999")),
            (" 12 ", Ok("12")),
            ("12345678901234567890", Ok("12345678901234567890")),
            ("123456789012345678901", invalid.clone()),
            ("1234567890123456789012", invalid.clone()),
            (&"9".repeat(100), invalid.clone()),
            (&format!("+{}", "9".repeat(100)), invalid.clone()),
            ("+12345678901234567890", Ok("+12345678901234567890")),
            ("+123456789012345678901", invalid.clone()),
            ("+1234 (0)20", Ok("+1234020")),
            ("+44 (0)(0)20", Ok("+44020")),
            ("+(0)20", Ok("+020")),
            ("+44 (0", Ok("+440")),
            ("1", invalid.clone()),
            ("+", invalid.clone()),
            ("++44", invalid.clone()),
            ("44+", invalid.clone()),
            ("-44", invalid.clone()),
            ("020 7946 0000 ext 12", invalid.clone()),
            ("٠١٢٣", invalid.clone()),
            ("", Err(ErrorKind::EmptyValue {})),
        ] {
            crate::value::assert_parses::<PhoneNumber>(input, expected);
        }
    }
}
