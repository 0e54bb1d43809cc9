//! Scans of bytes eight at a time (SWAR: a `u64` as eight lanes): for the long inputs
//! a request may carry (an armored key, a long description) and for parameter names.

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// Eight bytes as one word, the first in the lowest lane.
fn word(chunk: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(chunk);
    u64::from_le_bytes(word)
}

/// The high bit of every lane of `t` that is zero, and perhaps of lanes above a zero
/// lane (the borrow of `t - 0x01…`); none when no lane is zero. The lowest bit set is
/// always a zero lane's.
fn zero_lanes(t: u64) -> u64 {
    t.wrapping_sub(ONES) & !t & HIGH
}

/// Bytes a scan stops at (a handful: each costs a few operations a word).
pub(crate) struct Stops<const N: usize> {
    bytes: [u8; N],
    table: [bool; 256],
    /// One more than the highest stop.
    above: u8,
}

impl<const N: usize> Stops<N> {
    /// Stops are ASCII.
    pub(crate) const fn new(bytes: [u8; N]) -> Self {
        let mut table = [false; 256];
        let mut above = 0;
        let mut i = 0;
        while i < N {
            assert!(bytes[i] < 0x80, "an ASCII stop");
            table[bytes[i] as usize] = true;
            if bytes[i] >= above {
                above = bytes[i] + 1;
            }
            i += 1;
        }
        Stops {
            bytes,
            table,
            above,
        }
    }

    /// As [`Stops::run`], for text that is mostly above every stop, such as parameter
    /// names (letters and `_`, where the stops are punctuation): one subtraction a word
    /// marks the bytes below the highest stop, and the table tells whether the first of
    /// them is a stop; if not, the scan goes on after it.
    pub(crate) fn low_run(&self, bytes: &[u8]) -> usize {
        let limit = ONES * u64::from(self.above);
        let mut done = 0;
        while let Some(chunk) = bytes.get(done..done + 8) {
            let x = word(chunk);
            // The lowest marked lane is below the limit: a borrow only marks lanes above.
            let low = x.wrapping_sub(limit) & !x & HIGH;
            if low == 0 {
                done += 8;
                continue;
            }
            let lane = done + low.trailing_zeros() as usize / 8;
            if self.table[usize::from(bytes[lane])] {
                return lane;
            }
            done = lane + 1;
        }
        done + self.byte_run(&bytes[done..])
    }

    /// How many bytes at the start of `bytes` are not stops: eight bytes a step, the
    /// last few through the table.
    pub(crate) fn run(&self, bytes: &[u8]) -> usize {
        let mut chunks = bytes.chunks_exact(8);
        let mut done = 0;
        for chunk in &mut chunks {
            let x = word(chunk);
            let zeros = self
                .bytes
                .iter()
                .fold(0, |zeros, &c| zeros | zero_lanes(x ^ (ONES * u64::from(c))));
            if zeros != 0 {
                // The lowest marked lane is a real stop: a borrow only marks lanes above.
                return done + zeros.trailing_zeros() as usize / 8;
            }
            done += 8;
        }
        done + self.byte_run(chunks.remainder())
    }

    /// How many bytes at the start of `bytes` are not stops, a byte at a time: the
    /// last few of a scan.
    fn byte_run(&self, bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|b| self.table[usize::from(*b)])
            .unwrap_or(bytes.len())
    }
}

/// Whether ASCII `bytes` hold a control (C0 or DEL), eight bytes a step: most text
/// has none, and then no byte needs a look of its own.
pub(crate) fn has_ascii_control(bytes: &[u8]) -> bool {
    first_ascii_control(bytes).is_some()
}

/// Where the first control (C0 or DEL) of ASCII `bytes` is, eight bytes a step.
pub(crate) fn first_ascii_control(bytes: &[u8]) -> Option<usize> {
    const DEL: u64 = ONES * 0x7f;
    // Every byte is below 0x80, so a high bit of `x - 0x20…` or `(x ^ 0x7f…) - 0x01…`
    // can only come from a byte below 0x20 or equal to 0x7f, or from the borrow such a
    // byte passes up: the lowest is always a control's.
    let mut chunks = bytes.chunks_exact(8);
    let mut done = 0;
    for chunk in &mut chunks {
        let x = word(chunk);
        let marked = (x.wrapping_sub(ONES * 0x20) | (x ^ DEL).wrapping_sub(ONES)) & HIGH;
        if marked != 0 {
            return Some(done + marked.trailing_zeros() as usize / 8);
        }
        done += 8;
    }
    let rest = chunks.remainder().iter().position(u8::is_ascii_control)?;
    Some(done + rest)
}

/// Whether `a` and `b` are equal ignoring ASCII case, as `<[u8]>::eq_ignore_ascii_case`
/// is, eight bytes a step (the last word overlapping the one before it).
pub(crate) fn eq_ignore_ascii_case(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() < 8 {
        return a.eq_ignore_ascii_case(b);
    }
    let same = |i: usize| lowered(word(&a[i..i + 8])) == lowered(word(&b[i..i + 8]));
    let mut i = 0;
    while i + 8 < a.len() {
        if !same(i) {
            return false;
        }
        i += 8;
    }
    same(a.len() - 8)
}

/// A word with its ASCII capitals in lower case: the lanes below `0x80` that are at
/// least `A` and at most `Z` get `0x20`. Each sum stays within its lane.
fn lowered(x: u64) -> u64 {
    let low = x & (ONES * 0x7f);
    let from_a = low + ONES * u64::from(0x80 - b'A');
    let past_z = low + ONES * u64::from(0x80 - b'Z' - 1);
    let capital = from_a & !past_z & !x & HIGH;
    x | capital >> 2
}

#[cfg(test)]
mod tests {
    use super::*;

    const IN_NAME: Stops<5> = Stops::new(*b";&=+%");

    proptest::proptest! {
        /// Both scans stop where a look at each byte does.
        #[test]
        fn runs_as_byte_by_byte(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                4 => proptest::num::u8::ANY,
                1 => proptest::sample::select(b";&=+%".to_vec()),
            ],
            0..80,
        )) {
            let expected = |special: &[u8]| bytes.iter().position(|b| special.contains(b)).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(IN_NAME.run(&bytes), expected(b";&=+%"));
            proptest::prop_assert_eq!(IN_NAME.low_run(&bytes), expected(b";&=+%"));
            proptest::prop_assert_eq!(Stops::new(*b";&").run(&bytes), expected(b";&"));
            proptest::prop_assert_eq!(Stops::new(*b"\n").run(&bytes), expected(b"\n"));
        }
    }

    #[test]
    fn runs_stop_at_every_stop() {
        for len in 0..40 {
            let mut bytes = vec![b'a'; len];
            assert_eq!(IN_NAME.run(&bytes), len);
            assert_eq!(IN_NAME.low_run(&bytes), len);
            for i in 0..len {
                for special in *b";&=+%" {
                    bytes[i] = special;
                    assert_eq!(IN_NAME.run(&bytes), i, "{len} {i} {special}");
                    assert_eq!(IN_NAME.low_run(&bytes), i, "{len} {i} {special}");
                }
                for near in [b'$', b'\'', b'*', b',', b':', b'<', b'>', 0xff, 0x80, 0] {
                    bytes[i] = near;
                    assert_eq!(IN_NAME.run(&bytes), len, "{len} {i} {near}");
                    assert_eq!(IN_NAME.low_run(&bytes), len, "{len} {i} {near}");
                }
                bytes[i] = b'a';
            }
        }
    }

    proptest::proptest! {
        /// Eight bytes a step, the same answer as the standard library's.
        #[test]
        fn case_insensitive_equality_as_std(
            a in proptest::collection::vec(proptest::prop_oneof![
                4 => proptest::sample::select(b"aAzZ@[`{_/-0".to_vec()),
                1 => proptest::num::u8::ANY,
            ], 0..30),
            flips in proptest::collection::vec(proptest::bool::ANY, 0..30),
            change in proptest::option::of((0usize..30, proptest::num::u8::ANY)),
        ) {
            let mut b = a.clone();
            for (byte, flip) in b.iter_mut().zip(flips) {
                if flip && byte.is_ascii_alphabetic() {
                    *byte ^= 0x20;
                }
            }
            if let Some((i, byte)) = change
                && let Some(slot) = b.get_mut(i)
            {
                *slot = byte;
            }
            proptest::prop_assert_eq!(eq_ignore_ascii_case(&a, &b), a.eq_ignore_ascii_case(&b));
        }
    }

    proptest::proptest! {
        /// Eight bytes a step, the same answer as a look at each byte.
        #[test]
        fn ascii_controls_as_byte_by_byte(bytes in proptest::collection::vec(0u8..0x80, 0..40)) {
            proptest::prop_assert_eq!(
                has_ascii_control(&bytes),
                bytes.iter().any(u8::is_ascii_control)
            );
            proptest::prop_assert_eq!(
                first_ascii_control(&bytes),
                bytes.iter().position(u8::is_ascii_control)
            );
        }
    }

    #[test]
    fn ascii_controls_in_every_position() {
        for len in 0..20 {
            let mut bytes = vec![b'a'; len];
            assert!(!has_ascii_control(&bytes), "{len}");
            for i in 0..len {
                for control in [0, 0x1f, 0x7f, b'\n'] {
                    bytes[i] = control;
                    assert!(has_ascii_control(&bytes), "{len} {i} {control}");
                }
                for plain in [b' ', b'~', 0x20, 0x7e] {
                    bytes[i] = plain;
                    assert!(!has_ascii_control(&bytes), "{len} {i} {plain}");
                }
                bytes[i] = b'a';
            }
        }
    }
}
