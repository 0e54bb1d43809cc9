//! Splitting a list field (email addresses, source entries) into its entries.

/// What ends an entry: some ASCII bytes, and perhaps Unicode white space.
pub(crate) struct Separators {
    /// For each byte: whether it ends an entry (ASCII) or starts a character to decode
    /// and ask (every byte from 0x80).
    stops: [bool; 256],
    /// Whether white space (Unicode's `White_Space`) ends an entry.
    white_space: bool,
}

impl Separators {
    /// The bytes in `bytes` (ASCII), and white space when `white_space`.
    pub(crate) const fn new(bytes: &[u8], white_space: bool) -> Separators {
        let mut stops = [true; 256];
        let mut b: u8 = 0;
        while b < 128 {
            stops[b as usize] = white_space && (b as char).is_whitespace();
            b += 1;
        }
        let mut i = 0;
        while i < bytes.len() {
            stops[bytes[i] as usize] = true;
            i += 1;
        }
        Separators { stops, white_space }
    }

    /// Whether an entry stops at `b`: an ASCII separator, or a byte of a non-ASCII
    /// character (which may be white space).
    pub(crate) const fn stops_at(&self, b: u8) -> bool {
        self.stops[b as usize]
    }

    /// Where the first separator of `s` starts and ends, or `None`. One look-up a byte;
    /// a character is decoded only where a non-ASCII byte starts one.
    fn find(&self, s: &str) -> Option<(usize, usize)> {
        let bytes = s.as_bytes();
        let mut i = 0;
        loop {
            i += bytes
                .get(i..)?
                .iter()
                .position(|&b| self.stops[usize::from(b)])?;
            // `i` is on a character boundary: every byte before it was ASCII or skipped
            // as a whole character.
            let c = s.get(i..)?.chars().next()?;
            let width = c.len_utf8();
            if c.is_ascii() || (self.white_space && c.is_whitespace()) {
                return Some((i, i + width));
            }
            i += width;
        }
    }
}

/// The non-empty entries of `s`, cut at every separator: what `s.split(…)` gives,
/// without the empty entries.
pub(crate) fn entries<'s>(
    s: &'s str,
    separators: &'static Separators,
) -> impl Iterator<Item = &'s str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        // Bounded: each turn takes at least one byte off `rest`.
        while !rest.is_empty() {
            let (entry, after) = match separators.find(rest) {
                Some((start, end)) => (&rest[..start], &rest[end..]),
                None => (rest, ""),
            };
            rest = after;
            if !entry.is_empty() {
                return Some(entry);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEPARATORS: Separators = Separators::new(b",;", true);
    const COMMAS: Separators = Separators::new(b",", false);

    fn is_separator(c: char) -> bool {
        c == ',' || c == ';' || c.is_whitespace()
    }

    fn split(s: &str) -> Vec<&str> {
        entries(s, &SEPARATORS).collect()
    }

    #[test]
    fn entries_split_on_every_separator() {
        assert_eq!(split("a,b;c d\te"), ["a", "b", "c", "d", "e"]);
        assert_eq!(split(",,a\u{A0}b\u{3000}\u{2028}c,"), ["a", "b", "c"]);
        assert_eq!(split("é,ü\u{85}ö"), ["é", "ü", "ö"]);
        assert_eq!(split("a\u{B}b\u{C}c\rd\ne"), ["a", "b", "c", "d", "e"]);
        assert_eq!(split(" ,; "), Vec::<&str>::new());
        assert_eq!(split(""), Vec::<&str>::new());
        let commas: Vec<&str> = entries("a b,\u{A0}c;", &COMMAS).collect();
        assert_eq!(commas, ["a b", "\u{A0}c;"]);
    }

    proptest::proptest! {
        /// The splitter cuts where a `char` split does.
        #[test]
        fn entries_as_char_split(s in "[a,; \t\u{B}\u{A0}\u{85}\u{3000}é@.]{0,24}") {
            let expected: Vec<&str> = s.split(is_separator).filter(|e| !e.is_empty()).collect();
            proptest::prop_assert_eq!(split(&s), expected);
        }
    }
}
