//! The email field: one or more plain addresses.

use compact_str::CompactString;
use std::str::FromStr;

use email_address::{EmailAddress, Options};

use crate::error::ErrorKind;
use crate::value::{list, plain, string_newtype};

/// The default most addresses one value may hold.
pub(crate) const MAX_EMAILS: usize = 10;

/// One or more plain email addresses in NFC, canonically joined by `, `, each domain
/// in lower case, duplicates dropped keeping the first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailList(CompactString);

string_newtype!(EmailList);

/// What separates addresses in a list: commas, semicolons and white space.
fn is_separator(c: char) -> bool {
    c == ',' || c == ';' || c.is_whitespace()
}

/// The entries of a list as sent or stored (legacy data included): cut at every
/// separator, empty entries skipped.
pub(crate) fn entries(s: &str) -> impl Iterator<Item = &str> {
    list::entries(s, is_separator)
}

/// The most characters one address may have.
pub(crate) const MAX_ADDRESS: usize = 254;
/// The most characters an address's local part may have.
pub(crate) const MAX_LOCAL_PART: usize = 64;

/// Whether two addresses are the same: equal after NFC (both are) and Unicode
/// lower-casing.
fn same_address(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // ASCII lower-cases to ASCII, one byte for one.
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The addresses of a canonical list (whole or being built): cut at `,` (no address
/// holds one: the value was split there) with the space after it skipped.
fn canonical_addresses(out: &str) -> impl Iterator<Item = &str> {
    list::entries(out, |c| c == ',').map(|address| address.trim_start_matches(' '))
}

/// A plain address: a dot-atom local part of at most 64 characters (no quotes, no
/// display name), an ASCII DNS domain with a dot whose last label is not all digits
/// (so no IP address, dotted or bracketed), at most 254 characters in all. Gives where
/// its domain's `@` is, or `None` when it is not plain.
fn plain_address_at(address: &str) -> Option<usize> {
    let at = address.bytes().rposition(|b| b == b'@')?;
    let (local, domain) = (&address[..at], &address[at + 1..]);
    let top_label = &domain[domain
        .bytes()
        .rposition(|b| b == b'.')
        .map_or(0, |dot| dot + 1)..];
    let domain_ok = domain.is_ascii()
        && domain.contains('.')
        && !domain.starts_with('[')
        && !top_label.bytes().all(|b| b.is_ascii_digit())
        && (ascii_domain(domain.as_bytes()) || EmailAddress::is_valid_domain(domain));
    // email_address bounds the local part in bytes; ours is in characters.
    let local_ok = !local.starts_with('"')
        && plain::check_length(local, MAX_LOCAL_PART).is_ok()
        && if local.len() <= MAX_LOCAL_PART {
            ascii_local_part(local.as_bytes()) || EmailAddress::is_valid_local_part(local)
        } else {
            let options = Options {
                allow_long_local_parts: true,
                ..Options::default()
            };
            EmailAddress::parse_with_options(address, options).is_ok()
        };
    (domain_ok && local_ok && plain::check_length(address, MAX_ADDRESS).is_ok()).then_some(at)
}

/// RFC 5322 `atext` in ASCII: letters, digits and these symbols.
const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// Whether a byte is ASCII `atext`.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || ATEXT_SYMBOLS.contains(&b)
}

/// An ASCII dot-atom local part (`atext` runs joined by single dots) of at most 64
/// bytes: on ASCII, exactly what `EmailAddress::is_valid_local_part` accepts but for the
/// quoted form, which we refuse anyway (a property test holds the two equal). The crate
/// still judges everything this refuses.
fn ascii_local_part(local: &[u8]) -> bool {
    local.len() <= MAX_LOCAL_PART
        && dot_separated(local, |label| label.iter().all(|&b| is_atext(b)))
}

/// An ASCII domain of labels of 1–63 `atext` bytes that start and end with a letter or
/// digit, at most 254 bytes: on ASCII, exactly what `EmailAddress::is_valid_domain`
/// accepts but for the bracketed literal, which we refuse anyway (a property test holds
/// the two equal). The crate still judges everything this refuses.
fn ascii_domain(domain: &[u8]) -> bool {
    const MAX_DOMAIN: usize = 254;
    const MAX_LABEL: usize = 63;
    domain.len() <= MAX_DOMAIN
        && dot_separated(domain, |label| {
            label.len() <= MAX_LABEL
                && label.first().is_some_and(u8::is_ascii_alphanumeric)
                && label.last().is_some_and(u8::is_ascii_alphanumeric)
                && label.iter().all(|&b| is_atext(b))
        })
}

/// Whether every `.`-separated label of `s` is non-empty and passes `label`.
fn dot_separated(s: &[u8], label: impl Fn(&[u8]) -> bool) -> bool {
    s.split(|&b| b == b'.').all(|l| !l.is_empty() && label(l))
}

impl EmailList {
    /// Parses a list of at most `max` distinct addresses separated by commas,
    /// semicolons and/or white space.
    ///
    /// # Errors
    /// `empty_value`, `too_long`, `control_character`, `invisible_character`,
    /// `too_many_entries`, `invalid_email` (naming the first bad address).
    pub fn parse(s: &str, max: usize) -> Result<EmailList, ErrorKind> {
        let s = plain::non_empty(s)?;
        // An address and a separator of two characters, for each address allowed.
        plain::check_raw_length(s, max * (MAX_ADDRESS + 2))?;
        let s = plain::nfc(s);
        plain::check_characters(&s, char::is_whitespace)?;
        // Room for the canonical list, so that it is allocated once (or kept inline): an
        // address is at least 5 bytes (`a@b.c`) with a separator after all but the last,
        // so there are at most (len + 1) / 6 addresses, and each `, ` is at most one byte
        // longer than the separator it replaces.
        let mut out = CompactString::with_capacity(s.len() + (s.len() + 1) / 6);
        let mut count = 0;
        // Bounded: the value's length is.
        for address in entries(&s) {
            let Some(at) = plain_address_at(address) else {
                return Err(ErrorKind::InvalidEmail {
                    address: address.to_owned(),
                });
            };
            if canonical_addresses(&out).any(|seen| same_address(seen, address)) {
                continue;
            }
            count += 1;
            if count > max {
                return Err(ErrorKind::TooManyEntries { max });
            }
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&address[..at]);
            let start = out.len();
            out.push_str(&address[at..]);
            out[start..].make_ascii_lowercase();
        }
        if out.is_empty() {
            return Err(ErrorKind::InvalidEmail {
                address: s.into_owned(),
            });
        }
        Ok(EmailList(out))
    }

    /// How many addresses the list holds: one more than its commas (no address holds a
    /// comma), counted without splitting.
    pub(crate) fn count(&self) -> usize {
        self.0.bytes().filter(|&b| b == b',').count() + 1
    }

    /// The addresses, in order.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        canonical_addresses(&self.0)
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

impl crate::value::FieldValue for EmailList {
    fn parse_under(value: &str, rules: &crate::value::Rules) -> Result<Self, ErrorKind> {
        EmailList::parse(value, rules.email_entries)
    }

    fn stored(&self) -> Option<&str> {
        Some(self.as_str())
    }

    fn limits(rules: &crate::value::Rules) -> crate::value::Limits {
        crate::value::Limits {
            max_entries: Some(rules.email_entries),
            ..crate::value::Limits::max(MAX_ADDRESS)
        }
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
        // Duplicates are found after NFC and Unicode lower-casing.
        check(
            "Jose\u{301}@example.com, José@example.com",
            Ok("José@example.com"),
        );
        check("Ä@x.org, ä@x.org", Ok("Ä@x.org"));
        // A local part of 64 characters, 128 bytes.
        let long = format!("{}@example.com", "é".repeat(64));
        check(&long, Ok(&long));
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
    fn count_is_the_number_of_addresses() {
        for (input, count) in [
            ("a@x.org", 1),
            ("a@x.org b@y.org", 2),
            ("a@x.org, A@X.ORG; b@y.org\tc@z.org", 3),
        ] {
            let list: EmailList = input.parse().unwrap();
            assert_eq!(list.count(), count, "{input:?}");
            assert_eq!(list.addresses().count(), count, "{input:?}");
        }
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
        check("\"a@b\"@example.com", bad("\"a@b\"@example.com"));
        check("a@123.123.123.123", bad("a@123.123.123.123"));
        check("a@example.123", bad("a@example.123"));
        let too_long_local = format!("{}@example.com", "é".repeat(65));
        check(&too_long_local, bad(&too_long_local));
        let long_local = format!("{}@example.com", "a".repeat(65));
        check(&long_local, bad(&long_local));
        let eleven = (0..11)
            .map(|i| format!("u{i}@example.com"))
            .collect::<Vec<_>>()
            .join(",");
        check(&eleven, Err(ErrorKind::TooManyEntries { max: 10 }));
        check("a@x.org\u{200B}", Err(ErrorKind::InvisibleCharacter {}));
    }

    /// What `email_address` accepts as a local part, but for the quoted form.
    fn crate_local_part(part: &str) -> bool {
        !part.starts_with('"') && EmailAddress::is_valid_local_part(part)
    }

    /// What `email_address` accepts as a domain, but for the bracketed literal.
    fn crate_domain(part: &str) -> bool {
        !part.starts_with('[') && EmailAddress::is_valid_domain(part)
    }

    #[test]
    fn ascii_parts_as_email_address() {
        // (part, as a local part, as a domain): each also as email_address judges it.
        for (part, local, domain) in [
            ("first.last+tag", true, true),
            ("mail.example.co.uk", true, true),
            ("a", true, true),
            (".a", false, false),
            ("a.", false, false),
            ("a..b", false, false),
            ("a-b.c", true, true),
            ("-a.b", true, false),
            ("a-.b", true, false),
            ("a_b.c", true, true),
            ("a!b.c", true, true),
            ("a b", false, false),
            ("a\"b", false, false),
            ("\"ab\"", false, false),
            ("", false, false),
            ("a(b)", false, false),
            ("[192.0.2.1]", false, false),
            ("a@b", false, false),
        ] {
            let bytes = part.as_bytes();
            assert_eq!(ascii_local_part(bytes), local, "local {part:?}");
            assert_eq!(crate_local_part(part), local, "local {part:?}");
            assert_eq!(ascii_domain(bytes), domain, "domain {part:?}");
            assert_eq!(crate_domain(part), domain, "domain {part:?}");
        }
        for (part, max) in [("a", MAX_LOCAL_PART), ("a", 63), ("a.", 254)] {
            for len in [max, max + 1] {
                let long = part.repeat(len / part.len() + 1)[..len].to_owned();
                assert_eq!(ascii_local_part(long.as_bytes()), crate_local_part(&long));
                assert_eq!(ascii_domain(long.as_bytes()), crate_domain(&long));
            }
        }
    }

    proptest::proptest! {
        /// On ASCII, the one-pass checks agree with `email_address` both ways, so an
        /// address is judged the same whichever answers.
        #[test]
        fn ascii_checks_are_email_address(part in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\"()\\\\\\[\\]@ -]{0,70}") {
            proptest::prop_assert_eq!(ascii_local_part(part.as_bytes()), crate_local_part(&part));
            proptest::prop_assert_eq!(ascii_domain(part.as_bytes()), crate_domain(&part));
        }

        /// The same on dotted labels, most of them valid, some empty or with a `-` or
        /// `+` at an end.
        #[test]
        fn ascii_checks_on_labels(part in "[a-z0-9_+-]{0,5}(\\.[a-zA-Z0-9_+-]{0,5}){0,4}") {
            proptest::prop_assert_eq!(ascii_local_part(part.as_bytes()), crate_local_part(&part));
            proptest::prop_assert_eq!(ascii_domain(part.as_bytes()), crate_domain(&part));
        }
    }
}
