//! The query-string splitter and form decoding (`application/x-www-form-urlencoded`),
//! and the encoding a client sends.

use std::ops::Range;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::request::Span;
use crate::value::scan::Stops;

/// In a name: the end of the pair, `=`, and what needs decoding.
const IN_NAME: Stops<5> = Stops::new(*b";&=+%");
/// In a value: the end of the pair and what needs decoding.
const IN_VALUE: Stops<4> = Stops::new(*b";&+%");
/// The end of the pair.
const SEPARATORS: Stops<2> = Stops::new(*b";&");
/// What decoding changes.
const ESCAPES: Stops<2> = Stops::new(*b"+%");

/// One `name=value` pair of a query string, as byte ranges of the input. Every range is
/// bounded by ASCII separators or the ends, so it cuts UTF-8 text on character
/// boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    pub(crate) name: Range<usize>,
    pub(crate) value: Range<usize>,
    /// Whether the name holds `+` or `%` (anything to decode).
    pub(crate) name_encoded: bool,
    /// Whether the value holds `+` or `%`.
    pub(crate) value_encoded: bool,
}

/// Splits a query string into pairs on `;` and `&`, skipping empty pairs; a pair
/// without `=` has the empty value. One pass over the input, which also notes what
/// needs decoding; nothing is decoded here.
pub(crate) fn pairs(input: &[u8]) -> impl Iterator<Item = Pair> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < input.len() {
            let start = pos;
            // The name, up to `=` or the end of the pair. Past a `+` or `%` the scan goes
            // on: an encoded name is rare, and it is decoded later.
            let mut at = start + IN_NAME.low_run(&input[start..]);
            let mut name_encoded = false;
            while let Some(b'+' | b'%') = input.get(at) {
                name_encoded = true;
                at += 1 + IN_NAME.low_run(&input[at + 1..]);
            }
            let name_end = at;
            // The value: once it is known to be encoded, only the end of the pair can
            // matter (a long encoded value, such as an armored key, is then one run).
            let mut value_encoded = false;
            if input.get(at) == Some(&b'=') {
                at += 1;
                at += IN_VALUE.run(&input[at..]);
                if let Some(b'+' | b'%') = input.get(at) {
                    value_encoded = true;
                    at += SEPARATORS.run(&input[at..]);
                }
            }
            pos = at + 1; // past the separator
            if at > start {
                return Some(Pair {
                    name: start..name_end,
                    value: (name_end + 1).min(at)..at,
                    name_encoded,
                    value_encoded,
                });
            }
        }
        None
    })
}

/// Decodes an encoded name or value: `+` is a space, `%XX` a byte, and a `%` not
/// followed by two hex digits stays as it is; the result must be UTF-8 (`None` if not,
/// with `own` left as it was). The text is appended to the request's own buffer as it
/// is decoded, with no buffer between: a run of plain text is found a word at a time
/// and copied whole (a byte-at-a-time decoder cost five times as much on an armored
/// key), an escaped ASCII byte is pushed as its character, and the escapes of any other
/// character are gathered and checked as that character.
pub(crate) fn decode<'a>(raw: &'a str, own: &mut String) -> Option<Span<'a>> {
    let start = own.len();
    if decode_into(raw, own).is_some() {
        Some(Span::Own {
            start,
            end: own.len(),
        })
    } else {
        own.truncate(start);
        None
    }
}

/// Decodes a name that is not UTF-8 once decoded, byte for byte, so that its key can be
/// shown with the bad bytes replaced. Only on that error path: `percent-encoding` does
/// it, once `+` is a space.
pub(crate) fn decode_lossy(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced).collect()
}

/// Each byte's value as a hex digit, or 16 when it is not one.
const HEX: [u8; 256] = {
    let mut table = [16; 256];
    let mut i = 0;
    while i < 10 {
        table[(b'0' + i) as usize] = i;
        if i < 6 {
            table[(b'a' + i) as usize] = 10 + i;
            table[(b'A' + i) as usize] = 10 + i;
        }
        i += 1;
    }
    table
};

/// The byte that `%XX` at the start of `bytes` stands for, if it is an escape.
fn escaped(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', high, low, ..] => {
            let (high, low) = (HEX[usize::from(*high)], HEX[usize::from(*low)]);
            // Both are digits exactly when neither is 16.
            ((high | low) < 16).then_some(high << 4 | low)
        }
        _ => None,
    }
}

/// Appends the decoded text of `raw` to `own`; `None` if it is not UTF-8.
fn decode_into(raw: &str, own: &mut String) -> Option<()> {
    let bytes = raw.as_bytes();
    let mut pos = 0;
    // Bounded: each turn takes at least one byte, or ends.
    loop {
        let plain = ESCAPES.run(bytes.get(pos..)?);
        if plain > 0 {
            // Plain text ends at an ASCII byte or the end: a character boundary.
            own.push_str(raw.get(pos..pos + plain)?);
            pos += plain;
        }
        // Escapes often come in a row (`%20%20`, a character's bytes): each is
        // decoded here, without a scan for the plain text that is not between them.
        loop {
            let rest = bytes.get(pos..)?;
            pos += match rest.first() {
                None => return Some(()),
                Some(b'+') => {
                    own.push(' ');
                    1
                }
                Some(b'%') => match escaped(rest) {
                    Some(byte) if byte.is_ascii() => {
                        own.push(char::from(byte));
                        3
                    }
                    Some(lead) => escaped_character(rest, lead, own)?,
                    None => {
                        own.push('%');
                        1
                    }
                },
                Some(_) => break,
            };
        }
    }
}

/// A character escaped byte by byte, starting with `lead`, the first escape of `rest`:
/// as many escapes as the lead byte says (its leading ones), checked as UTF-8 together.
/// Every other byte of a value is ASCII or part of a whole character of the input, so a
/// character cannot be split between escapes and plain text. Gives how many bytes of
/// `rest` it took.
fn escaped_character(rest: &[u8], lead: u8, own: &mut String) -> Option<usize> {
    let width = lead.leading_ones() as usize;
    let mut utf8 = [0; 4];
    for (i, byte) in utf8.get_mut(..width)?.iter_mut().enumerate() {
        *byte = escaped(rest.get(3 * i..)?)?;
    }
    own.push_str(std::str::from_utf8(utf8.get(..width)?).ok()?);
    Some(3 * width)
}

/// What a client percent-encodes: everything but letters, digits and `- . _ ~ @ : / ,`,
/// which are safe in a query string and keep `username=user@example.com` readable.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b':')
    .remove(b'/')
    .remove(b',');

/// Appends `name=value`, percent-encoded, to a query string, with `;` between pairs.
pub(crate) fn push_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push(';');
    }
    out.extend(utf8_percent_encode(name, ENCODE));
    out.push('=');
    out.extend(utf8_percent_encode(value, ENCODE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn split(input: &str, expected: &[(&str, &str)]) {
        let got: Vec<(&str, &str)> = pairs(input.as_bytes())
            .map(|pair| (&input[pair.name], &input[pair.value]))
            .collect();
        assert_eq!(got, expected, "splitting {input:?}");
    }

    #[test]
    fn splitter() {
        split(
            "id=123;username=a@b.c",
            &[("id", "123"), ("username", "a@b.c")],
        );
        split("a=1&b=2;c=3", &[("a", "1"), ("b", "2"), ("c", "3")]);
        split(";;a=1&&;", &[("a", "1")]);
        split("flag", &[("flag", "")]);
        split("a==b", &[("a", "=b")]);
        split("=x", &[("", "x")]);
        split("é=ü;ö", &[("é", "ü"), ("ö", "")]);
        split("", &[]);
        split("a%3D=1&b+c=%=", &[("a%3D", "1"), ("b+c", "%=")]);
        split("%;+&a%", &[("%", ""), ("+", ""), ("a%", "")]);
        split("=+;=", &[("", "+"), ("", "")]);
    }

    /// What the splitter must give, written plainly: the pairs between separators,
    /// each cut at its first `=`, and whether each side holds `+` or `%`.
    fn split_plainly(input: &str) -> Vec<(&str, &str, bool, bool)> {
        let encoded = |s: &str| s.contains(['+', '%']);
        input
            .split([';', '&'])
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (name, value, encoded(name), encoded(value))
            })
            .collect()
    }

    proptest::proptest! {
        /// The splitter, which scans a word at a time, gives what the plain definition
        /// gives, on text made of the bytes it stops at and a few it does not.
        #[test]
        fn splits_as_written_plainly(input in "[;&=+%a_é0-9]{0,40}") {
            let got: Vec<_> = pairs(input.as_bytes())
                .map(|pair| {
                    let (name, value) = (&input[pair.name], &input[pair.value]);
                    (name, value, pair.name_encoded, pair.value_encoded)
                })
                .collect();
            proptest::prop_assert_eq!(got, split_plainly(&input));
        }
    }

    #[track_caller]
    fn decodes(raw: &str, expected: Option<&str>) {
        let mut own = String::new();
        let got = if raw.contains(['+', '%']) {
            decode(raw, &mut own)
        } else {
            Some(Span::Input(raw))
        };
        assert_eq!(
            got.map(|text| text.as_str(&own)),
            expected,
            "decoding {raw:?}"
        );
    }

    #[test]
    fn decoder() {
        decodes("plain", Some("plain"));
        decodes("a+b", Some("a b"));
        decodes("a%2Bb", Some("a+b"));
        decodes("%E2%80%99", Some("’"));
        decodes("100%", Some("100%"));
        decodes("%zz", Some("%zz"));
        decodes("%ff", None);
        decodes("%C3", None);
        decodes("a+%2B+b", Some("a + b"));
        decodes("%4", Some("%4"));
        decodes("%", Some("%"));
        decodes("%%41", Some("%A"));
        decodes("%e2%80%99", Some("’"));
        decodes("%E2%80", None);
        decodes("%E2%80a", None);
        decodes("%80", None);
        decodes("%ED%A0%80", None);
        decodes("%C0%80", None);
        decodes("é%C3%A9é", Some("ééé"));
        decodes("%F0%9F%98%80%E2%80%99", Some("😀’"));
        // A character's escapes must all be there, each a continuation byte.
        decodes("%E2%80+", None);
        decodes("%E2%80%", None);
        decodes("%E2%80%4", None);
        decodes("%E2%80%41", None);
        decodes("%E2%41%99", None);
        decodes("%F8%88%80%80%80", None);
        decodes("%FF", None);
        decodes("%C3é", None);
        decodes(&"%E2%80%99".repeat(7), Some(&"’".repeat(7)));
    }

    #[test]
    fn hex_table_is_to_digit() {
        for b in 0..=u8::MAX {
            let expected = char::from(b)
                .to_digit(16)
                .map_or(16, |d| u8::try_from(d).unwrap());
            assert_eq!(HEX[usize::from(b)], expected, "{b:#04x}");
        }
    }

    /// A piece of an encoded value for the property test: text, `+`, a lone `%`, an
    /// escaped byte, or a character escaped byte by byte.
    fn encoded_piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-z0-9é’😀]{1,3}",
            Just("+".to_owned()),
            Just("%".to_owned()),
            any::<u8>().prop_map(|b| format!("%{b:02X}")),
            any::<u8>().prop_map(|b| format!("%{b:02x}")),
            any::<char>().prop_map(|c| {
                let mut buf = [0; 4];
                let bytes = c.encode_utf8(&mut buf).bytes();
                bytes
                    .map(|b| format!("%{b:02X}"))
                    .collect::<Vec<_>>()
                    .concat()
            }),
        ]
    }

    proptest::proptest! {
        /// The decoder answers as `percent-encoding` does once `+` is a space: the same
        /// text, or `None` exactly when the bytes are not UTF-8.
        #[test]
        fn decodes_as_percent_encoding(
            pieces in proptest::collection::vec(encoded_piece(), 0..12),
        ) {
            let raw = pieces.concat();
            let spaced = raw.replace('+', " ");
            let expected: Vec<u8> = percent_encoding::percent_decode(spaced.as_bytes()).collect();
            let mut own = String::from("kept");
            let got = decode(&raw, &mut own)
                .map(|text| text.as_str(&own).to_owned());
            proptest::prop_assert_eq!(got, String::from_utf8(expected.clone()).ok());
            proptest::prop_assert!(own.starts_with("kept"));
            proptest::prop_assert_eq!(decode_lossy(raw.as_bytes()), expected);
        }
    }

    #[test]
    fn encoder() {
        let mut out = String::new();
        push_pair(&mut out, "username", "user@example.com");
        push_pair(&mut out, "title", "a;b&c=d+e f%");
        assert_eq!(
            out,
            "username=user@example.com;title=a%3Bb%26c%3Dd%2Be%20f%25"
        );
    }
}
