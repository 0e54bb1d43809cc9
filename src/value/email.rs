//! The email field: one or more plain addresses.

use std::str::FromStr;

use compact_str::CompactString;
use email_address::{EmailAddress, Options};
use smallvec::SmallVec;

use crate::error::ErrorKind;
use crate::value::list::{self, Separators};
use crate::value::{plain, string_newtype};

/// The default most addresses one value may hold.
pub(crate) const MAX_EMAILS: usize = 10;

/// One or more plain email addresses in NFC, canonically joined by `, `, each domain
/// in lower case, duplicates dropped keeping the first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailList(CompactString);

string_newtype!(EmailList);

/// What separates addresses in a list: commas, semicolons and white space.
const SEPARATORS: Separators = Separators::new(b",;", true);

/// What separates the addresses of a canonical list.
const COMMAS: Separators = Separators::new(b",", false);

/// The entries of a list as sent or stored (legacy data included): cut at every
/// separator, empty entries skipped.
pub(crate) fn entries(s: &str) -> impl Iterator<Item = &str> {
    list::entries(s, &SEPARATORS)
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
    list::entries(out, &COMMAS).map(|address| address.trim_start_matches(' '))
}

/// A plain address: a dot-atom local part of at most 64 characters (no quotes, no
/// display name), an ASCII DNS domain with a dot whose last label is not all digits
/// (so no IP address, dotted or bracketed), at most 254 characters in all. Gives where
/// its domain's `@` is, or `None` when it is not plain.
fn plain_address_at(address: &str) -> Option<usize> {
    ascii_address_at(address.as_bytes()).or_else(|| general_address_at(address))
}

/// Any address, through `email_address`, with our own rules around it.
fn general_address_at(address: &str) -> Option<usize> {
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
        && EmailAddress::is_valid_domain(domain);
    // email_address bounds the local part in bytes; ours is in characters.
    let local_ok = !local.starts_with('"')
        && plain::check_length(local, MAX_LOCAL_PART).is_ok()
        && if local.len() <= MAX_LOCAL_PART {
            EmailAddress::is_valid_local_part(local)
        } else {
            let options = Options {
                allow_long_local_parts: true,
                ..Options::default()
            };
            EmailAddress::parse_with_options(address, options).is_ok()
        };
    (domain_ok && local_ok && plain::check_length(address, MAX_ADDRESS).is_ok()).then_some(at)
}

/// What a byte may be in a plain ASCII address, one bit each.
const ATEXT: u8 = 1; // RFC 5322 `atext`: a letter, a digit or one of ``!#$%&'*+-/=?^_`{|}~``
const LET_DIG: u8 = 2; // a letter or a digit
const SEPARATOR: u8 = 4; // a list separator: where an address in a list ends

/// The classes of every byte (none for `.`, `@` and anything not ASCII).
const CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b: u8 = 0;
    while b < 128 {
        if b.is_ascii_alphanumeric() {
            table[b as usize] = ATEXT | LET_DIG;
        }
        if SEPARATORS.stops_at(b) {
            table[b as usize] = SEPARATOR;
        }
        b += 1;
    }
    let symbols = b"!#$%&'*+-/=?^_`{|}~";
    let mut i = 0;
    while i < symbols.len() {
        table[symbols[i] as usize] = ATEXT;
        i += 1;
    }
    table
};

fn class(b: u8) -> u8 {
    CLASSES[usize::from(b)]
}

/// The most bytes a domain label may have (RFC 1035).
const MAX_LABEL: usize = 63;

/// The common case in one pass over the bytes: an ASCII address whose local part is a
/// dot-atom (`atext` runs joined by single dots) of at most 64 bytes, and whose domain
/// has two or more labels of 1–63 `atext` bytes, each starting and ending with a letter
/// or digit, the last not all digits; at most 254 bytes in all. On ASCII this is exactly
/// what [`general_address_at`] accepts (a table and a property test hold the two equal),
/// without its dozen passes; anything it refuses is left to that path.
fn ascii_address_at(address: &[u8]) -> Option<usize> {
    match ascii_address_in(address) {
        Some((at, end)) if end == address.len() => Some(at),
        _ => None,
    }
}

/// The address that [`ascii_address_at`] accepts at the start of `bytes`, ended by a
/// list separator or the end: where its `@` is and where it ends. A list is read with
/// one pass over each address, which finds its end as it goes.
fn ascii_address_in(bytes: &[u8]) -> Option<(usize, usize)> {
    // The local part: a dot at the start, after another or at the end is an empty atom.
    let local = &bytes[..bytes.len().min(MAX_LOCAL_PART + 1)];
    let mut last = b'.';
    let mut at = None;
    for (i, &b) in local.iter().enumerate() {
        let ok = match b {
            b'@' => {
                at = Some(i);
                break;
            }
            b'.' => last != b'.',
            _ => class(b) & ATEXT != 0,
        };
        if !ok {
            return None;
        }
        last = b;
    }
    let at = at?;
    if last == b'.' {
        return None;
    }
    // The domain, up to a separator: every byte `atext` or a dot (a second `@` is
    // neither); each label checked at the dot after it. Bounded by the longest address.
    let domain = &bytes[at + 1..bytes.len().min(MAX_ADDRESS + 1)];
    let mut start = 0;
    let mut end = domain.len();
    for (i, &b) in domain.iter().enumerate() {
        if b == b'.' {
            if !good_label(&domain[start..i]) {
                return None;
            }
            start = i + 1;
        } else if class(b) & ATEXT == 0 {
            if class(b) & SEPARATOR == 0 {
                return None;
            }
            end = i;
            break;
        }
    }
    let top = &domain[start..end];
    let labels = start > 0 && good_label(top) && !top.iter().all(u8::is_ascii_digit);
    let end = at + 1 + end;
    (labels && end <= MAX_ADDRESS).then_some((at, end))
}

/// A domain label of `atext`: 1–63 bytes, starting and ending with a letter or digit.
fn good_label(label: &[u8]) -> bool {
    match (label.first(), label.last()) {
        (Some(&first), Some(&last)) => {
            class(first) & class(last) & LET_DIG != 0 && label.len() <= MAX_LABEL
        }
        _ => false,
    }
}

/// A plain address with its `@` at `at` in canonical form: the domain in lower case (it
/// is ASCII), the local part as it is.
fn canonical(address: &str, at: usize) -> CompactString {
    let mut out = CompactString::new(address);
    out[at..].make_ascii_lowercase();
    out
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
        // The common value: plain ASCII addresses between ASCII separators.
        if let Some(list) = ascii_list(s, max) {
            return Ok(list);
        }
        general_list(s, max)
    }

    /// The addresses, in order.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        canonical_addresses(&self.0)
    }
}

/// Whether `b` is a list separator: a comma, a semicolon or ASCII white space (the only
/// white space an ASCII value can hold).
fn ascii_separator(b: u8) -> bool {
    b.is_ascii() && SEPARATORS.stops_at(b)
}

/// A trimmed ASCII value of plain addresses between separators, as [`general_list`]
/// reads it, in one pass and with no look at characters: an address's bytes are
/// `atext`, dots and one `@` (no control, NFC as ASCII is), so what
/// [`ascii_address_at`] accepts, the general path accepts as it is. `None` for
/// anything else, even an error (a bad address, too many of them, too long a value), so
/// that every refusal comes from the general path, whose answer is the rule.
fn ascii_list(s: &str, max: usize) -> Option<EmailList> {
    let bytes = s.as_bytes();
    if bytes.len() > max * (MAX_ADDRESS + 2) {
        return None;
    }
    // The addresses kept (start, end, where the `@` is), duplicates dropped; bounded by
    // `max`.
    let mut kept: SmallVec<[(usize, usize, usize); 4]> = SmallVec::new();
    let mut pos = 0;
    // Bounded: each turn takes at least one byte.
    while pos < bytes.len() {
        if ascii_separator(bytes[pos]) {
            pos += 1;
            continue;
        }
        let start = pos;
        let (at, len) = ascii_address_in(&bytes[start..])?;
        pos = start + len;
        if len == bytes.len() {
            // The commonest value, one address, is its own list.
            return (max > 0).then(|| EmailList(canonical(s, at)));
        }
        let address = &bytes[start..pos];
        let seen = kept
            .iter()
            .any(|&(a, b, _)| bytes[a..b].eq_ignore_ascii_case(address));
        if !seen {
            if kept.len() == max {
                return None;
            }
            kept.push((start, pos, start + at));
        }
    }
    match kept.as_slice() {
        [] => None,
        &[(start, end, at)] => Some(EmailList(canonical(&s[start..end], at - start))),
        all => {
            let len = all.iter().map(|&(a, b, _)| b - a + 2).sum::<usize>() - 2;
            let mut out = String::with_capacity(len);
            for &(start, end, at) in all {
                if !out.is_empty() {
                    out.push_str(", ");
                }
                let domain = out.len() + at - start;
                out.push_str(&s[start..end]);
                out[domain..].make_ascii_lowercase();
            }
            Some(EmailList(CompactString::from(out)))
        }
    }
}

/// Any list: NFC, plain-text characters, then each address through
/// [`plain_address_at`].
fn general_list(s: &str, max: usize) -> Result<EmailList, ErrorKind> {
    // An address and a separator of two characters, for each address allowed.
    let most = max * (MAX_ADDRESS + 2);
    plain::check_raw_length(s, most)?;
    let s = plain::nfc(s, most, plain::MAX_MARKS)?;
    // Plain text's bound on marks holds in an address too, after NFC as before it:
    // a value's canonical form must pass again.
    if plain::check_characters(&s, char::is_whitespace)? > plain::MAX_MARKS {
        return Err(ErrorKind::TooManyMarks {
            max: plain::MAX_MARKS,
        });
    }
    // Room for the canonical list, so that it is allocated once: an address is at
    // least 5 bytes (`a@b.c`) with a separator after all but the last, so there are
    // at most (len + 1) / 6 addresses, and each `, ` is at most one byte longer than
    // the separator it replaces. Written in a `String`, whose pushes cost less than a
    // `CompactString`'s; a list of more than one address rarely fits the 24 bytes
    // kept inline, and a longer one keeps this buffer when it becomes the list.
    let mut out = String::with_capacity(s.len() + (s.len() + 1) / 6);
    // The addresses kept, as sent: an address and its canonical form lower-case
    // alike, so either tells a duplicate.
    let mut kept: SmallVec<[&str; 4]> = SmallVec::new();
    // Bounded: the value's length is.
    for address in entries(&s) {
        let Some(at) = plain_address_at(address) else {
            return Err(ErrorKind::InvalidEmail {
                address: address.to_owned(),
            });
        };
        if kept.iter().any(|seen| same_address(seen, address)) {
            continue;
        }
        if kept.len() == max {
            return Err(ErrorKind::TooManyEntries { max });
        }
        kept.push(address);
        if !out.is_empty() {
            out.push_str(", ");
        }
        // In canonical form where it is written, rather than copied there.
        let start = out.len();
        out.push_str(address);
        out[start + at..].make_ascii_lowercase();
    }
    if kept.is_empty() {
        drop(kept); // its borrow of `s` ends here
        return Err(ErrorKind::InvalidEmail {
            address: s.into_owned(),
        });
    }
    Ok(EmailList(CompactString::from(out)))
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
        check(",a@X.org", Ok("a@x.org"));
        check("a@X.org;B@y.ORG", Ok("a@x.org, B@y.org"));
    }

    #[track_caller]
    fn address_in(bytes: &str, expected: Option<(usize, usize)>) {
        assert_eq!(ascii_address_in(bytes.as_bytes()), expected, "{bytes:?}");
    }

    /// An address in a list ends at the first separator after its `@`, and only there.
    #[test]
    fn addresses_end_at_a_separator() {
        address_in("a@x.org", Some((1, 7)));
        address_in("a@x.org,b@y.org", Some((1, 7)));
        address_in("a@x.org; b", Some((1, 7)));
        address_in("a@x.org\n", Some((1, 7)));
        address_in("a@x.org.,", None);
        address_in("a@x,y.org", None);
        address_in("a,b@x.org", None);
        address_in("a b@x.org", None);
        address_in("a@x.org@y.org", None);
        address_in(",a@x.org", None);
        let label = "b".repeat(MAX_LABEL);
        let longest = format!("a@{label}.{label}.{label}.{}.org", "c".repeat(56));
        assert_eq!(longest.len(), MAX_ADDRESS);
        address_in(&format!("{longest},c@d.org"), Some((1, MAX_ADDRESS)));
        address_in(&format!("b{longest},c@d.org"), None);
        address_in(&format!("b{longest}"), None);
    }

    #[test]
    fn addresses_are_read_back() {
        for (input, count) in [
            ("a@x.org", 1),
            ("a@x.org b@y.org", 2),
            ("a@x.org, A@X.ORG; b@y.org\tc@z.org", 3),
        ] {
            let list: EmailList = input.parse().unwrap();
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
        // Ten distinct addresses, each sent again in capitals: duplicates, not too many.
        let ten: Vec<String> = (0..10).map(|i| format!("u{i}@example.com")).collect();
        let twice = format!("{},{}", ten.join(","), ten.join(",").to_uppercase());
        check(&twice, Ok(&ten.join(", ")));
        check(
            "a@x.org\u{200B}",
            Err(ErrorKind::InvisibleCharacter { position: 8 }),
        );
        // At most 30 marks on one letter, counted after NFC: U+0344 is two (found by
        // fuzzing, when the canonical form of such a list was refused parsed again).
        let marks = |n| format!("r{}@x.org", "\u{316}".repeat(n));
        check(&marks(30), Ok(&marks(30)));
        check(&marks(31), Err(ErrorKind::TooManyMarks { max: 30 }));
        let expanding = format!("r{}@x.org", "\u{344}".repeat(16));
        check(&expanding, Err(ErrorKind::TooManyMarks { max: 30 }));
    }

    /// Where `address`'s `@` is when it is plain, by the one-pass check and by the
    /// general path alike.
    #[track_caller]
    fn plain_at(address: &str, at: Option<usize>) {
        assert_eq!(ascii_address_at(address.as_bytes()), at, "{address:?}");
        assert_eq!(general_address_at(address), at, "{address:?}");
    }

    #[test]
    fn ascii_addresses_as_the_general_path() {
        for (address, at) in [
            ("user@example.com", Some(4)),
            ("first.last+tag@mail.example.co.uk", Some(14)),
            ("a!#$%&'*+/=?^_`{|}~-@x-y.example", Some(20)),
            ("a@b.c", Some(1)),
            ("User@Example.COM", Some(4)),
            ("a@x1.b2", Some(1)),
            (".a@x.org", None),
            ("a.@x.org", None),
            ("a..b@x.org", None),
            ("@x.org", None),
            ("a@", None),
            ("a@x", None),
            ("a@.x.org", None),
            ("a@x..org", None),
            ("a@x.org.", None),
            ("a@-x.org", None),
            ("a@x-.org", None),
            ("a@x_y.org", Some(1)),
            ("a@_x.org", None),
            ("a@x.123", None),
            ("a@123.123.123.123", None),
            ("a@[192.0.2.1]", None),
            ("a@b@x.org", None),
            ("\"a\"@x.org", None),
            ("a b@x.org", None),
            ("a(b)@x.org", None),
        ] {
            plain_at(address, at);
        }
        let label = "a".repeat(MAX_LABEL);
        for (address, at) in [
            (format!("{}@x.org", "a".repeat(MAX_LOCAL_PART)), Some(64)),
            (format!("{}@x.org", "a".repeat(MAX_LOCAL_PART + 1)), None),
            (format!("a@{label}.org"), Some(1)),
            (format!("a@{label}a.org"), None),
            (
                format!("a@{label}.{label}.{label}.{}", "b".repeat(60)),
                Some(1),
            ),
            (
                format!("a@{label}.{label}.{label}.{}", "b".repeat(61)),
                None,
            ),
        ] {
            plain_at(&address, at);
        }
    }

    proptest::proptest! {
        /// On ASCII, the one-pass check and the general path give the same answer, so
        /// an address is judged the same whichever answers.
        #[test]
        fn ascii_check_is_the_general_path(address in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\"()\\\\\\[\\]@ -]{0,70}") {
            proptest::prop_assert_eq!(ascii_address_at(address.as_bytes()), general_address_at(&address));
        }

        /// The same on addresses of the common shape, most of them plain, some with an
        /// empty label, a `-` or `_` at a label's end, or a numeric top label.
        #[test]
        fn ascii_check_on_common_shapes(
            address in "[a-z0-9_+-]{0,5}(\\.[a-zA-Z0-9_+-]{0,5}){0,2}@[a-z0-9_-]{0,5}(\\.[a-zA-Z0-9_-]{0,5}){0,3}"
        ) {
            proptest::prop_assert_eq!(ascii_address_at(address.as_bytes()), general_address_at(&address));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// On ASCII, the one-pass list answers exactly where the general path accepts,
        /// with the same list.
        #[test]
        fn ascii_lists_as_the_general_path(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => "[a-zA-Z0-9._+-]{0,4}@[a-zA-Z0-9_-]{0,3}(\\.[a-zA-Z0-9-]{0,3}){0,2}",
                    3 => "[aA]@[xX]\\.org",
                    3 => "[,; \t\n\r]{1,2}",
                    1 => "[\\x00-\\x7f]",
                ],
                1..8,
            ),
            max in 0usize..4,
        ) {
            let value = plain::trim(&pieces.concat()).to_owned();
            proptest::prop_assume!(!value.is_empty());
            let general = general_list(&value, max);
            match ascii_list(&value, max) {
                Some(list) => proptest::prop_assert_eq!(Ok(list), general),
                None => proptest::prop_assert!(general.is_err(), "{:?} {:?}", value, general),
            }
        }
    }
}
