//! Packet framing (RFC 9580 §4.2): where each packet of a sequence starts and ends, in
//! both header formats. No partial or indeterminate lengths: every packet is complete.

/// Why a packet sequence is not one transferable public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PacketError {
    /// No packets at all (or only packets that are skipped).
    Empty,
    /// A byte where a packet header should start has bit 7 clear: not a packet.
    NotAHeader,
    /// Tag 0, which RFC 9580 reserves.
    ReservedTag,
    /// A partial body length (new format) or an indeterminate one (old format).
    UnboundedLength,
    /// A header, a body or a field inside a body cut short.
    Truncated,
    /// Bytes left in a packet, or in a field with its own length, after its layout ends.
    Padded,
    /// An MPI of zero bits, which no key or signature field holds.
    EmptyMpi,
    /// A secret-key (tag 5) or secret-subkey (tag 7) packet.
    Secret,
    /// The first packet is not a public key (tag 6).
    FirstNotPublicKey,
    /// A key of a version other than 4, 5 or 6, or a subkey of another version than
    /// its primary key's.
    UnsupportedVersion,
    /// A signature of a version the primary key's version does not take.
    UnsupportedSignatureVersion,
    /// A public-key algorithm whose fields are not read here (or not allowed in this
    /// key version, or not one that signs, for a signature).
    UnknownAlgorithm,
    /// A v6 signature's hash algorithm whose salt size is not known.
    UnknownHash,
    /// An ECDH key's KDF parameters in a form other than RFC 9580's.
    UnknownKdf,
    /// An embedded signature inside an embedded signature.
    NestedSignature,
    /// A packet that no transferable public key holds (compressed, literal or encrypted
    /// data, an unknown critical tag, a second primary key), or one out of its place.
    Unexpected,
    /// A v4 or v5 key with no user ID or user attribute.
    NoUserId,
    /// A subkey with no binding signature, or a v6 key with no direct-key signature.
    NoSignature,
}

/// One framed packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Packet<'a> {
    pub(super) tag: u8,
    pub(super) body: &'a [u8],
    /// The whole packet as sent: its header and its body.
    pub(super) raw: &'a [u8],
}

/// The packets of `bytes`, in order, until the end or the first framing error. Each
/// packet consumes at least its header byte, so the sequence is bounded by the input's
/// length.
pub(super) fn packets(bytes: &[u8]) -> impl Iterator<Item = Result<Packet<'_>, PacketError>> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let input = rest.take().filter(|input| !input.is_empty())?;
        let packet = next_packet(input);
        if let Ok((_, after)) = packet {
            rest = Some(after);
        }
        Some(packet.map(|(packet, _)| packet))
    })
}

/// One packet and what follows it.
fn next_packet(input: &[u8]) -> Result<(Packet<'_>, &[u8]), PacketError> {
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
    let (body, after) = rest
        .split_at_checked(length)
        .ok_or(PacketError::Truncated)?;
    let raw = &input[..input.len() - after.len()];
    Ok((Packet { tag, body, raw }, after))
}

/// A new-format length (RFC 9580 §4.2.1): one, two or five octets; partial lengths are
/// refused.
fn new_length(input: &[u8]) -> Result<(u32, &[u8]), PacketError> {
    match input {
        [224..=254, ..] => Err(PacketError::UnboundedLength),
        _ => variable_length(input),
    }
}

/// The one-, two- or five-octet length that new-format packets and signature and user
/// attribute subpackets share (RFC 9580 §4.2.1, §5.2.3.7); a first octet of 224–254
/// reads as two octets here, as a subpacket's does.
pub(super) fn variable_length(input: &[u8]) -> Result<(u32, &[u8]), PacketError> {
    match input {
        [first @ 0..=191, rest @ ..] => Ok((u32::from(*first), rest)),
        [first @ 192..=254, second, rest @ ..] => {
            let length = ((u32::from(*first) - 192) << 8) + u32::from(*second) + 192;
            Ok((length, rest))
        }
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

    /// The tags of the packets framed, or the first framing error.
    #[track_caller]
    fn frames(bytes: &[u8], expected: Result<&[(u8, usize)], PacketError>) {
        let got: Result<Vec<(u8, usize)>, PacketError> = packets(bytes)
            .map(|p| p.map(|p| (p.tag, p.body.len())))
            .collect();
        assert_eq!(got, expected.map(<[_]>::to_vec), "{bytes:02x?}");
    }

    #[test]
    fn framing() {
        use PacketError as E;
        frames(&[], Ok(&[]));
        // Old format, tag 6, one-octet length.
        frames(&[0x98, 2, 4, 0], Ok(&[(6, 2)]));
        // New format, tag 6, then a user ID (tag 13).
        frames(&[0xC6, 1, 6, 0xCD, 1, b'a'], Ok(&[(6, 1), (13, 1)]));
        // Old format, two-octet and four-octet lengths.
        frames(&[0x99, 0, 1, 5], Ok(&[(6, 1)]));
        frames(&[0x9A, 0, 0, 0, 1, 5], Ok(&[(6, 1)]));
        // New format, two-octet length (192 bytes) and five-octet length.
        let mut long = vec![0xC6, 192, 0];
        long.extend([0; 192]);
        frames(&long, Ok(&[(6, 192)]));
        frames(&[0xC6, 255, 0, 0, 0, 1, 4], Ok(&[(6, 1)]));
        // A header with no packet, a body cut short, a header cut short.
        frames(&[0x99], Err(E::Truncated));
        frames(&[0x98, 3, 4, 0], Err(E::Truncated));
        frames(&[0xC6, 255, 0, 0], Err(E::Truncated));
        frames(&[0x98, 1, 4, 0x80], Err(E::ReservedTag));
        frames(&[0x98, 1, 4, 0x00], Err(E::NotAHeader));
        frames(&[0xC6, 224, 4], Err(E::UnboundedLength));
        frames(&[0x9B, 4, 0], Err(E::UnboundedLength));
    }

    #[test]
    fn a_packets_raw_bytes_are_its_header_and_body() {
        let bytes = [0x98, 2, 4, 0, 0xCD, 1, b'a'];
        let raws: Vec<&[u8]> = packets(&bytes).map(|p| p.unwrap().raw).collect();
        assert_eq!(raws, [&bytes[..4], &bytes[4..]]);
    }

    #[test]
    fn subpacket_lengths() {
        assert_eq!(variable_length(&[5, 9]), Ok((5, &[9][..])));
        assert_eq!(variable_length(&[192, 0]), Ok((192, &[][..])));
        assert_eq!(
            variable_length(&[230, 1]),
            Ok((((230 - 192) << 8) + 1 + 192, &[][..]))
        );
        assert_eq!(variable_length(&[255, 0, 1, 0, 0]), Ok((65536, &[][..])));
        assert_eq!(variable_length(&[255, 0, 1]), Err(PacketError::Truncated));
        assert_eq!(variable_length(&[200]), Err(PacketError::Truncated));
    }
}
