//! The source IP allow-list.

mod address;

use std::net::IpAddr;
use std::str::FromStr;

use compact_str::CompactString;
use ipnetwork::IpNetwork;
use smallvec::SmallVec;

use crate::error::ErrorKind;
use crate::value::list::Separators;
use crate::value::plain;
use address::{decimal_byte, parse_ipv4, parse_ipv6, push_decimal, push_ipv4, push_ipv6};

/// The default most entries one list may hold.
pub(crate) const MAX_SOURCES: usize = 32;

/// The most characters one entry may have: an IPv6 address written in full with an
/// IPv4 tail and a prefix (`0000:0000:0000:0000:0000:ffff:255.255.255.255/128` is 50),
/// with room to spare.
const MAX_ENTRY: usize = 64;

/// What separates the entries of a list: commas and white space.
const SEPARATORS: Separators = Separators::new(b",", true);

/// The entries of a list.
fn entries(s: &str) -> impl Iterator<Item = &str> {
    crate::value::list::entries(s, &SEPARATORS)
}

/// One entry: an address, or an address and a prefix length of plain decimal digits
/// (no sign, no leading zero). An IPv4-mapped IPv6 entry is read as its IPv4 entry.
fn parse_entry(entry: &str) -> Option<IpNetwork> {
    read_entry(entry).map(|(network, _)| network)
}

/// One entry, and whether it is its own canonical text (see [`read_entry_in`]).
fn read_entry(entry: &str) -> Option<(IpNetwork, bool)> {
    match read_entry_in(entry.as_bytes()) {
        (read, len) if len == entry.len() => read,
        _ => None,
    }
}

/// The entry at the start of ASCII `bytes`, up to a separator or the end: the network
/// it is (if it is one) and whether it is its own canonical text, and its length. An
/// entry read as IPv4 is its own text, but for a `/32` prefix (a single address is
/// written bare): the reader takes one spelling of an octet or a prefix length, plain
/// decimal with no leading zero, which is the one written.
fn read_entry_in(bytes: &[u8]) -> (Option<(IpNetwork, bool)>, usize) {
    // One look at each byte finds the entry's end, the end of its address, and whether
    // it is IPv6 (it holds a `:`), so that it is read once, as one or the other: a
    // search for each through `memchr` cost more than the look on an entry this short.
    // (Every byte that is not ASCII is in the separators' table, and ends the look.)
    let mut len = bytes.len();
    let mut slash = None;
    let mut colon = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'/' if slash.is_none() => slash = Some(i),
            b':' if slash.is_none() => colon = true,
            _ if SEPARATORS.stops_at(b) => {
                len = i;
                break;
            }
            _ => {}
        }
    }
    let entry = &bytes[..len];
    let end = slash.unwrap_or(len);
    let read = || {
        let address = &entry[..end];
        let address = if colon {
            IpAddr::V6(parse_ipv6(address)?)
        } else {
            IpAddr::V4(parse_ipv4(address)?)
        };
        let network = match entry.get(end + 1..) {
            None => IpNetwork::from(address),
            Some(prefix) => IpNetwork::new(address, prefix_length(prefix)?).ok()?,
        };
        let canonical = !colon && (end == len || network.prefix() != 32);
        Some((unmapped(network), canonical))
    };
    (read(), len)
}

/// A prefix length: one to three plain decimal digits, no leading zero but in `0`, and
/// nothing after them.
fn prefix_length(prefix: &[u8]) -> Option<u8> {
    match decimal_byte(prefix)? {
        (length, len) if len == prefix.len() => Some(length),
        _ => None,
    }
}

/// Appends a network's canonical text: a single address bare, IPv6 compressed
/// (RFC 5952). Written digit by digit rather than through `fmt`, which cost more than
/// parsing the entry.
fn push_network(text: &mut String, network: IpNetwork) {
    let (prefix, single) = match network {
        IpNetwork::V4(v4) => {
            push_ipv4(text, v4.ip());
            (v4.prefix(), 32)
        }
        IpNetwork::V6(v6) => {
            push_ipv6(text, v6.ip());
            (v6.prefix(), 128)
        }
    };
    if prefix != single {
        text.push('/');
        push_decimal(text, prefix);
    }
}

/// An IPv4-mapped IPv6 network (`::ffff:192.0.2.0/120`) as its IPv4 network
/// (`192.0.2.0/24`); any other network as it is.
fn unmapped(network: IpNetwork) -> IpNetwork {
    match network {
        IpNetwork::V6(v6) if v6.prefix() >= 96 => match v6.ip().to_ipv4_mapped() {
            Some(v4) => IpNetwork::new(IpAddr::V4(v4), v6.prefix() - 96).unwrap_or(network),
            None => network,
        },
        _ => network,
    }
}

/// IPv4/IPv6 addresses and CIDR networks, canonically joined by `, `: a single address
/// (`/32`, `/128`) is written bare, IPv6 compressed, duplicates dropped keeping the
/// first.
///
/// Only the canonical text is kept: the networks are read from it again when asked for,
/// which is rare (a lock-out check), so that a list is one small value to move.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceList {
    text: CompactString,
}

/// A list's canonical text, written as its entries are read.
struct Writer<'s> {
    sent: &'s str,
    max: usize,
    /// Kept for the duplicate check; a list of a few entries needs no allocation.
    networks: SmallVec<[IpNetwork; 4]>,
    text: String,
    entries: usize,
}

impl<'s> Writer<'s> {
    fn new(sent: &'s str, max: usize) -> Writer<'s> {
        Writer {
            sent,
            max,
            networks: SmallVec::new(),
            // Each `, ` is at most one byte longer than the separator sent, and an entry
            // is at least two bytes (`::`).
            text: String::with_capacity(sent.len() + sent.len() / 3 + 1),
            entries: 0,
        }
    }

    /// Takes the next entry, `read` as [`read_entry`] reads it.
    fn add(&mut self, entry: &str, read: Option<(IpNetwork, bool)>) -> Result<(), ErrorKind> {
        if self.entries == self.max {
            return Err(ErrorKind::TooManyEntries { max: self.max });
        }
        self.entries += 1;
        let invalid = || ErrorKind::InvalidSourceEntry {
            entry: entry.to_owned(),
        };
        let (given, canonical) = read.ok_or_else(invalid)?;
        if given.ip() != given.network() {
            let network = IpNetwork::new(given.network(), given.prefix()).map_err(|_| invalid())?;
            return Err(ErrorKind::HostBitsSet { given, network });
        }
        if self.networks.contains(&given) {
            return Ok(());
        }
        self.networks.push(given);
        if !self.text.is_empty() {
            self.text.push_str(", ");
        }
        if canonical {
            self.text.push_str(entry);
        } else {
            push_network(&mut self.text, given);
        }
        Ok(())
    }

    fn finish(self) -> Result<SourceList, ErrorKind> {
        if self.networks.is_empty() {
            return Err(ErrorKind::InvalidSourceEntry {
                entry: self.sent.to_owned(),
            });
        }
        Ok(SourceList {
            text: CompactString::from(self.text),
        })
    }
}

impl SourceList {
    /// Parses a list of at most `max` entries separated by commas and/or white space.
    ///
    /// # Errors
    /// `empty_value`, `too_many_entries`, `invalid_source_entry`, and `host_bits_set`
    /// naming the network meant (`192.168.1.5/24` → `192.168.1.0/24`).
    pub fn parse(s: &str, max: usize) -> Result<SourceList, ErrorKind> {
        let s = plain::non_empty(s)?;
        plain::check_raw_length(s, max * MAX_ENTRY)?;
        let mut list = Writer::new(s, max);
        if s.is_ascii() {
            // The common list: each entry read in the one pass that finds its end.
            let bytes = s.as_bytes();
            let mut pos = 0;
            // Bounded: each turn takes at least one byte.
            while pos < bytes.len() {
                if SEPARATORS.stops_at(bytes[pos]) {
                    pos += 1;
                    continue;
                }
                let (read, len) = read_entry_in(&bytes[pos..]);
                list.add(&s[pos..pos + len], read)?;
                pos += len;
            }
        } else {
            for entry in entries(s) {
                list.add(entry, read_entry(entry))?;
            }
        }
        list.finish()
    }

    /// The canonical list.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The networks, in order, read again from the canonical text.
    pub fn networks(&self) -> impl Iterator<Item = IpNetwork> + '_ {
        entries(&self.text).filter_map(parse_entry)
    }

    /// Whether `ip` is in one of the networks; an IPv4-mapped IPv6 address is the IPv4
    /// address it maps.
    #[must_use]
    pub fn admits(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks().any(|network| network.contains(ip))
    }
}

impl SourceList {
    /// The check at authentication (the README's "Who may change what"): whether a
    /// stored source list lets a request from `ip` in. An empty list admits every address. The stored list is read
    /// leniently, as legacy data may be: an entry with host bits set is read as its
    /// network, and an entry that cannot be read at all admits nothing, so that no legacy
    /// value lets anyone in. An IPv4-mapped address is the IPv4 address it maps.
    #[must_use]
    pub fn stored_admits(stored: &str, ip: IpAddr) -> bool {
        // Most actors have no list at all.
        if stored.is_empty() {
            return true;
        }
        let ip = ip.to_canonical();
        let mut entries = entries(stored).peekable();
        entries.peek().is_none()
            || entries.any(|entry| parse_entry(entry).is_some_and(|network| network.contains(ip)))
    }
}

impl std::fmt::Display for SourceList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for SourceList {
    type Err = ErrorKind;

    /// Parses with the default limit of 32 entries.
    ///
    /// # Errors
    /// As [`SourceList::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceList::parse(s, MAX_SOURCES)
    }
}

impl crate::value::FieldValue for SourceList {
    fn parse_under(value: &str, rules: &crate::value::Rules) -> Result<Self, ErrorKind> {
        SourceList::parse(value, rules.source_entries)
    }

    fn stored(&self) -> Option<&str> {
        Some(self.as_str())
    }

    fn limits(rules: &crate::value::Rules) -> crate::value::Limits {
        crate::value::Limits {
            max_entries: Some(rules.source_entries),
            ..crate::value::Limits::NONE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Result<&str, ErrorKind>) {
        crate::value::assert_parses::<SourceList>(input, expected);
        // The networks read back from the canonical text are those it shows, one each.
        if let Ok(list) = input.parse::<SourceList>() {
            let shown: Vec<IpNetwork> = list
                .as_str()
                .split(", ")
                .map(|entry| entry.parse().unwrap())
                .collect();
            assert_eq!(list.networks().collect::<Vec<_>>(), shown, "{input:?}");
        }
    }

    #[test]
    fn lists() {
        check("192.0.2.1", Ok("192.0.2.1"));
        check("192.0.2.1/32", Ok("192.0.2.1"));
        check(
            "10.0.0.0/8, 192.0.2.1 2001:DB8:0:0::/32",
            Ok("10.0.0.0/8, 192.0.2.1, 2001:db8::/32"),
        );
        check("2001:db8:0:0:0:0:0:1/128", Ok("2001:db8::1"));
        check("::ffff:192.0.2.0/120", Ok("192.0.2.0/24"));
        check("::ffff:192.0.2.9", Ok("192.0.2.9"));
        check("::ffff:0:0/96", Ok("0.0.0.0/0"));
        check("64:ff9b::/96", Ok("64:ff9b::/96"));
        check("192.0.2.1,192.0.2.1/32", Ok("192.0.2.1"));
        check("0.0.0.0/0", Ok("0.0.0.0/0"));
        check("255.10.0.0/16, 9.8.7.6/31", Ok("255.10.0.0/16, 9.8.7.6/31"));
        // A separator that is not ASCII (no-break space) takes the general path.
        check("10.0.0.0/8\u{a0}192.0.2.1", Ok("10.0.0.0/8, 192.0.2.1"));
    }

    #[test]
    fn refusals() {
        let bad = |e: &str| {
            Err(ErrorKind::InvalidSourceEntry {
                entry: e.to_owned(),
            })
        };
        check(
            "192.168.1.5/24",
            Err(ErrorKind::HostBitsSet {
                given: "192.168.1.5/24".parse().unwrap(),
                network: "192.168.1.0/24".parse().unwrap(),
            }),
        );
        check("10.0.0.256", bad("10.0.0.256"));
        check("10.0.0.0/33", bad("10.0.0.0/33"));
        check("10.0.0.0/+8", bad("10.0.0.0/+8"));
        check("192.0.2.0/024", bad("192.0.2.0/024"));
        check("10.0.0.0/", bad("10.0.0.0/"));
        check("10.0.0.0/00", bad("10.0.0.0/00"));
        check("10.0.0.0/8/8", bad("10.0.0.0/8/8"));
        check("10.0.0.0/8:0", bad("10.0.0.0/8:0"));
        check("2001:db8::/1280", bad("2001:db8::/1280"));
        check("2001:db8::/256", bad("2001:db8::/256"));
        check("/8", bad("/8"));
        check("::/0", Ok("::/0"));
        check("10.0.0.0/255.0.0.0", bad("10.0.0.0/255.0.0.0"));
        check("example.com", bad("example.com"));
        check("10.0.0.1-10.0.0.9", bad("10.0.0.1-10.0.0.9"));
        check("10.0.0.é, 10.0.0.1", bad("10.0.0.é"));
        // An address and then a letter that is not ASCII: one entry, not an address.
        check("10.0.0.1é", bad("10.0.0.1é"));
        // Mapped, but wider than the IPv4 addresses: an IPv6 network, whose host bits
        // are set.
        check(
            "::ffff:192.0.2.0/80",
            Err(ErrorKind::HostBitsSet {
                given: "::ffff:192.0.2.0/80".parse().unwrap(),
                network: "::/80".parse().unwrap(),
            }),
        );
        check("10.0.0.1 2001:db8::/32/1", bad("2001:db8::/32/1"));
        check(", ,", bad(", ,"));
        let many = (1..=33)
            .map(|i| format!("10.0.0.{i}"))
            .collect::<Vec<_>>()
            .join(",");
        check(&many, Err(ErrorKind::TooManyEntries { max: 32 }));
    }

    proptest::proptest! {
        /// An ASCII list, read in one pass an entry, reads as the general path reads it
        /// (which a separator that is not ASCII, after a comma at the end, makes it take;
        /// an error naming the whole list then names it with that end).
        #[test]
        fn ascii_lists_as_the_general_path(
            list in "(([0-9]{1,3}\\.){3}[0-9]{1,3}(/[0-9]{1,2})?|[0-9a-f:]{2,12}(/[0-9]{1,3})?|[ ,\t\x0b/:.a-z]{1,2}){1,5}",
            max in 1usize..4,
        ) {
            proptest::prop_assume!(!plain::trim(&list).is_empty());
            let general = format!("{list},\u{a0},");
            let (ascii, other) = (SourceList::parse(&list, max), SourceList::parse(&general, max));
            match &ascii {
                Err(ErrorKind::InvalidSourceEntry { entry }) if entry == plain::trim(&list) => {
                    let refused = matches!(other, Err(ErrorKind::InvalidSourceEntry { .. }));
                    proptest::prop_assert!(refused, "{:?}", other);
                }
                _ => proptest::prop_assert_eq!(ascii, other),
            }
        }

        /// An entry taken as its own canonical text is what the writer writes for it.
        #[test]
        fn entries_taken_as_sent_are_canonical(
            entry in "([0-9]{1,3}\\.){3}[0-9]{1,3}(/[0-9]{1,3})?|[0-9a-fA-F:.]{2,24}(/[0-9]{1,3})?",
        ) {
            if let Some((network, true)) = read_entry(&entry) {
                let mut written = String::new();
                push_network(&mut written, network);
                proptest::prop_assert_eq!(written, entry);
            }
        }
    }

    #[test]
    fn host_bits_message_names_the_network() {
        let e = "192.168.1.5/24".parse::<SourceList>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "192.168.1.5/24 has host bits set; did you mean 192.168.1.0/24?"
        );
    }

    #[test]
    fn stored_lists_are_read_leniently_and_fail_closed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for (stored, from, admitted) in [
            ("", "192.0.2.9", true),
            (" , ", "192.0.2.9", true),
            ("192.0.2.0/24", "192.0.2.9", true),
            ("192.0.2.0/24", "::ffff:192.0.2.9", true),
            ("::ffff:192.0.2.0/120", "192.0.2.9", true),
            ("192.0.2.5/24", "192.0.2.9", true),
            ("192.0.2.0/24", "198.51.100.1", false),
            ("not-an-address", "192.0.2.9", false),
            ("192.0.2.0/024", "192.0.2.9", false),
            ("garbage, 198.51.100.0/24", "198.51.100.7", true),
        ] {
            assert_eq!(
                SourceList::stored_admits(stored, ip(from)),
                admitted,
                "{stored:?} from {from}"
            );
        }
    }

    #[test]
    fn admits() {
        let list: SourceList = "10.0.0.0/8, 2001:db8::/32".parse().unwrap();
        assert!(list.admits("10.1.2.3".parse().unwrap()));
        assert!(list.admits("2001:db8::5".parse().unwrap()));
        assert!(!list.admits("192.0.2.1".parse().unwrap()));
        assert!(list.admits("::ffff:10.1.2.3".parse().unwrap()));
        let v4: SourceList = "192.0.2.0/24".parse().unwrap();
        assert!(v4.admits("::ffff:192.0.2.9".parse().unwrap()));
    }
}
