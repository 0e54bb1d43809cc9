//! The bodies of the packets a transferable public key holds, each read to its exact end
//! by its version's layout (RFC 9580 §5.2, §5.5, §5.12; `LibrePGP` for v5): public keys
//! and subkeys with the public fields of every algorithm, signatures with their
//! subpacket areas and signature fields, user attributes' subpackets. Signatures are
//! read, not verified.

use super::packet::{PacketError, variable_length};

/// What a primary key's version decides for the whole certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "a row of the table of versions: each flag is one of RFC 9580's differences"
)]
pub(super) struct Version {
    pub(super) number: u8,
    /// The key material follows a four-octet count of its octets (v5, v6).
    counted_material: bool,
    /// The signature versions a certificate of this key version holds.
    signature_versions: &'static [u8],
    /// A user ID or user attribute is required (v4, v5); v6 requires a direct-key
    /// signature instead.
    pub(super) needs_user_id: bool,
    /// `EdDSALegacy` (22) is allowed: not in v6 (RFC 9580 §9.1).
    legacy_eddsa: bool,
    /// The stored block has a CRC line. RFC 9580 §6.1 says not to write one unless an
    /// implementation that needs it matters: GnuPG 2.2 does (it cannot read a block
    /// without one whose base64 ends with no `=`, its bug T7071), and it reads v4 and
    /// v5 keys, not v6 ones.
    pub(super) armor_checksum: bool,
}

/// The key versions read, one row each. v4 keys carry v3 certifications from old keys;
/// v5 and v6 keys may carry v4 certifications made by others' v4 keys.
const VERSIONS: [Version; 3] = [
    Version {
        number: 4,
        counted_material: false,
        signature_versions: &[3, 4],
        needs_user_id: true,
        legacy_eddsa: true,
        armor_checksum: true,
    },
    Version {
        number: 5,
        counted_material: true,
        signature_versions: &[4, 5],
        needs_user_id: true,
        legacy_eddsa: true,
        armor_checksum: true,
    },
    Version {
        number: 6,
        counted_material: true,
        signature_versions: &[4, 6],
        needs_user_id: false,
        legacy_eddsa: false,
        armor_checksum: false,
    },
];

/// Public-key algorithm ids (RFC 9580 §9.1).
mod id {
    pub(super) const RSA: u8 = 1;
    pub(super) const RSA_ENCRYPT: u8 = 2;
    pub(super) const RSA_SIGN: u8 = 3;
    pub(super) const ELGAMAL: u8 = 16;
    pub(super) const DSA: u8 = 17;
    pub(super) const ECDH: u8 = 18;
    pub(super) const ECDSA: u8 = 19;
    pub(super) const EDDSA_LEGACY: u8 = 22;
    pub(super) const X25519: u8 = 25;
    pub(super) const X448: u8 = 26;
    pub(super) const ED25519: u8 = 27;
    pub(super) const ED448: u8 = 28;
}

/// The embedded-signature subpacket type (RFC 9580 §5.2.3.34).
const EMBEDDED_SIGNATURE: u8 = 32;

/// A cursor over a packet body or a counted field: every read takes what it reads, and
/// [`Reader::end`] holds the layout to the field's exact end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], PacketError> {
        let (taken, rest) = self.0.split_at_checked(n).ok_or(PacketError::Truncated)?;
        self.0 = rest;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, PacketError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<usize, PacketError> {
        let bytes = self.take(2)?;
        Ok(usize::from(u16::from_be_bytes([bytes[0], bytes[1]])))
    }

    fn u32(&mut self) -> Result<usize, PacketError> {
        let bytes = self.take(4)?;
        let count = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        usize::try_from(count).map_err(|_| PacketError::Truncated)
    }

    /// A multiprecision integer (RFC 9580 §3.2): a two-octet count of bits, then the
    /// octets that hold them. Zero bits is no key or signature field.
    fn mpi(&mut self) -> Result<(), PacketError> {
        let bits = self.u16()?;
        if bits == 0 {
            return Err(PacketError::EmptyMpi);
        }
        self.take(bits.div_ceil(8)).map(drop)
    }

    fn mpis(&mut self, count: usize) -> Result<(), PacketError> {
        (0..count).try_for_each(|_| self.mpi())
    }

    /// A curve's OID: a one-octet length (0 and 255 reserved), then the OID.
    fn oid(&mut self) -> Result<(), PacketError> {
        match self.byte()? {
            0 | 255 => Err(PacketError::UnknownAlgorithm),
            length => self.take(usize::from(length)).map(drop),
        }
    }

    /// Whatever `read` reads must be the whole of what is left.
    fn end(self) -> Result<(), PacketError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(PacketError::Padded)
        }
    }
}

/// A public key or subkey packet's body: its version's row of [`VERSIONS`].
///
/// # Errors
/// `UnsupportedVersion`, `UnknownAlgorithm`, `UnknownKdf`, `Truncated`, `Padded`,
/// `EmptyMpi`.
pub(super) fn key(body: &[u8]) -> Result<Version, PacketError> {
    let mut reader = Reader(body);
    let number = reader.byte()?;
    let version = *VERSIONS
        .iter()
        .find(|v| v.number == number)
        .ok_or(PacketError::UnsupportedVersion)?;
    reader.take(4)?; // creation time
    let algorithm = reader.byte()?;
    if version.counted_material {
        let count = reader.u32()?;
        let mut material = Reader(reader.take(count)?);
        key_material(&mut material, algorithm, version)?;
        material.end()?;
    } else {
        key_material(&mut reader, algorithm, version)?;
    }
    reader.end()?;
    Ok(version)
}

/// The public fields of one algorithm (RFC 9580 §5.5.5).
fn key_material(reader: &mut Reader, algorithm: u8, version: Version) -> Result<(), PacketError> {
    match algorithm {
        id::RSA | id::RSA_ENCRYPT | id::RSA_SIGN => reader.mpis(2), // n, e
        id::ELGAMAL => reader.mpis(3),                              // p, g, y
        id::DSA => reader.mpis(4),                                  // p, q, g, y
        id::ECDSA => {
            reader.oid()?;
            reader.mpi()
        }
        id::EDDSA_LEGACY if version.legacy_eddsa => {
            reader.oid()?;
            reader.mpi()
        }
        id::ECDH => {
            reader.oid()?;
            reader.mpi()?;
            // KDF parameters: their size (3), a reserved 1, a hash and a cipher id.
            match reader.take(2)? {
                [3, 1] => reader.take(2).map(drop),
                _ => Err(PacketError::UnknownKdf),
            }
        }
        id::X25519 | id::ED25519 => reader.take(32).map(drop),
        id::X448 => reader.take(56).map(drop),
        id::ED448 => reader.take(57).map(drop),
        _ => Err(PacketError::UnknownAlgorithm),
    }
}

/// A signature packet's body, of a version `key` takes (RFC 9580 §5.2.2, §5.2.3).
///
/// # Errors
/// `UnsupportedSignatureVersion`, `UnknownAlgorithm`, `UnknownHash`, `NestedSignature`,
/// `Truncated`, `Padded`, `EmptyMpi`.
pub(super) fn signature(body: &[u8], key: Version) -> Result<(), PacketError> {
    read_signature(body, key, true)
}

fn read_signature(body: &[u8], key: Version, may_embed: bool) -> Result<(), PacketError> {
    let mut reader = Reader(body);
    let version = reader.byte()?;
    if !key.signature_versions.contains(&version) {
        return Err(PacketError::UnsupportedSignatureVersion);
    }
    let algorithm = if version == 3 {
        // Five hashed octets (type, creation time), the issuer's key id, the
        // algorithms, the hash's left 16 bits.
        if reader.byte()? != 5 {
            return Err(PacketError::UnsupportedSignatureVersion);
        }
        reader.take(1 + 4 + 8)?;
        let algorithm = reader.byte()?;
        reader.take(1 + 2)?;
        algorithm
    } else {
        reader.byte()?; // signature type
        let algorithm = reader.byte()?;
        let hash = reader.byte()?;
        // The hashed, then the unhashed subpacket area, each after its octet count.
        for _ in 0..2 {
            let count = if version == 6 {
                reader.u32()?
            } else {
                reader.u16()?
            };
            subpackets(reader.take(count)?, key, may_embed)?;
        }
        reader.take(2)?; // the hash's left 16 bits
        if version == 6 {
            let size = reader.byte()?;
            if salt_size(hash) != Some(size) {
                return Err(PacketError::UnknownHash);
            }
            reader.take(usize::from(size))?;
        }
        algorithm
    };
    signature_fields(&mut reader, algorithm)?;
    reader.end()
}

/// A v6 signature's salt size by its hash algorithm (RFC 9580 §9.5, table 23).
fn salt_size(hash: u8) -> Option<u8> {
    match hash {
        8 | 11 | 12 => Some(16), // SHA2-256, SHA2-224, SHA3-256
        9 => Some(24),           // SHA2-384
        10 | 14 => Some(32),     // SHA2-512, SHA3-512
        _ => None,
    }
}

/// The signature fields of an algorithm that signs (RFC 9580 §5.2.3).
fn signature_fields(reader: &mut Reader, algorithm: u8) -> Result<(), PacketError> {
    match algorithm {
        id::RSA | id::RSA_SIGN => reader.mpi(),
        id::DSA | id::ECDSA | id::EDDSA_LEGACY => reader.mpis(2), // r, s
        id::ED25519 => reader.take(64).map(drop),
        id::ED448 => reader.take(114).map(drop),
        _ => Err(PacketError::UnknownAlgorithm),
    }
}

/// A signature's subpacket area, each subpacket framed to the area's end; an embedded
/// signature is read as a signature, one level deep. Each subpacket takes at least its
/// length octet, so the loop is bounded by the area's length.
fn subpackets(area: &[u8], key: Version, may_embed: bool) -> Result<(), PacketError> {
    each_subpacket(area, |kind, data| {
        if kind & 0x7F != EMBEDDED_SIGNATURE {
            Ok(())
        } else if may_embed {
            read_signature(data, key, false)
        } else {
            Err(PacketError::NestedSignature)
        }
    })
}

/// A user attribute packet's body (RFC 9580 §5.12): one or more subpackets, each
/// framed to the body's end. Their contents (a JPEG image, say) are not read.
///
/// # Errors
/// `Truncated`, `Empty`.
pub(super) fn user_attribute(body: &[u8]) -> Result<(), PacketError> {
    if body.is_empty() {
        return Err(PacketError::Truncated);
    }
    each_subpacket(body, |_, _| Ok(()))
}

/// Calls `each` with every subpacket's type and data; a subpacket's length counts its
/// type octet, so it is at least 1.
fn each_subpacket(
    mut area: &[u8],
    mut each: impl FnMut(u8, &[u8]) -> Result<(), PacketError>,
) -> Result<(), PacketError> {
    while !area.is_empty() {
        let (length, rest) = variable_length(area)?;
        let length = usize::try_from(length).map_err(|_| PacketError::Truncated)?;
        let (subpacket, rest) = rest
            .split_at_checked(length)
            .ok_or(PacketError::Truncated)?;
        let (&kind, data) = subpacket.split_first().ok_or(PacketError::Truncated)?;
        each(kind, data)?;
        area = rest;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use PacketError as E;

    /// A v4 key body: version, creation time, algorithm, then `material`.
    fn v4(algorithm: u8, material: &[u8]) -> Vec<u8> {
        [&[4, 0, 0, 0, 1, algorithm][..], material].concat()
    }

    /// A v5 or v6 key body, its material counted.
    fn counted(version: u8, algorithm: u8, material: &[u8]) -> Vec<u8> {
        let count = u32::try_from(material.len()).unwrap().to_be_bytes();
        [&[version, 0, 0, 0, 1, algorithm][..], &count, material].concat()
    }

    #[track_caller]
    fn reads_key(body: &[u8], expected: Result<u8, PacketError>) {
        assert_eq!(key(body).map(|v| v.number), expected, "{body:02x?}");
    }

    /// A one-octet MPI of 8 bits.
    const MPI: [u8; 3] = [0, 8, 0xFF];

    #[test]
    fn key_layouts() {
        let rsa = [MPI, MPI].concat();
        reads_key(&v4(1, &rsa), Ok(4));
        reads_key(&v4(2, &rsa), Ok(4));
        reads_key(&v4(3, &rsa), Ok(4));
        reads_key(&v4(16, &[MPI, MPI, MPI].concat()), Ok(4));
        reads_key(&v4(17, &[MPI, MPI, MPI, MPI].concat()), Ok(4));
        // A 9-bit MPI takes two octets.
        reads_key(&v4(1, &[0, 9, 1, 0xFF, 0, 8, 3]), Ok(4));
        let point = [&[3, 0x2B, 0x65, 0x70][..], &MPI].concat();
        reads_key(&v4(19, &point), Ok(4));
        reads_key(&v4(22, &point), Ok(4));
        reads_key(&v4(18, &[&point[..], &[3, 1, 8, 9]].concat()), Ok(4));
        reads_key(&v4(25, &[0; 32]), Ok(4));
        reads_key(&v4(26, &[0; 56]), Ok(4));
        reads_key(&v4(27, &[0; 32]), Ok(4));
        reads_key(&v4(28, &[0; 57]), Ok(4));
        reads_key(&counted(5, 22, &point), Ok(5));
        reads_key(&counted(6, 27, &[0; 32]), Ok(6));
        reads_key(&counted(6, 1, &rsa), Ok(6));

        // The junk bodies: a version alone, a version and 40 zero bytes.
        reads_key(&[4], Err(E::Truncated));
        reads_key(
            &[[4].as_slice(), &[0; 40]].concat(),
            Err(E::UnknownAlgorithm),
        );
        // Versions not read.
        reads_key(
            &[&[3, 0, 0, 0, 1, 0, 0, 1][..], &MPI].concat(),
            Err(E::UnsupportedVersion),
        );
        reads_key(&[7], Err(E::UnsupportedVersion));
        // Cut short, padded, an empty MPI.
        reads_key(&v4(1, &[MPI[0], MPI[1]]), Err(E::Truncated));
        reads_key(&v4(1, &[&rsa[..], &[0]].concat()), Err(E::Padded));
        reads_key(&v4(1, &[&MPI[..], &[0, 0]].concat()), Err(E::EmptyMpi));
        reads_key(&v4(27, &[0; 31]), Err(E::Truncated));
        reads_key(&v4(27, &[0; 33]), Err(E::Padded));
        // The count of v5/v6 material must be the material's exact length.
        let mut short = counted(6, 27, &[0; 32]);
        short[9] = 31;
        reads_key(&short, Err(E::Truncated));
        let mut long = counted(6, 27, &[0; 32]);
        long[9] = 33;
        reads_key(&long, Err(E::Truncated));
        reads_key(&counted(6, 27, &[0; 33]), Err(E::Padded));
        reads_key(
            &[counted(6, 27, &[0; 32]), vec![0]].concat(),
            Err(E::Padded),
        );
        // Algorithms not read, EdDSALegacy in v6, OIDs of reserved length, other KDFs.
        reads_key(&v4(20, &rsa), Err(E::UnknownAlgorithm));
        reads_key(&v4(99, &rsa), Err(E::UnknownAlgorithm));
        reads_key(&counted(6, 22, &point), Err(E::UnknownAlgorithm));
        reads_key(
            &v4(19, &[&[0][..], &MPI].concat()),
            Err(E::UnknownAlgorithm),
        );
        reads_key(
            &v4(18, &[&point[..], &[4, 1, 8, 9, 0]].concat()),
            Err(E::UnknownKdf),
        );
        reads_key(
            &v4(18, &[&point[..], &[3, 2, 8, 9]].concat()),
            Err(E::UnknownKdf),
        );
    }

    const V4: Version = VERSIONS[0];
    const V6: Version = VERSIONS[2];

    /// A v4 signature: type, algorithm, hash, the two areas, left 16 bits, `fields`.
    fn v4_signature(algorithm: u8, hashed: &[u8], fields: &[u8]) -> Vec<u8> {
        let count = u16::try_from(hashed.len()).unwrap().to_be_bytes();
        [
            &[4, 0x13, algorithm, 8][..],
            &count,
            hashed,
            &[0, 0, 0xAB, 0xCD],
            fields,
        ]
        .concat()
    }

    /// A v6 signature with the SHA2-256 salt.
    fn v6_signature(fields: &[u8]) -> Vec<u8> {
        v6_salted(8, 16, fields)
    }

    /// A v6 signature by the hash algorithm `hash` with a salt of `size` octets.
    fn v6_salted(hash: u8, size: u8, fields: &[u8]) -> Vec<u8> {
        [
            &[6, 0x1F, 27, hash, 0, 0, 0, 0, 0, 0, 0, 0, 0xAB, 0xCD, size][..],
            &vec![7; usize::from(size)],
            fields,
        ]
        .concat()
    }

    #[track_caller]
    fn reads_signature(body: &[u8], key: Version, expected: Result<(), PacketError>) {
        assert_eq!(signature(body, key), expected, "{body:02x?}");
    }

    #[test]
    fn signature_layouts() {
        let issuer = [9, 16, 1, 2, 3, 4, 5, 6, 7, 8];
        reads_signature(&v4_signature(1, &issuer, &MPI), V4, Ok(()));
        reads_signature(&v4_signature(17, &[], &[MPI, MPI].concat()), V4, Ok(()));
        reads_signature(&v4_signature(27, &[], &[0; 64]), V4, Ok(()));
        reads_signature(&v4_signature(28, &[], &[0; 114]), V4, Ok(()));
        reads_signature(&v6_signature(&[0; 64]), V6, Ok(()));
        let v3 = [
            &[3, 5, 0x10, 0, 0, 0, 1][..],
            &[1; 8],
            &[1, 8, 0xAB, 0xCD],
            &MPI,
        ]
        .concat();
        reads_signature(&v3, V4, Ok(()));
        // An embedded signature is read; one inside it is refused.
        let inner = v4_signature(27, &[], &[0; 64]);
        let embedded = [&[u8::try_from(inner.len() + 1).unwrap(), 32][..], &inner].concat();
        reads_signature(&v4_signature(1, &embedded, &MPI), V4, Ok(()));
        let outer = v4_signature(27, &embedded, &[0; 64]);
        let twice = [
            &[u8::try_from(outer.len() + 1).unwrap(), 0x80 | 32][..],
            &outer,
        ]
        .concat();
        reads_signature(&v4_signature(1, &twice, &MPI), V4, Err(E::NestedSignature));
        let broken = [
            &[u8::try_from(inner.len()).unwrap(), 32][..],
            &inner[..inner.len() - 1],
        ]
        .concat();
        reads_signature(&v4_signature(1, &broken, &MPI), V4, Err(E::Truncated));

        // Versions by the key's row.
        reads_signature(
            &v6_signature(&[0; 64]),
            V4,
            Err(E::UnsupportedSignatureVersion),
        );
        reads_signature(&v3, V6, Err(E::UnsupportedSignatureVersion));
        // Cut short, padded, a subpacket running past its area, an empty subpacket.
        reads_signature(&v4_signature(27, &[], &[0; 63]), V4, Err(E::Truncated));
        reads_signature(&v4_signature(27, &[], &[0; 65]), V4, Err(E::Padded));
        reads_signature(&v4_signature(1, &[9, 16, 1], &MPI), V4, Err(E::Truncated));
        reads_signature(&v4_signature(1, &[0], &MPI), V4, Err(E::Truncated));
        // Algorithms that do not sign (v6 salts: `v6_salt_sizes_by_hash`).
        reads_signature(&v4_signature(2, &[], &MPI), V4, Err(E::UnknownAlgorithm));
        reads_signature(
            &v4_signature(16, &[], &[MPI, MPI].concat()),
            V4,
            Err(E::UnknownAlgorithm),
        );
    }

    #[test]
    fn v6_salt_sizes_by_hash() {
        // RFC 9580 table 23: each hash with its salt size, and no other size.
        for (hash, size) in [(8, 16), (9, 24), (10, 32), (11, 16), (12, 16), (14, 32)] {
            reads_signature(&v6_salted(hash, size, &[0; 64]), V6, Ok(()));
            let other = v6_salted(hash, size + 8, &[0; 64]);
            reads_signature(&other, V6, Err(E::UnknownHash));
        }
        // MD5, SHA-1, RIPEMD-160 and the reserved 13 have no v6 salt size.
        for hash in [1, 2, 3, 13] {
            reads_signature(&v6_salted(hash, 16, &[0; 64]), V6, Err(E::UnknownHash));
        }
    }

    #[test]
    fn user_attributes() {
        assert_eq!(user_attribute(&[3, 1, 0xAA, 0xBB]), Ok(()));
        assert_eq!(user_attribute(&[2, 1, 0xAA, 2, 100, 0]), Ok(()));
        assert_eq!(user_attribute(&[]), Err(E::Truncated));
        assert_eq!(user_attribute(&[3, 1, 0xAA]), Err(E::Truncated));
        assert_eq!(user_attribute(&[0]), Err(E::Truncated));
    }
}
