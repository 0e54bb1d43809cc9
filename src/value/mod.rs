//! The validated value of each field: newtypes that can only hold a canonical value,
//! built with `FromStr` and shown with `Display`/`as_str`.

mod country;
mod date_format;
mod description;
mod email;
mod extension;
mod language;
mod list;
mod name;
mod password;
mod phone;
mod plain;
mod public_key;
mod role;
pub(crate) mod scan;
mod source;
mod text;
mod time_format;
mod timezone;
mod username;

pub use country::Country;
pub use date_format::DateFormat;
pub use description::Description;
pub use email::EmailList;
pub use extension::Extension;
pub use language::Language;
pub use name::PersonName;
pub use password::{Password, normalize_password};
pub use phone::PhoneNumber;
pub use public_key::PublicKey;
pub use role::RoleId;
pub use source::SourceList;
pub use text::{Company, Text, Title};
pub use time_format::TimeFormat;
pub use timezone::TimeZone;
pub use username::Username;

pub(crate) use email::{MAX_EMAILS, entries as list_entries};
pub(crate) use plain::trim;
#[cfg(fuzzing)]
pub(crate) use public_key::fuzz_packets;
pub(crate) use source::MAX_SOURCES;

/// The most entries any list field (email addresses, source entries) may hold, whatever
/// the policy: a hard ceiling that keeps every loop over a list bounded.
pub(crate) const MAX_LIST_ENTRIES: usize = 256;

/// What parsing a field's value may depend on: the policy's limits, and (for lists) how
/// many entries the stored value holds, so that it is recognised when sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    pub(crate) email_entries: usize,
    pub(crate) source_entries: usize,
    pub(crate) password_lengths: (usize, usize),
}

/// A field's limits, as a form shows them: lengths in characters (digits for phone
/// numbers and extensions, bytes for a public key), and the most entries of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    /// The fewest characters a value may have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// The most characters a value (or one entry of a list) may have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The most entries a list may hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<usize>,
}

impl Limits {
    /// At most `max` characters.
    pub(crate) const fn max(max: usize) -> Limits {
        Limits {
            min_length: None,
            max_length: Some(max),
            max_entries: None,
        }
    }

    /// `min` to `max` characters.
    pub(crate) const fn between(min: usize, max: usize) -> Limits {
        Limits {
            min_length: Some(min),
            max_length: Some(max),
            max_entries: None,
        }
    }

    /// No limits a form could show (a closed set of choices, a name from a list).
    pub(crate) const NONE: Limits = Limits {
        min_length: None,
        max_length: None,
        max_entries: None,
    };
}

/// How a field's value type is read under the policy, how a person stores it, and
/// what limits a form shows: one implementation per value type, which the field table
/// names.
pub(crate) trait FieldValue: Sized {
    /// Parses a trimmed, non-empty value (the password as sent).
    fn parse_under(value: &str, rules: &Rules) -> Result<Self, ErrorKind>;
    /// The text the person's record stores; `None` for the role (an id) and the password
    /// (never stored).
    fn stored(&self) -> Option<&str>;
    /// The limits a form shows.
    fn limits(rules: &Rules) -> Limits;
}

/// Implements [`FieldValue`] for a type read by its `FromStr`, stored as `as_str`.
macro_rules! plain_field_value {
    ($type:ty, $limits:expr) => {
        impl crate::value::FieldValue for $type {
            fn parse_under(
                value: &str,
                _: &crate::value::Rules,
            ) -> Result<Self, crate::error::ErrorKind> {
                value.parse()
            }

            fn stored(&self) -> Option<&str> {
                Some(self.as_str())
            }

            fn limits(_: &crate::value::Rules) -> crate::value::Limits {
                $limits
            }
        }
    };
}
pub(crate) use plain_field_value;

/// Parses a positive decimal id (1 … 2^63−1), as `id` and `role` take.
pub(crate) fn parse_id(s: &str) -> Option<u64> {
    let id = s.bytes().try_fold(0_u64, |id, b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        id.checked_mul(10)?.checked_add(u64::from(digit))
    })?;
    (1..=i64::MAX.unsigned_abs()).contains(&id).then_some(id)
}

/// Implements `Display` and `as_str` for a newtype over its canonical text.
macro_rules! string_newtype {
    ($type:ty) => {
        impl $type {
            /// The canonical value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_newtype;

use crate::error::ErrorKind;

/// Asserts that `input` parses to a value shown as `expected`, or fails with it.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_parses<T>(input: &str, expected: Result<&str, crate::error::ErrorKind>)
where
    T: std::str::FromStr<Err = crate::error::ErrorKind> + std::fmt::Display,
{
    let got = input.parse::<T>().map(|value| value.to_string());
    assert_eq!(got, expected.map(str::to_owned), "{input:?}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        for (input, expected) in [
            ("1", Some(1)),
            ("0042", Some(42)),
            ("9223372036854775807", Some(9_223_372_036_854_775_807)),
            ("9223372036854775808", None),
            ("0", None),
            ("", None),
            ("+1", None),
            ("-1", None),
            ("1.0", None),
            ("99999999999999999999999", None),
        ] {
            assert_eq!(super::parse_id(input), expected, "{input:?}");
        }
    }
}
