//! The source IP allow-list.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::str::FromStr;

use ipnetwork::IpNetwork;

use crate::error::ErrorKind;
use crate::value::plain;

/// The default most entries one list may hold.
pub(crate) const MAX_SOURCES: usize = 32;

/// IPv4/IPv6 addresses and CIDR networks, canonically joined by `, `: a single address
/// (`/32`, `/128`) is written bare, IPv6 compressed, duplicates dropped keeping the
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceList {
    networks: Vec<IpNetwork>,
    text: String,
}

impl SourceList {
    /// Parses a list of at most `max` entries separated by commas and/or white space.
    ///
    /// # Errors
    /// `empty_value`, `too_many_entries`, `invalid_source_entry`, and `host_bits_set`
    /// naming the network meant (`192.168.1.5/24` → `192.168.1.0/24`).
    pub fn parse(s: &str, max: usize) -> Result<SourceList, ErrorKind> {
        let s = plain::non_empty(s)?;
        let mut networks: Vec<IpNetwork> = Vec::new();
        let separator = |c: char| c == ',' || c.is_whitespace();
        for (count, entry) in s.split(separator).filter(|e| !e.is_empty()).enumerate() {
            if count == max {
                return Err(ErrorKind::TooManyEntries { max });
            }
            let given: IpNetwork = entry.parse().map_err(|_| ErrorKind::InvalidSourceEntry {
                entry: entry.to_owned(),
            })?;
            if given.ip() != given.network() {
                let network = IpNetwork::new(given.network(), given.prefix()).map_err(|_| {
                    ErrorKind::InvalidSourceEntry {
                        entry: entry.to_owned(),
                    }
                })?;
                return Err(ErrorKind::HostBitsSet { given, network });
            }
            if !networks.contains(&given) {
                networks.push(given);
            }
        }
        if networks.is_empty() {
            return Err(ErrorKind::InvalidSourceEntry {
                entry: s.to_owned(),
            });
        }
        let mut text = String::with_capacity(s.len());
        for network in &networks {
            if !text.is_empty() {
                text.push_str(", ");
            }
            let single = network.prefix() == if network.is_ipv4() { 32 } else { 128 };
            // Writing to a String cannot fail.
            let _ = if single {
                write!(text, "{}", network.ip())
            } else {
                write!(text, "{network}")
            };
        }
        Ok(SourceList { networks, text })
    }

    /// The canonical list.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The networks, in order.
    #[must_use]
    pub fn networks(&self) -> &[IpNetwork] {
        &self.networks
    }

    /// Whether `ip` is in one of the networks.
    #[must_use]
    pub fn admits(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|network| network.contains(ip))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Result<&str, ErrorKind>) {
        crate::value::assert_parses::<SourceList>(input, expected);
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
        check("10.0.0.0/255.0.0.0", Ok("10.0.0.0/8"));
        check("192.0.2.1,192.0.2.1/32", Ok("192.0.2.1"));
        check("0.0.0.0/0", Ok("0.0.0.0/0"));
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
        check("example.com", bad("example.com"));
        check("10.0.0.1-10.0.0.9", bad("10.0.0.1-10.0.0.9"));
        check(", ,", bad(", ,"));
        let many = (1..=33)
            .map(|i| format!("10.0.0.{i}"))
            .collect::<Vec<_>>()
            .join(",");
        check(&many, Err(ErrorKind::TooManyEntries { max: 32 }));
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
    fn admits() {
        let list: SourceList = "10.0.0.0/8, 2001:db8::/32".parse().unwrap();
        assert!(list.admits("10.1.2.3".parse().unwrap()));
        assert!(list.admits("2001:db8::5".parse().unwrap()));
        assert!(!list.admits("192.0.2.1".parse().unwrap()));
    }
}
