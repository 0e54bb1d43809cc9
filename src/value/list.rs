//! Splitting a list field (email addresses, source entries) into its entries.

/// The non-empty entries of `s`, cut at every character `separator` accepts: what
/// `s.split(separator)` gives, without the empty entries. ASCII bytes are classified as
/// they are; a character is decoded only where a non-ASCII byte starts one (a `char`
/// pattern decodes every character, which cost more than checking the entries).
pub(crate) fn entries(s: &str, separator: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            // `i` is on a character boundary: every step so far was a whole character.
            let (width, cut) = if bytes[i].is_ascii() {
                (1, separator(char::from(bytes[i])))
            } else {
                let c = s[i..].chars().next().unwrap_or_default();
                (c.len_utf8(), separator(c))
            };
            if !cut {
                i += width;
                continue;
            }
            let entry = &s[start..i];
            i += width;
            start = i;
            if !entry.is_empty() {
                return Some(entry);
            }
        }
        let entry = &s[start..];
        start = bytes.len();
        (!entry.is_empty()).then_some(entry)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_separator(c: char) -> bool {
        c == ',' || c == ';' || c.is_whitespace()
    }

    fn split(s: &str) -> Vec<&str> {
        entries(s, is_separator).collect()
    }

    #[test]
    fn entries_split_on_every_separator() {
        assert_eq!(split("a,b;c d\te"), ["a", "b", "c", "d", "e"]);
        assert_eq!(split(",,a\u{A0}b\u{3000}\u{2028}c,"), ["a", "b", "c"]);
        assert_eq!(split("é,ü\u{85}ö"), ["é", "ü", "ö"]);
        assert_eq!(split(" ,; "), Vec::<&str>::new());
        assert_eq!(split(""), Vec::<&str>::new());
    }

    proptest::proptest! {
        /// The byte-wise splitter cuts where a `char` split does.
        #[test]
        fn entries_as_char_split(s in "[a,; \t\u{A0}\u{85}\u{3000}é@.]{0,24}") {
            let expected: Vec<&str> = s.split(is_separator).filter(|e| !e.is_empty()).collect();
            proptest::prop_assert_eq!(split(&s), expected);
        }
    }
}
