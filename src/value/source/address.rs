//! The text of one IP address, read and written by hand: the standard library's
//! parsers go through a general character parser (about 400 instructions for an IPv4
//! address, 750 for a short IPv6 one) and its writers through `fmt`. Both directions
//! are held to the standard library by table tests and property tests.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Reads an IPv4 address as `Ipv4Addr::from_str` does: four decimal octets of one to
/// three digits, none above 255, no leading zero, separated by dots.
pub(super) fn parse_ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    match ipv4_prefix(s) {
        Some((ip, len)) if len == s.len() => Some(ip),
        _ => None,
    }
}

/// Reads an IPv6 address as `Ipv6Addr::from_str` does (RFC 4291 §2.2): groups of one
/// to four hex digits separated by colons, at most one `::` standing for one or more
/// zero groups, and an IPv4 address in place of the last two groups.
pub(super) fn parse_ipv6(s: &[u8]) -> Option<Ipv6Addr> {
    let mut head = [0; 8];
    let (head_len, head_pos, head_ipv4) = read_groups(s, &mut head);
    if head_len == 8 {
        return (head_pos == s.len()).then(|| Ipv6Addr::from(head));
    }
    // An IPv4 tail is the end of the address: no `::` after it.
    if head_ipv4 || !s[head_pos..].starts_with(b"::") {
        return None;
    }
    let rest = &s[head_pos + 2..];
    // `::` stands for at least one group, so the tail has room for seven at most.
    let mut tail = [0; 7];
    let room = 7 - head_len;
    let (tail_len, tail_pos, _) = read_groups(rest, &mut tail[..room]);
    if tail_pos != rest.len() {
        return None;
    }
    head[8 - tail_len..].copy_from_slice(&tail[..tail_len]);
    Some(Ipv6Addr::from(head))
}

/// Reads colon-separated groups from the start of `s` into `groups`, as many as fit,
/// the last two perhaps as an IPv4 address: how many groups were read, how many bytes
/// they took, and whether they ended with an IPv4 address. A group or separator that
/// cannot be read ends the run before it. Bounded by `groups`' length (at most 8).
fn read_groups(s: &[u8], groups: &mut [u16]) -> (usize, usize, bool) {
    let mut pos = 0;
    for i in 0..groups.len() {
        // Every group after the first comes after a colon.
        let start = match (i, s.get(pos)) {
            (0, _) => pos,
            (_, Some(b':')) => pos + 1,
            _ => return (i, pos, false),
        };
        // An IPv4 address takes two groups, so it is tried only where two fit.
        if i + 1 < groups.len()
            && let Some((ip, len)) = ipv4_prefix(&s[start..])
        {
            let octets = ip.octets();
            groups[i] = u16::from_be_bytes([octets[0], octets[1]]);
            groups[i + 1] = u16::from_be_bytes([octets[2], octets[3]]);
            return (i + 2, start + len, true);
        }
        match number(&s[start..], 16, 4) {
            Some((group, len)) => {
                groups[i] = group;
                pos = start + len;
            }
            None => return (i, pos, false),
        }
    }
    (groups.len(), pos, false)
}

/// An IPv4 address at the start of `s`, and how many bytes it took.
fn ipv4_prefix(s: &[u8]) -> Option<(Ipv4Addr, usize)> {
    let mut octets = [0; 4];
    let mut pos = 0;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            if s.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
        let (value, len) = decimal_byte(&s[pos..])?;
        *octet = value;
        pos += len;
    }
    Some((Ipv4Addr::from(octets), pos))
}

/// A decimal number up to 255 at the start of `s`, of one to three digits and no
/// leading zero (`010` could be read as octal elsewhere), and how many bytes it took:
/// an IPv4 octet, or a network's prefix length.
pub(super) fn decimal_byte(s: &[u8]) -> Option<(u8, usize)> {
    let (value, len) = number(s, 10, 3)?;
    if len > 1 && s[0] == b'0' {
        return None;
    }
    Some((u8::try_from(value).ok()?, len))
}

/// A number in `radix` at the start of `s`, of one to `max` digits, and how many bytes
/// it took. Its digits are taken greedily: more than `max` of them is no number, as for
/// the standard library.
fn number(s: &[u8], radix: u32, max: usize) -> Option<(u16, usize)> {
    let mut value = 0;
    let mut len = 0;
    // Bounded: at most `max + 1` digits are looked at.
    for &b in s {
        let Some(digit) = char::from(b).to_digit(radix) else {
            break;
        };
        if len == max {
            return None;
        }
        value = value * radix + digit;
        len += 1;
    }
    // Four hex or three decimal digits fit a u16.
    let value = u16::try_from(value).ok()?;
    (len > 0).then_some((value, len))
}

pub(super) fn push_decimal(text: &mut String, mut n: u8) {
    if n >= 100 {
        text.push(char::from(b'0' + n / 100));
        n %= 100;
        text.push(char::from(b'0' + n / 10));
    } else if n >= 10 {
        text.push(char::from(b'0' + n / 10));
    }
    text.push(char::from(b'0' + n % 10));
}

pub(super) fn push_ipv4(text: &mut String, ip: Ipv4Addr) {
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            text.push('.');
        }
        push_decimal(text, octet);
    }
}

/// RFC 5952: lower-case hex groups without leading zeros; the longest run of two or
/// more zero groups (the first of equal runs) written `::`. Mapped addresses never get
/// here (they are read as IPv4), so no dotted tail is written.
pub(super) fn push_ipv6(text: &mut String, ip: Ipv6Addr) {
    let groups = ip.segments();
    // The longest run of zero groups: (start, length).
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, &group) in groups.iter().enumerate() {
        if group == 0 {
            if run.1 == 0 {
                run.0 = i;
            }
            run.1 += 1;
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run.1 = 0;
        }
    }
    let push_group = |text: &mut String, group: u16| {
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let nibble = (group >> shift) & 0xf;
            if started || nibble != 0 || shift == 0 {
                started = true;
                text.push(char::from(b"0123456789abcdef"[usize::from(nibble)]));
            }
        }
    };
    let mut i = 0;
    while i < groups.len() {
        if best.1 >= 2 && i == best.0 {
            text.push_str("::");
            i += best.1;
            continue;
        }
        if i > 0 && !(best.1 >= 2 && i == best.0 + best.1) {
            text.push(':');
        }
        push_group(text, groups[i]);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both readers answer as the standard library's parsers do.
    #[track_caller]
    fn reads_as_std(text: &str) {
        assert_eq!(
            parse_ipv4(text.as_bytes()),
            text.parse::<Ipv4Addr>().ok(),
            "IPv4 {text:?}"
        );
        assert_eq!(
            parse_ipv6(text.as_bytes()),
            text.parse::<Ipv6Addr>().ok(),
            "IPv6 {text:?}"
        );
    }

    #[test]
    fn reading() {
        for (text, v4, v6) in [
            ("192.0.2.1", Some([192, 0, 2, 1]), None),
            ("0.0.0.0", Some([0; 4]), None),
            ("255.255.255.255", Some([255; 4]), None),
            ("256.0.0.1", None, None),
            ("01.0.0.1", None, None),
            ("1.2.3", None, None),
            ("1.2.3.4.", None, None),
            ("1.2.3.4.5", None, None),
            ("1..3.4", None, None),
            ("1234.0.0.1", None, None),
            ("", None, None),
            ("::", None, Some([0; 8])),
            ("::1", None, Some([0, 0, 0, 0, 0, 0, 0, 1])),
            ("1::", None, Some([1, 0, 0, 0, 0, 0, 0, 0])),
            ("2001:db8::", None, Some([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0])),
            (
                "2001:DB8:0:0::",
                None,
                Some([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]),
            ),
            ("1:2:3:4:5:6:7:8", None, Some([1, 2, 3, 4, 5, 6, 7, 8])),
            ("1:2:3:4:5:6:7::", None, Some([1, 2, 3, 4, 5, 6, 7, 0])),
            ("::2:3:4:5:6:7:8", None, Some([0, 2, 3, 4, 5, 6, 7, 8])),
            ("1:2:3:4:5:6:7:8::", None, None),
            ("::1:2:3:4:5:6:7:8", None, None),
            ("1:2:3:4:5:6:7", None, None),
            ("1:::2", None, None),
            ("1::2::3", None, None),
            (":1::", None, None),
            ("1::2:", None, None),
            ("12345::", None, None),
            ("0000:0000::00ff", None, Some([0, 0, 0, 0, 0, 0, 0, 0xff])),
            (
                "::ffff:192.0.2.9",
                None,
                Some([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0209]),
            ),
            (
                "1:2:3:4:5:6:1.2.3.4",
                None,
                Some([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]),
            ),
            ("1:2:3:4:5:6:7:1.2.3.4", None, None),
            ("1.2.3.4::", None, None),
            ("::1.2.3.4:5", None, None),
            ("::1.2.3", None, None),
            ("::01.2.3.4", None, None),
            ("::1234.5", None, None),
        ] {
            assert_eq!(
                parse_ipv4(text.as_bytes()),
                v4.map(Ipv4Addr::from),
                "{text:?}"
            );
            assert_eq!(
                parse_ipv6(text.as_bytes()),
                v6.map(Ipv6Addr::from),
                "{text:?}"
            );
            reads_as_std(text);
        }
    }

    /// Pieces an address's text is made of, and the mistakes made in it.
    fn address_piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            4 => "[0-9a-fA-F]{1,5}",
            2 => "(0|[1-9][0-9]{0,3})",
            3 => Just(":".to_owned()),
            1 => Just("::".to_owned()),
            3 => Just(".".to_owned()),
            1 => "[g/ %é]",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// Text made of an address's pieces reads as the standard library reads it.
        #[test]
        fn reads_pieces_as_std(pieces in proptest::collection::vec(address_piece(), 0..18)) {
            reads_as_std(&pieces.concat());
        }

        /// Every address the standard library writes reads back as itself.
        #[test]
        fn reads_what_std_writes(segments: [u16; 8], zeros in 0u8..=255, v4: [u8; 4]) {
            let segments: [u16; 8] = std::array::from_fn(|i| {
                if zeros & (1 << i) == 0 { segments[i] } else { 0 }
            });
            let v6 = Ipv6Addr::from(segments);
            proptest::prop_assert_eq!(parse_ipv6(v6.to_string().as_bytes()), Some(v6));
            let v4 = Ipv4Addr::from(v4);
            proptest::prop_assert_eq!(parse_ipv4(v4.to_string().as_bytes()), Some(v4));
            reads_as_std(&format!("::ffff:{v4}"));
        }
    }

    /// Our writer agrees with the standard library's (RFC 5952) on every address it
    /// can be given: any but the IPv4-mapped ones, which are read as IPv4.
    #[track_caller]
    fn writes_as_std(ip: Ipv6Addr) {
        let mut text = String::new();
        push_ipv6(&mut text, ip);
        assert_eq!(text, ip.to_string(), "{:?}", ip.segments());
    }

    #[test]
    fn ipv6_text() {
        for segments in [
            [0; 8],
            [0, 0, 0, 0, 0, 0, 0, 1],
            [1, 0, 0, 0, 0, 0, 0, 0],
            [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1],
            [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],
            [0x2001, 0xdb8, 0, 1, 1, 1, 1, 1],
            [1, 0, 1, 0, 1, 0, 1, 0],
            [0xffff; 8],
            [0, 0, 0, 0, 0, 0, 0xc000, 0x0201],
            [0xabc, 0xf, 0xf0, 0xf00, 0, 0, 0, 0],
        ] {
            writes_as_std(Ipv6Addr::from(segments));
        }
    }

    proptest::proptest! {
        #[test]
        fn ipv6_text_as_std(segments: [u16; 8], zeros in 0u8..=255) {
            // Zero groups made common, so that runs of them are.
            let segments: [u16; 8] = std::array::from_fn(|i| {
                if zeros & (1 << i) == 0 { segments[i] } else { 0 }
            });
            let ip = Ipv6Addr::from(segments);
            if ip.to_ipv4_mapped().is_none() {
                writes_as_std(ip);
            }
        }
    }
}
