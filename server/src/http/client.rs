//! The client's address. Behind a load balancer the connection's peer is the
//! balancer; the address the actor's source check, rule 7 (lock-out) and throttling
//! read is then the one the balancer reports, in `Forwarded` (RFC 7239) or, without
//! it, `X-Forwarded-For`. Those headers are believed only from the proxies
//! `--trusted-proxy` names: anybody else can write them. Read from the nearest hop
//! back, the first address that is not a trusted proxy is the client (every hop
//! before it was written by somebody the server cannot trust).

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use enswitch_people::SourceList;

/// The most hops read back from the nearest; a longer chain of trusted proxies ends
/// at the last one read.
const MAX_HOPS: usize = 32;

/// The client's address: `peer` itself, unless `peer` is one of `trusted`; then the
/// nearest address the forwarding headers name that is not one of `trusted`. A hop
/// whose address cannot be read (`unknown`, an obfuscated name, garbage) ends the
/// search at the trusted proxy that wrote it.
#[must_use]
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: Option<&SourceList>) -> IpAddr {
    let Some(trusted) = trusted.filter(|t| t.admits(peer)) else {
        return peer;
    };
    let mut client = peer;
    for hop in hops(headers).into_iter().rev().take(MAX_HOPS) {
        let Some(address) = hop else {
            return client;
        };
        client = address;
        if !trusted.admits(address) {
            return address;
        }
    }
    client
}

/// The addresses the forwarding headers name, farthest first: `Forwarded`'s `for=`
/// when there is a `Forwarded` header, else `X-Forwarded-For`'s entries; `None` for an
/// entry whose address cannot be read. Several header lines read as one list.
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if forwarded.is_empty() {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| v.to_str().ok())
            .flat_map(|line| match line {
                Some(line) => line.split(',').map(address).collect::<Vec<_>>(),
                // Not text: nothing in it can be read.
                None => vec![None],
            })
            .collect()
    } else {
        forwarded
            .into_iter()
            .flat_map(|line| outside_quotes(line, ','))
            .map(|element| {
                outside_quotes(element, ';')
                    .find_map(|pair| {
                        let (name, value) = pair.split_once('=')?;
                        name.trim().eq_ignore_ascii_case("for").then_some(value)
                    })
                    .and_then(address)
            })
            .collect()
    }
}

/// `text` split at `separator` where it stands outside a quoted string.
fn outside_quotes(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    text.split(move |c| {
        if c == '"' {
            quoted = !quoted;
        }
        c == separator && !quoted
    })
}

/// An address as a hop reports it: bare, quoted, in brackets, with a port or without.
fn address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderName, HeaderValue};

    use super::*;

    const PEER: &str = "10.0.0.2";

    /// The headers sent, the trusted proxies, and the client expected.
    type Row = (
        &'static [(&'static str, &'static str)],
        Option<&'static str>,
        &'static str,
    );

    #[track_caller]
    fn check(headers: &[(&str, &str)], trusted: Option<&str>, expected: &str) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            map.append(name, HeaderValue::from_str(value).unwrap());
        }
        let trusted: Option<SourceList> = trusted.map(|t| t.parse().unwrap());
        let found = client(PEER.parse().unwrap(), &map, trusted.as_ref());
        assert_eq!(found, expected.parse::<IpAddr>().unwrap(), "{headers:?}");
    }

    #[test]
    fn the_last_untrusted_hop_is_the_client() {
        let proxies = Some("10.0.0.0/24");
        let rows: &[Row] = &[
            // Without trusted proxies the headers are ignored.
            (&[("x-forwarded-for", "192.0.2.5")], None, PEER),
            (&[("forwarded", "for=192.0.2.5")], None, PEER),
            // From a peer that is not a trusted proxy, likewise.
            (
                &[("x-forwarded-for", "192.0.2.5")],
                Some("10.0.1.0/24"),
                PEER,
            ),
            // From a trusted proxy: the nearest untrusted hop, not what the client wrote
            // before it.
            (&[("x-forwarded-for", "192.0.2.5")], proxies, "192.0.2.5"),
            (
                &[("x-forwarded-for", "192.0.2.5, 198.51.100.1")],
                proxies,
                "198.51.100.1",
            ),
            (
                &[("x-forwarded-for", "192.0.2.5, 198.51.100.1, 10.0.0.7")],
                proxies,
                "198.51.100.1",
            ),
            (
                &[
                    ("x-forwarded-for", "192.0.2.5"),
                    ("x-forwarded-for", "198.51.100.1"),
                ],
                proxies,
                "198.51.100.1",
            ),
            (
                &[("x-forwarded-for", "2001:db8::1")],
                proxies,
                "2001:db8::1",
            ),
            // Every hop a trusted proxy: the farthest.
            (
                &[("x-forwarded-for", "10.0.0.8, 10.0.0.7")],
                proxies,
                "10.0.0.8",
            ),
            // No header: the peer.
            (&[], proxies, PEER),
            // RFC 7239, which is read when present.
            (
                &[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")],
                proxies,
                "192.0.2.60",
            ),
            (
                &[(
                    "forwarded",
                    "for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\"",
                )],
                proxies,
                "2001:db8:cafe::17",
            ),
            (
                &[("forwarded", "For=\"192.0.2.43:47011\"")],
                proxies,
                "192.0.2.43",
            ),
            (
                &[
                    ("forwarded", "for=192.0.2.43"),
                    ("x-forwarded-for", "198.51.100.1"),
                ],
                proxies,
                "192.0.2.43",
            ),
            // A hop that cannot be read ends the search at the proxy that wrote it.
            (&[("forwarded", "for=unknown")], proxies, PEER),
            (
                &[("forwarded", "for=_hidden, for=10.0.0.9")],
                proxies,
                "10.0.0.9",
            ),
            (&[("x-forwarded-for", "192.0.2.5, junk")], proxies, PEER),
            (&[("forwarded", "proto=https")], proxies, PEER),
        ];
        for (headers, trusted, expected) in rows {
            check(headers, *trusted, expected);
        }
    }

    #[test]
    fn a_long_chain_of_trusted_hops_is_read_only_so_far() {
        let mut chain = vec!["192.0.2.5"];
        chain.extend(std::iter::repeat_n("10.0.0.7", MAX_HOPS + 1));
        let header = chain.join(", ");
        check(
            &[("x-forwarded-for", &header)],
            Some("10.0.0.0/24"),
            "10.0.0.7",
        );
    }
}
