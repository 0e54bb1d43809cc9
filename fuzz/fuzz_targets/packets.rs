//! Raw bytes straight into the OpenPGP packet reader, with no armor or base64 in front:
//! never a panic; what it accepts keeps a public-key packet first and reads back as
//! itself; what it refuses is `not_public_key` or `private_key_block`, nothing else.
#![no_main]

use enswitch_people::{ErrorCode, fuzz_packets};
use libfuzzer_sys::fuzz_target;

/// The tag of a packet header byte, in either format.
fn tag(header: u8) -> u8 {
    if header & 0x40 != 0 {
        header & 0x3F
    } else {
        (header >> 2) & 0x0F
    }
}

fuzz_target!(|data: &[u8]| {
    match fuzz_packets(data) {
        Ok(kept) => {
            assert_eq!(kept.first().map(|&b| tag(b)), Some(6), "{data:02x?}");
            assert!(kept.len() <= data.len(), "{data:02x?}");
            assert_eq!(fuzz_packets(&kept).as_ref(), Ok(&kept), "{data:02x?}");
        }
        Err(kind) => assert!(
            matches!(
                kind.code(),
                ErrorCode::NotPublicKey | ErrorCode::PrivateKeyBlock
            ),
            "{kind:?}"
        ),
    }
});
