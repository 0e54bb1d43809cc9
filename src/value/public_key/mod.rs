//! The person's OpenPGP public key, ASCII-armored: the armor, the packets' framing, the
//! certificate's grammar and each packet's layout are read apart, and their private
//! errors are mapped to the public error table in one place.

mod armor;
mod grammar;
mod layout;
mod packet;

use std::borrow::Cow;
use std::str::FromStr;

use crate::error::ErrorKind;
use crate::value::string_newtype;
use armor::ArmorError;
use packet::PacketError;

/// One transferable OpenPGP public key (RFC 9580 §10.1), v4, v5 or v6, every packet read
/// to its end; shown re-armored from the key's own packets: no armor headers, LF line
/// endings, and a CRC line for v4 and v5 keys only (GnuPG 2.2 needs it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicKey(String);

string_newtype!(PublicKey);

impl PublicKey {
    /// The most bytes a key block may have.
    pub const MAX_BYTES: usize = 64 * 1024;
}

impl FromStr for PublicKey {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `public_key_too_large`, `private_key_block` (a private key block's
    /// BEGIN line, or a secret-key packet anywhere), `invalid_armor`, `checksum_mismatch`,
    /// `not_public_key` (anything but one transferable public key).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() > Self::MAX_BYTES {
            return Err(ErrorKind::PublicKeyTooLarge {
                max_bytes: Self::MAX_BYTES,
            });
        }
        read_block(s).map(PublicKey).map_err(ErrorKind::from)
    }
}

/// The armor, then the key inside it; the canonical text: the block itself when it
/// already is (a stored key sent back), written anew otherwise.
fn read_block(block: &str) -> Result<String, KeyError> {
    let armored = armor::read(block)?;
    let key = grammar::read(&armored.packets)?;
    let checksum = key.version.armor_checksum;
    if matches!(key.packets, Cow::Borrowed(_)) && armored.written == Some(checksum) {
        debug_assert_eq!(block, armor::write(&key.packets, checksum));
        return Ok(block.to_owned());
    }
    Ok(armor::write(&key.packets, checksum))
}

/// Why a block is refused: the armor's and the packets' own errors, mapped to the public
/// table here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyError {
    Armor(ArmorError),
    Packet(PacketError),
}

impl From<ArmorError> for KeyError {
    fn from(error: ArmorError) -> KeyError {
        KeyError::Armor(error)
    }
}

impl From<PacketError> for KeyError {
    fn from(error: PacketError) -> KeyError {
        KeyError::Packet(error)
    }
}

impl From<KeyError> for ErrorKind {
    fn from(error: KeyError) -> ErrorKind {
        match error {
            KeyError::Armor(ArmorError::PrivateBlock) | KeyError::Packet(PacketError::Secret) => {
                ErrorKind::PrivateKeyBlock {}
            }
            KeyError::Armor(ArmorError::Malformed) => ErrorKind::InvalidArmor {},
            KeyError::Armor(ArmorError::Checksum) => ErrorKind::ChecksumMismatch {},
            KeyError::Packet(
                PacketError::Empty
                | PacketError::NotAHeader
                | PacketError::ReservedTag
                | PacketError::UnboundedLength
                | PacketError::Truncated
                | PacketError::Padded
                | PacketError::EmptyMpi
                | PacketError::FirstNotPublicKey
                | PacketError::UnsupportedVersion
                | PacketError::UnsupportedSignatureVersion
                | PacketError::UnknownAlgorithm
                | PacketError::UnknownHash
                | PacketError::UnknownKdf
                | PacketError::NestedSignature
                | PacketError::Unexpected
                | PacketError::NoUserId
                | PacketError::NoSignature,
            ) => ErrorKind::NotPublicKey {},
        }
    }
}

/// Reads a raw packet sequence as a key block's body is read, for the fuzz target on the
/// packet reader: the packets kept; not public API.
#[cfg(fuzzing)]
pub(crate) fn fuzz_packets(bytes: &[u8]) -> Result<Vec<u8>, ErrorKind> {
    grammar::read(bytes)
        .map(|key| key.packets.into_owned())
        .map_err(|e| ErrorKind::from(KeyError::from(e)))
}

crate::value::plain_field_value!(PublicKey, crate::value::Limits::max(PublicKey::MAX_BYTES));
