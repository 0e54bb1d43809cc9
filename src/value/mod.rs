//! The validated value of each field: newtypes that can only hold a canonical value,
//! built with `FromStr` and shown with `Display`/`as_str`.

mod country;
mod date_format;
mod description;
mod email;
mod extension;
mod language;
mod name;
mod password;
mod phone;
mod plain;
mod public_key;
mod role;
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
pub use password::Password;
pub use phone::PhoneNumber;
pub use public_key::PublicKey;
pub use role::RoleId;
pub use source::SourceList;
pub use text::{Company, Text, Title};
pub use time_format::TimeFormat;
pub use timezone::TimeZone;
pub use username::Username;

pub(crate) use email::{MAX_EMAILS, is_separator as is_email_separator};
#[cfg(fuzzing)]
pub(crate) use public_key::fuzz_packets;
pub(crate) use source::MAX_SOURCES;

/// The most entries any list field (email addresses, source entries) may hold, whatever
/// the policy: a hard ceiling that keeps every loop over a list bounded.
pub(crate) const MAX_LIST_ENTRIES: usize = 256;

/// Parses a positive decimal id (1 … 2^63−1), as `id` and `role` take.
pub(crate) fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id: u64 = s.parse().ok()?;
    (1..=i64::MAX.unsigned_abs()).contains(&id).then_some(id)
}

/// Implements `Display` and `as_str` for a newtype over a canonical `String`.
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
