//! The hash of a time zone's name that ignores ASCII case. Written once and read twice:
//! by the build script, which lays out the table of zones, and by the look-up.

/// Slots in the table: a power of two, over three times the number of zones, so that a
/// look-up mostly reads one slot.
pub(crate) const SLOTS: usize = 2048;

/// The slot searched after `slot` (linear probing, wrapping at the end).
pub(crate) fn next(slot: usize) -> usize {
    (slot + 1) % SLOTS
}

/// The slot where the search for `name` starts: eight bytes at a time, each folded to
/// lower case (`| 0x20` folds other bytes too, which only makes more names share a slot;
/// the names are compared after).
pub(crate) fn slot(name: &[u8]) -> usize {
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
    let word = |bytes: &[u8]| {
        let mut word = [0; 8];
        word[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(word) | 0x2020_2020_2020_2020
    };
    let mut chunks = name.chunks_exact(8);
    let mut hash = name.len() as u64;
    for chunk in &mut chunks {
        hash = (hash ^ word(chunk))
            .wrapping_mul(MULTIPLIER)
            .rotate_left(27);
    }
    hash = (hash ^ word(chunks.remainder())).wrapping_mul(MULTIPLIER);
    // The top bits are the best mixed; `SLOTS` is 2^11.
    usize::try_from(hash >> (64 - SLOTS.trailing_zeros())).unwrap_or_default()
}
