//! One transferable public key (RFC 9580 §10.1), read packet by packet through named
//! states: which packet may follow which, for the primary key's version.

use std::borrow::Cow;

use super::layout::{self, Version};
use super::packet::{Packet, PacketError, packets};

/// Packet tags (RFC 9580 §5).
mod tag {
    pub(super) const SIGNATURE: u8 = 2;
    pub(super) const SECRET_KEY: u8 = 5;
    pub(super) const PUBLIC_KEY: u8 = 6;
    pub(super) const SECRET_SUBKEY: u8 = 7;
    pub(super) const MARKER: u8 = 10;
    pub(super) const TRUST: u8 = 12;
    pub(super) const USER_ID: u8 = 13;
    pub(super) const PUBLIC_SUBKEY: u8 = 14;
    pub(super) const USER_ATTRIBUTE: u8 = 17;
    pub(super) const PADDING: u8 = 21;
}

/// Packets that are skipped wherever they stand and not stored: padding, marker, trust
/// (RFC 9580 §5.10: ignored on input) and the unassigned non-critical tags 40–63.
fn skipped(tag: u8) -> bool {
    matches!(tag, tag::PADDING | tag::MARKER | tag::TRUST | 40..=63)
}

/// Where the reader is in the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the primary key.
    Start,
    /// After the primary key: its revocation and direct-key signatures, if `signed`
    /// one or more.
    Primary { version: Version, signed: bool },
    /// After a user ID or user attribute: its certifications, more user IDs or
    /// attributes, or the first subkey.
    UserIds { version: Version },
    /// After a subkey, before its binding signature.
    Subkey { version: Version },
    /// After a subkey's binding signature: more signatures, or another subkey.
    Bound { version: Version },
}

impl State {
    /// The state after a packet of `tag`, whose body is read by its layout.
    fn next(self, packet: &Packet) -> Result<State, PacketError> {
        use State as S;
        use tag as t;
        let (tag, body) = (packet.tag, packet.body);
        Ok(match (self, tag) {
            (S::Start, t::PUBLIC_KEY) => S::Primary {
                version: layout::key(body)?,
                signed: false,
            },
            (S::Start, _) => return Err(PacketError::FirstNotPublicKey),
            (
                S::Primary { version, .. }
                | S::UserIds { version }
                | S::Subkey { version }
                | S::Bound { version },
                t::SIGNATURE,
            ) => {
                layout::signature(body, version)?;
                match self {
                    S::Primary { .. } => S::Primary {
                        version,
                        signed: true,
                    },
                    S::Subkey { .. } => S::Bound { version },
                    other => other,
                }
            }
            (S::Primary { version, signed }, t::USER_ID | t::USER_ATTRIBUTE) => {
                if !version.needs_user_id && !signed {
                    return Err(PacketError::NoSignature);
                }
                user_id(tag, body)?;
                S::UserIds { version }
            }
            (S::UserIds { version }, t::USER_ID | t::USER_ATTRIBUTE) => {
                user_id(tag, body)?;
                S::UserIds { version }
            }
            (S::Primary { version, signed }, t::PUBLIC_SUBKEY) => {
                Self::end_of_primary(version, signed)?;
                S::Subkey {
                    version: subkey(body, version)?,
                }
            }
            (S::UserIds { version } | S::Bound { version }, t::PUBLIC_SUBKEY) => S::Subkey {
                version: subkey(body, version)?,
            },
            (S::Subkey { .. }, _) => return Err(PacketError::NoSignature),
            _ => return Err(PacketError::Unexpected),
        })
    }

    /// Whether the certificate may end here: its primary key's version if so.
    fn end(self) -> Result<Version, PacketError> {
        match self {
            State::Start => Err(PacketError::Empty),
            State::Primary { version, signed } => {
                Self::end_of_primary(version, signed).map(|()| version)
            }
            State::Subkey { .. } => Err(PacketError::NoSignature),
            State::UserIds { version } | State::Bound { version } => Ok(version),
        }
    }

    /// Leaving the primary key's signatures with no user ID: a v6 key needs a direct-key
    /// signature, a v4 or v5 key a user ID.
    fn end_of_primary(version: Version, signed: bool) -> Result<(), PacketError> {
        if version.needs_user_id {
            Err(PacketError::NoUserId)
        } else if signed {
            Ok(())
        } else {
            Err(PacketError::NoSignature)
        }
    }
}

/// A user ID's body is any text; a user attribute's is framed subpackets.
fn user_id(tag: u8, body: &[u8]) -> Result<(), PacketError> {
    if tag == tag::USER_ATTRIBUTE {
        layout::user_attribute(body)
    } else {
        Ok(())
    }
}

/// A subkey, of its primary key's version.
fn subkey(body: &[u8], primary: Version) -> Result<Version, PacketError> {
    let version = layout::key(body)?;
    if version == primary {
        Ok(version)
    } else {
        Err(PacketError::UnsupportedVersion)
    }
}

/// One transferable public key, read.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Certificate<'a> {
    /// The packets to store: the key's own, as sent, without the skipped ones
    /// (borrowed when none was skipped).
    pub(super) packets: Cow<'a, [u8]>,
    /// The primary key's version.
    pub(super) version: Version,
}

/// Reads `bytes` as one transferable public key.
///
/// A secret-key or secret-subkey packet anywhere the framing reaches is `Secret`, even
/// after another error; otherwise the first error found.
pub(super) fn read(bytes: &[u8]) -> Result<Certificate<'_>, PacketError> {
    let mut state = State::Start;
    let mut error = None;
    // Set at the first skipped packet: what is kept up to it, then each kept packet.
    let mut kept: Option<Vec<u8>> = None;
    let mut offset = 0;
    for packet in packets(bytes) {
        let packet = match packet {
            Ok(packet) => packet,
            Err(framing) => return Err(error.unwrap_or(framing)),
        };
        let start = offset;
        offset += packet.raw.len();
        if matches!(packet.tag, tag::SECRET_KEY | tag::SECRET_SUBKEY) {
            return Err(PacketError::Secret);
        }
        if error.is_some() {
            continue;
        }
        if skipped(packet.tag) {
            kept.get_or_insert_with(|| bytes[..start].to_vec());
            continue;
        }
        match state.next(&packet) {
            Ok(next) => state = next,
            Err(e) => error = Some(e),
        }
        if let Some(kept) = &mut kept {
            kept.extend_from_slice(packet.raw);
        }
    }
    if let Some(error) = error {
        return Err(error);
    }
    let version = state.end()?;
    Ok(Certificate {
        packets: kept.map_or(Cow::Borrowed(bytes), Cow::Owned),
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PacketError as E;

    /// A new-format packet of `tag` holding `body`.
    fn packet(tag: u8, body: &[u8]) -> Vec<u8> {
        let length = u8::try_from(body.len()).expect("short test packets");
        assert!(length < 192);
        [&[0xC0 | tag, length][..], body].concat()
    }

    fn key(version: u8) -> Vec<u8> {
        let body = match version {
            4 => [&[4, 0, 0, 0, 1, 27][..], &[1; 32]].concat(),
            _ => [&[version, 0, 0, 0, 1, 27, 0, 0, 0, 32][..], &[1; 32]].concat(),
        };
        packet(6, &body)
    }

    fn subkey(version: u8) -> Vec<u8> {
        let mut subkey = key(version);
        subkey[0] = 0xC0 | tag::PUBLIC_SUBKEY;
        subkey
    }

    fn signature(version: u8) -> Vec<u8> {
        let body = match version {
            6 => [
                &[6, 0x1F, 27, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0xAB, 0xCD, 16][..],
                &[7; 16],
                &[2; 64],
            ]
            .concat(),
            _ => [
                &[version, 0x13, 27, 8, 0, 0, 0, 0, 0xAB, 0xCD][..],
                &[2; 64],
            ]
            .concat(),
        };
        packet(2, &body)
    }

    fn uid() -> Vec<u8> {
        packet(13, b"Alice <alice@example.com>")
    }

    #[track_caller]
    fn reads(parts: &[&Vec<u8>], expected: Result<&[&Vec<u8>], PacketError>) {
        let bytes: Vec<u8> = parts.iter().flat_map(|p| p.iter().copied()).collect();
        let expected = expected.map(|kept| kept.iter().flat_map(|p| p.iter().copied()).collect());
        let got = read(&bytes).map(|key| key.packets.into_owned());
        assert_eq!(got, expected, "{parts:02x?}");
    }

    #[test]
    fn v4_and_v5_certificates() {
        let (k, s, u, sub) = (key(4), signature(4), uid(), subkey(4));
        let attribute = packet(17, &[3, 1, 0xAA, 0xBB]);
        reads(&[&k, &u, &s], Ok(&[&k, &u, &s]));
        // Revocation and direct signatures first; two user IDs, an attribute, subkeys.
        let all = [&k, &s, &u, &s, &u, &attribute, &s, &sub, &s, &s, &sub, &s];
        reads(&all, Ok(&all));
        // A user ID with no certification is read (RFC 9580: zero or more).
        reads(&[&k, &u], Ok(&[&k, &u]));
        let (k5, s5, sub5) = (key(5), signature(5), subkey(5));
        reads(&[&k5, &u, &s5, &sub5, &s5], Ok(&[&k5, &u, &s5, &sub5, &s5]));
        // A user attribute's subpackets are read: one running past its body.
        reads(
            &[&k, &u, &s, &packet(17, &[3, 1, 0xAA]), &s],
            Err(E::Truncated),
        );

        // No user ID.
        reads(&[&k], Err(E::NoUserId));
        reads(&[&k, &s], Err(E::NoUserId));
        reads(&[&k, &s, &sub, &s], Err(E::NoUserId));
        // A subkey with no binding signature, at the end or before another subkey.
        reads(&[&k, &u, &sub], Err(E::NoSignature));
        reads(&[&k, &u, &sub, &sub, &s], Err(E::NoSignature));
        // Out of order: a user ID after a subkey.
        reads(&[&k, &u, &sub, &s, &u], Err(E::Unexpected));
        // Versions that do not belong together.
        reads(&[&k, &u, &sub5, &s], Err(E::UnsupportedVersion));
        reads(
            &[&k, &u, &signature(6)],
            Err(E::UnsupportedSignatureVersion),
        );
    }

    #[test]
    fn v6_certificates() {
        let (k, s, u, sub) = (key(6), signature(6), uid(), subkey(6));
        reads(&[&k, &s], Ok(&[&k, &s]));
        reads(&[&k, &s, &sub, &s], Ok(&[&k, &s, &sub, &s]));
        reads(&[&k, &s, &u, &s], Ok(&[&k, &s, &u, &s]));
        // A direct-key signature is required, before any user ID or subkey.
        reads(&[&k], Err(E::NoSignature));
        reads(&[&k, &u, &s], Err(E::NoSignature));
        reads(&[&k, &sub, &s], Err(E::NoSignature));
    }

    #[test]
    fn what_no_certificate_holds() {
        let (k, s, u) = (key(4), signature(4), uid());
        for tag in [1, 3, 4, 8, 9, 11, 18, 19, 20, 22, 39] {
            let extra = packet(tag, &[1, 2, 3]);
            reads(&[&k, &u, &s, &extra], Err(E::Unexpected));
        }
        // A second primary key: a keyring of two keys.
        reads(&[&k, &u, &s, &k, &u, &s], Err(E::Unexpected));
        reads(&[&u, &k], Err(E::FirstNotPublicKey));
        reads(&[], Err(E::Empty));
    }

    #[test]
    fn skipped_packets_are_not_kept() {
        let (k, s, u) = (key(4), signature(4), uid());
        let marker = packet(10, b"PGP");
        let padding = packet(21, &[0; 20]);
        let trust = packet(12, &[0, 0]);
        let experimental = packet(60, b"x");
        reads(
            &[&marker, &k, &trust, &u, &s, &padding, &experimental],
            Ok(&[&k, &u, &s]),
        );
        // What comes before the first skipped packet is kept too.
        reads(&[&k, &marker, &u, &s], Ok(&[&k, &u, &s]));
        reads(&[&marker, &padding], Err(E::Empty));
    }

    #[test]
    fn a_secret_packet_anywhere_is_secret() {
        let (k, s, u) = (key(4), signature(4), uid());
        for tag in [5, 7] {
            let secret = packet(tag, &[4, 0, 0, 0, 1, 27]);
            reads(&[&k, &u, &s, &secret], Err(E::Secret));
            reads(&[&secret], Err(E::Secret));
            // After another error, too: a keyring of a public and a secret key.
            reads(&[&k, &u, &s, &k, &secret], Err(E::Secret));
        }
        // A framing error before it hides it (nothing after it can be framed), and is
        // the error unless a grammar error came first.
        reads(&[&k, &vec![0x00], &packet(5, &[4])], Err(E::NotAHeader));
        reads(&[&k, &vec![0x00]], Err(E::NotAHeader));
        reads(&[&k, &packet(8, &[0]), &vec![0x00]], Err(E::Unexpected));
    }
}
