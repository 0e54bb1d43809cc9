//! The email field: one or more plain addresses.

use std::str::FromStr;

use email_address::EmailAddress;

use crate::error::ErrorKind;
use crate::value::{plain, string_newtype};

/// The default most addresses one value may hold.
pub(crate) const MAX_EMAILS: usize = 10;

/// One or more plain email addresses, canonically joined by `, `, each domain in lower
/// case, duplicates (ignoring case) dropped keeping the first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailList(String);

string_newtype!(EmailList);

/// What separates addresses in a list: commas, semicolons and white space.
pub(crate) fn is_separator(c: char) -> bool {
    c == ',' || c == ';' || c.is_whitespace()
}

/// The most characters one address may have.
const MAX_ADDRESS: usize = 254;

impl EmailList {
    /// Parses a list of at most `max` addresses separated by commas, semicolons and/or
    /// white space.
    ///
    /// # Errors
    /// `empty_value`, `control_character`, `invisible_character`, `too_many_entries`,
    /// `invalid_email` (naming the first bad address).
    pub fn parse(s: &str, max: usize) -> Result<EmailList, ErrorKind> {
        let s = plain::non_empty(s)?;
        plain::check_characters(s, char::is_whitespace)?;
        let mut out = String::with_capacity(s.len());
        for (count, address) in s.split(is_separator).filter(|a| !a.is_empty()).enumerate() {
            if count == max {
                return Err(ErrorKind::TooManyEntries { max });
            }
            let invalid = || ErrorKind::InvalidEmail {
                address: address.to_owned(),
            };
            // A plain address: no display name, no `[ip]` domain, a dot in an ASCII domain.
            let (local, domain) = address.rsplit_once('@').ok_or_else(invalid)?;
            let plain = domain.is_ascii()
                && domain.contains('.')
                && !domain.starts_with('[')
                && (address.len() <= MAX_ADDRESS || address.chars().count() <= MAX_ADDRESS)
                && EmailAddress::is_valid_local_part(local)
                && EmailAddress::is_valid_domain(domain);
            if !plain {
                return Err(invalid());
            }
            let duplicate = !out.is_empty()
                && out
                    .split(", ")
                    .any(|seen| seen.len() == address.len() && seen.eq_ignore_ascii_case(address));
            if duplicate {
                continue;
            }
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(local);
            out.push('@');
            let start = out.len();
            out.push_str(domain);
            out[start..].make_ascii_lowercase();
        }
        if out.is_empty() {
            return Err(ErrorKind::InvalidEmail {
                address: s.to_owned(),
            });
        }
        Ok(EmailList(out))
    }

    /// The addresses, in order.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.0.split(", ")
    }
}

impl FromStr for EmailList {
    type Err = ErrorKind;

    /// Parses with the default limit of 10 addresses.
    ///
    /// # Errors
    /// As [`EmailList::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailList::parse(s, MAX_EMAILS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Result<&str, ErrorKind>) {
        crate::value::assert_parses::<EmailList>(input, expected);
    }

    #[test]
    fn lists() {
        check("user@example.com", Ok("user@example.com"));
        check(" User@Example.COM ", Ok("User@example.com"));
        check(
            "a@x.org,b@y.org; c@z.org  d@w.org",
            Ok("a@x.org, b@y.org, c@z.org, d@w.org"),
        );
        check("a@x.org, A@X.ORG, b@y.org", Ok("a@x.org, b@y.org"));
        check("a@x.org,,;", Ok("a@x.org"));
        check("", Err(ErrorKind::EmptyValue {}));
        check(
            " ,; ",
            Err(ErrorKind::InvalidEmail {
                address: ",;".to_owned(),
            }),
        );
        check("a@x.org\tb@y.org\nc@z.org", Ok("a@x.org, b@y.org, c@z.org"));
    }

    #[test]
    fn refusals() {
        let bad = |a: &str| {
            Err(ErrorKind::InvalidEmail {
                address: a.to_owned(),
            })
        };
        check("user@localhost", bad("user@localhost"));
        check("user@[192.0.2.1]", bad("user@[192.0.2.1]"));
        check("Name<user@example.com>", bad("Name<user@example.com>"));
        check("user@exämple.com", bad("user@exämple.com"));
        check("no-at-sign.example.com", bad("no-at-sign.example.com"));
        let long_local = format!("{}@example.com", "a".repeat(65));
        check(&long_local, bad(&long_local));
        let eleven = (0..11)
            .map(|i| format!("u{i}@example.com"))
            .collect::<Vec<_>>()
            .join(",");
        check(&eleven, Err(ErrorKind::TooManyEntries { max: 10 }));
        check("a@x.org\u{200B}", Err(ErrorKind::InvisibleCharacter {}));
    }
}
