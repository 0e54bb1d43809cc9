//! The OpenPGP packet sequence inside an armored key block (RFC 9580 §4.2), read in one
//! pass: every packet complete, both header formats, no partial or indeterminate
//! lengths, nothing after the last packet.

/// Why a packet sequence is not a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PacketError {
    /// No packets at all.
    Empty,
    /// A byte where a packet header should start has bit 7 clear: not a packet.
    NotAHeader,
    /// Tag 0, which RFC 9580 reserves.
    ReservedTag,
    /// A partial body length (new format) or an indeterminate one (old format).
    UnboundedLength,
    /// A header or body cut short, or trailing bytes that are not a whole packet.
    Truncated,
    /// A secret-key (tag 5) or secret-subkey (tag 7) packet.
    Secret,
    /// The first packet is not a public key (tag 6).
    FirstNotPublicKey,
    /// A public key of a version other than 4, 5 or 6.
    UnsupportedVersion,
}

const SECRET_KEY: u8 = 5;
const PUBLIC_KEY: u8 = 6;
const SECRET_SUBKEY: u8 = 7;

/// Where the reader is.
enum State {
    /// Before the first packet: it must be a public key.
    First,
    /// After a whole packet: another may follow, or the end.
    Between,
}

/// Checks that `bytes` is a sequence of complete packets, the first a v4, v5 or v6
/// public key, none secret. Each step consumes at least one byte, so the loop is
/// bounded by the input's length.
pub(super) fn check_packets(bytes: &[u8]) -> Result<(), PacketError> {
    if bytes.is_empty() {
        return Err(PacketError::Empty);
    }
    let mut rest = bytes;
    let mut state = State::First;
    while !rest.is_empty() {
        let (tag, body, after) = next_packet(rest)?;
        if tag == SECRET_KEY || tag == SECRET_SUBKEY {
            return Err(PacketError::Secret);
        }
        if let State::First = state {
            if tag != PUBLIC_KEY {
                return Err(PacketError::FirstNotPublicKey);
            }
            if !matches!(body.first(), Some(4..=6)) {
                return Err(PacketError::UnsupportedVersion);
            }
            state = State::Between;
        }
        rest = after;
    }
    Ok(())
}

/// One packet: its tag, its body and what follows it.
fn next_packet(input: &[u8]) -> Result<(u8, &[u8], &[u8]), PacketError> {
    let (&header, rest) = input.split_first().ok_or(PacketError::Truncated)?;
    if header & 0x80 == 0 {
        return Err(PacketError::NotAHeader);
    }
    let new_format = header & 0x40 != 0;
    let tag = if new_format {
        header & 0x3F
    } else {
        (header >> 2) & 0x0F
    };
    if tag == 0 {
        return Err(PacketError::ReservedTag);
    }
    let (length, rest) = if new_format {
        new_length(rest)?
    } else {
        old_length(header & 0x03, rest)?
    };
    let length = usize::try_from(length).map_err(|_| PacketError::Truncated)?;
    if rest.len() < length {
        return Err(PacketError::Truncated);
    }
    let (body, after) = rest.split_at(length);
    Ok((tag, body, after))
}

/// A new-format length (RFC 9580 §4.2.1): one, two or five octets; partial lengths are
/// refused.
fn new_length(input: &[u8]) -> Result<(u32, &[u8]), PacketError> {
    match input {
        [first @ 0..=191, rest @ ..] => Ok((u32::from(*first), rest)),
        [first @ 192..=223, second, rest @ ..] => {
            let length = ((u32::from(*first) - 192) << 8 | u32::from(*second)) + 192;
            Ok((length, rest))
        }
        [224..=254, ..] => Err(PacketError::UnboundedLength),
        [255, a, b, c, d, rest @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), rest)),
        _ => Err(PacketError::Truncated),
    }
}

/// An old-format length (RFC 9580 §4.2.2): one, two or four octets by the length type;
/// type 3 (indeterminate) is refused.
fn old_length(length_type: u8, input: &[u8]) -> Result<(u32, &[u8]), PacketError> {
    match (length_type, input) {
        (0, [a, rest @ ..]) => Ok((u32::from(*a), rest)),
        (1, [a, b, rest @ ..]) => Ok((u32::from(u16::from_be_bytes([*a, *b])), rest)),
        (2, [a, b, c, d, rest @ ..]) => Ok((u32::from_be_bytes([*a, *b, *c, *d]), rest)),
        (3, _) => Err(PacketError::UnboundedLength),
        _ => Err(PacketError::Truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(bytes: &[u8], expected: Result<(), PacketError>) {
        assert_eq!(check_packets(bytes), expected, "{bytes:02x?}");
    }

    #[test]
    fn sequences() {
        use PacketError as E;
        // Old format, tag 6, one-octet length 2, version 4.
        check(&[0x98, 2, 4, 0], Ok(()));
        // New format, tag 6, then a user ID (tag 13).
        check(&[0xC6, 1, 6, 0xCD, 1, b'a'], Ok(()));
        // Old format, two-octet length.
        check(&[0x99, 0, 1, 5], Ok(()));
        // New format, two-octet length: 192 bytes.
        let mut long = vec![0xC6, 192, 0, 4];
        long.extend([0; 191]);
        check(&long, Ok(()));
        // New format, five-octet length.
        check(&[0xC6, 255, 0, 0, 0, 1, 4], Ok(()));
        check(&[], Err(E::Empty));
        // The hardening issue's finding: a header with no packet.
        check(&[0x99], Err(E::Truncated));
        check(&[0x98, 3, 4, 0], Err(E::Truncated));
        check(&[0x98, 1, 4, 0x80], Err(E::ReservedTag));
        check(&[0x98, 1, 4, 0x00], Err(E::NotAHeader));
        check(&[0x98, 1, 4, 0xCD], Err(E::Truncated));
        check(&[0xC6, 224, 4], Err(E::UnboundedLength));
        check(&[0x9B, 4, 0], Err(E::UnboundedLength));
        check(&[0x98, 1, 3], Err(E::UnsupportedVersion));
        check(&[0x98, 1, 7], Err(E::UnsupportedVersion));
        check(&[0x98, 0], Err(E::UnsupportedVersion));
        check(&[0xCD, 1, b'a'], Err(E::FirstNotPublicKey));
        check(&[0x94, 1, 4], Err(E::Secret));
        check(&[0xC5, 1, 4], Err(E::Secret));
        check(&[0x98, 1, 4, 0x9C, 1, 4], Err(E::Secret));
        check(&[0x98, 1, 4, 0xC7, 1, 4], Err(E::Secret));
    }
}
