//! The person's OpenPGP public key, ASCII-armored.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::ErrorKind;
use crate::value::string_newtype;

/// An ASCII-armored OpenPGP public key block whose first packet is a public key, with
/// LF line endings and each line trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicKey(String);

string_newtype!(PublicKey);

const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";
const BEGIN_PRIVATE: &str = "-----BEGIN PGP PRIVATE KEY BLOCK-----";

impl PublicKey {
    /// The most bytes a key block may have.
    pub const MAX_BYTES: usize = 64 * 1024;
}

impl FromStr for PublicKey {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `public_key_too_large`, `private_key_block` (a private key, armored
    /// or as the first packet), `invalid_armor`, `checksum_mismatch`, `not_public_key`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() > Self::MAX_BYTES {
            return Err(ErrorKind::PublicKeyTooLarge {
                max_bytes: Self::MAX_BYTES,
            });
        }
        let mut lines = s.lines().map(str::trim);
        if s.lines().any(|line| line.trim() == BEGIN_PRIVATE) {
            return Err(ErrorKind::PrivateKeyBlock {});
        }
        let armor = ErrorKind::InvalidArmor {};
        crate::value::plain::check_characters(s, |c| c == '\n' || c == '\r')
            .map_err(|_| armor.clone())?;
        // A carriage return only as part of CRLF.
        let lone_cr = s
            .bytes()
            .zip(s.bytes().skip(1).chain([0]))
            .any(|(b, next)| b == b'\r' && next != b'\n');
        if lone_cr || !s.is_ascii() || lines.next() != Some(BEGIN) {
            return Err(armor);
        }
        // Armor headers ("Name: value") up to the blank line.
        loop {
            match lines.next() {
                Some("") => break,
                Some(header) if header.contains(": ") => {}
                _ => return Err(armor),
            }
        }
        let mut body = String::with_capacity(s.len());
        let mut checksum = None;
        loop {
            match lines.next() {
                Some(END) => break,
                Some(line) if checksum.is_none() && line.starts_with('=') && line.len() == 5 => {
                    checksum = Some(&line[1..]);
                }
                Some(line) if checksum.is_none() && !line.is_empty() => body.push_str(line),
                _ => return Err(armor),
            }
        }
        if lines.next().is_some() {
            return Err(armor);
        }
        let packets = STANDARD.decode(&body).map_err(|_| armor.clone())?;
        if let Some(checksum) = checksum {
            let expected = STANDARD.decode(checksum).map_err(|_| armor.clone())?;
            if expected[..] != crc24(&packets).to_be_bytes()[1..] {
                return Err(ErrorKind::ChecksumMismatch {});
            }
        }
        match first_packet_tag(&packets) {
            Some(6) => {}
            Some(5 | 7) => return Err(ErrorKind::PrivateKeyBlock {}),
            Some(_) => return Err(ErrorKind::NotPublicKey {}),
            None => return Err(armor),
        }
        let mut canonical = String::with_capacity(s.len());
        for (i, line) in s.lines().map(str::trim).enumerate() {
            if i > 0 {
                canonical.push('\n');
            }
            canonical.push_str(line);
        }
        Ok(PublicKey(canonical))
    }
}

/// The tag of the first OpenPGP packet, in either header format.
fn first_packet_tag(packets: &[u8]) -> Option<u8> {
    let &first = packets.first()?;
    if first & 0x80 == 0 {
        None
    } else if first & 0x40 != 0 {
        Some(first & 0x3F)
    } else {
        Some((first >> 2) & 0x0F)
    }
}

/// CRC-24 of the armor checksum (RFC 4880, section 6.1).
fn crc24(data: &[u8]) -> u32 {
    const INIT: u32 = 0x00B7_04CE;
    const POLY: u32 = 0x0186_4CFB;
    const TABLE: [u32; 256] = {
        let mut table = [0; 256];
        let mut i: u32 = 0;
        while i < 256 {
            let mut crc = i << 16;
            let mut bit = 0;
            while bit < 8 {
                crc <<= 1;
                if crc & 0x0100_0000 != 0 {
                    crc ^= POLY;
                }
                bit += 1;
            }
            table[i as usize] = crc & 0x00FF_FFFF;
            i += 1;
        }
        table
    };
    data.iter().fold(INIT, |crc, &byte| {
        let index = ((crc >> 16) ^ u32::from(byte)) & 0xFF;
        ((crc << 8) ^ TABLE[index as usize]) & 0x00FF_FFFF
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time definition from RFC 4880, to check the table against.
    fn crc24_bitwise(data: &[u8]) -> u32 {
        let mut crc: u32 = 0x00B7_04CE;
        for &byte in data {
            crc ^= u32::from(byte) << 16;
            for _ in 0..8 {
                crc <<= 1;
                if crc & 0x0100_0000 != 0 {
                    crc ^= 0x0186_4CFB;
                }
            }
        }
        crc & 0x00FF_FFFF
    }

    #[test]
    fn crc24_matches_the_definition() {
        assert_eq!(crc24(b""), 0x00B7_04CE);
        for data in [&b"a"[..], b"123456789", &[0xFF; 300], &[0; 17]] {
            assert_eq!(crc24(data), crc24_bitwise(data));
        }
        // The check value of CRC-24/OPENPGP.
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }

    #[test]
    fn packet_tags() {
        assert_eq!(first_packet_tag(&[0x99, 0, 0]), Some(6)); // old format, tag 6
        assert_eq!(first_packet_tag(&[0xC6, 0]), Some(6)); // new format, tag 6
        assert_eq!(first_packet_tag(&[0x95, 0]), Some(5)); // old format, secret key
        assert_eq!(first_packet_tag(&[0x06]), None);
        assert_eq!(first_packet_tag(&[]), None);
    }
}
