//! The person's language.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use oxilangtag::LanguageTag;

use crate::error::ErrorKind;

/// A well-formed BCP 47 language tag whose language subtag is 2 or 3 letters, in BCP 47
/// case (`en-GB`, `zh-Hant`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language(CompactString);

impl Language {
    /// The most characters a tag may have (RFC 5646 §4.4.1).
    pub const MAX: usize = 35;

    /// The tag in BCP 47 case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag, for its subtags. Read again from the canonical text, which only a
    /// caller that asks for subtags pays for.
    #[must_use]
    pub fn tag(&self) -> LanguageTag<&str> {
        // Every `Language` holds a tag that parsed; `from_str`'s tests hold it to that.
        LanguageTag::parse(self.as_str()).unwrap_or_else(|_| unreachable!("a parsed tag"))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = ErrorKind;

    /// `_` is read as `-`; any case: `EN_gb` is `en-GB`.
    ///
    /// # Errors
    /// `empty_value`, `too_long`, `invalid_language` (also for a repeated variant or
    /// extension singleton, RFC 5646 §2.2.5–2.2.6).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        if s.len() > Language::MAX {
            // A tag is ASCII, where bytes are characters; anything longer is refused unparsed.
            return Err(if s.is_ascii() {
                ErrorKind::TooLong { max: Language::MAX }
            } else {
                ErrorKind::InvalidLanguage {}
            });
        }
        let invalid = |_| ErrorKind::InvalidLanguage {};
        if let Some(canonical) = short_form(s) {
            // The common shape, in BCP 47 case already, with no variant or extension:
            // `2*3ALPHA ["-" 2ALPHA]` is well-formed by RFC 5646's grammar (a test holds
            // oxilangtag to that on the whole shape).
            return Ok(Language(canonical));
        }
        let tag = parse_any(s).map_err(invalid)?;
        let language = tag.primary_language();
        let short_language =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
        // At most 35 characters, so these pairwise checks are bounded.
        let variants = || tag.variant_subtags();
        let repeated_variant = variants()
            .enumerate()
            .any(|(i, v)| variants().skip(i + 1).any(|w| w.eq_ignore_ascii_case(v)));
        let singletons = || tag.extension_subtags().map(|(singleton, _)| singleton);
        let repeated_singleton = singletons()
            .enumerate()
            .any(|(i, c)| singletons().skip(i + 1).any(|d| d.eq_ignore_ascii_case(&c)));
        if short_language && !repeated_variant && !repeated_singleton {
            Ok(Language(CompactString::new(tag.as_str())))
        } else {
            Err(ErrorKind::InvalidLanguage {})
        }
    }
}

/// A language and an optional region (`fr`, `fr_fr`, `YUE-hk`) in BCP 47 case
/// (`fr-FR`): the shape nearly every request sends, cased here byte by byte rather than
/// by the general parser. `None` for any other shape (no grandfathered tag has this
/// one).
fn short_form(s: &str) -> Option<CompactString> {
    let bytes = s.as_bytes();
    let (language, region) = match bytes.len() {
        2 | 3 => (bytes, &[][..]),
        5 | 6 if matches!(bytes[bytes.len() - 3], b'-' | b'_') => bytes.split_at(bytes.len() - 3),
        _ => return None,
    };
    let region = region.get(1..).unwrap_or_default();
    if !language.iter().chain(region).all(u8::is_ascii_alphabetic) {
        return None;
    }
    // At most six ASCII letters and `-`: cased on the stack, kept inline.
    let mut out = [b'-'; 6];
    for (out, b) in out.iter_mut().zip(language) {
        *out = b.to_ascii_lowercase();
    }
    for (out, b) in out[language.len() + 1..].iter_mut().zip(region) {
        *out = b.to_ascii_uppercase();
    }
    std::str::from_utf8(&out[..s.len()])
        .ok()
        .map(CompactString::new)
}

/// Any other tag, through oxilangtag's case mapping; `_` is read as `-`.
fn parse_any(s: &str) -> Result<LanguageTag<String>, oxilangtag::LanguageTagParseError> {
    if !s.contains('_') {
        return LanguageTag::parse_and_normalize(s);
    }
    // A tag is ASCII; a short one has its `_` replaced on the stack, not in a String.
    let mut buffer = [0u8; Language::MAX];
    match buffer.get_mut(..s.len()) {
        Some(short) if s.is_ascii() => {
            for (out, b) in short.iter_mut().zip(s.bytes()) {
                *out = if b == b'_' { b'-' } else { b };
            }
            // ASCII in, ASCII out.
            LanguageTag::parse_and_normalize(std::str::from_utf8(short).unwrap_or_default())
        }
        _ => LanguageTag::parse_and_normalize(&s.replace('_', "-")),
    }
}

crate::value::plain_field_value!(Language, crate::value::Limits::max(Language::MAX));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        for (input, expected) in [
            ("en", Some("en")),
            ("EN_gb", Some("en-GB")),
            ("pt-br", Some("pt-BR")),
            ("zh-hant", Some("zh-Hant")),
            ("zh-Hant-TW", Some("zh-Hant-TW")),
            ("yue", Some("yue")),
            ("sr-Latn-RS", Some("sr-Latn-RS")),
            ("english", None),
            ("e", None),
            ("x-private", None),
            ("i-klingon", None),
            ("en--GB", None),
            ("en-", None),
            ("12", None),
            (
                "en_GB-u-ca-gregory-nu-latn",
                Some("en-GB-u-ca-gregory-nu-latn"),
            ),
            ("de-1996-x-a", Some("de-1996-x-a")),
            ("en-a-bbb-b-ccc", Some("en-a-bbb-b-ccc")),
            // Repeated variants and singletons (RFC 5646 §2.2.5–2.2.6).
            ("en-a-bbb-a-ccc", None),
            ("de-1996-1996", None),
            ("sl-rozaj-ROZAJ", None),
            ("ü_x", None),
        ] {
            let got = input.parse::<Language>().ok();
            assert_eq!(got.as_ref().map(Language::as_str), expected, "{input:?}");
            if let Some(language) = got {
                assert_eq!(language.tag().as_str(), language.as_str());
            }
        }
    }

    proptest::proptest! {
        /// The short form's case mapping is oxilangtag's, on every tag of its shape.
        #[test]
        fn short_form_as_oxilangtag(s in "[a-zA-Z]{2,3}([-_][a-zA-Z]{2})?") {
            let ours = short_form(&s).expect("the short shape");
            let theirs = LanguageTag::parse_and_normalize(&s.replace('_', "-")).unwrap();
            proptest::prop_assert_eq!(ours.as_str(), theirs.as_str());
            // Taken without oxilangtag's check, so it must pass it as it is.
            proptest::prop_assert!(LanguageTag::parse(ours.as_str()).is_ok());
        }
    }

    #[test]
    fn short_form_only_takes_its_shape() {
        for input in [
            "e",
            "engl",
            "en-g",
            "en-gbr",
            "en-12",
            "e1",
            "en_GB_x",
            "en-GB-oed",
            "no-bok",
        ] {
            assert_eq!(short_form(input), None, "{input:?}");
        }
    }

    #[test]
    fn tags_are_at_most_35_characters() {
        let longest = "zh-Hant-TW-u-ca-chinese-nu-hanidec1";
        assert_eq!(longest.len(), 35);
        assert_eq!(longest.parse::<Language>().unwrap().as_str(), longest);
        assert_eq!(
            format!("{longest}x").parse::<Language>(),
            Err(ErrorKind::TooLong { max: 35 })
        );
        assert_eq!(
            "en-".repeat(33_000).parse::<Language>(),
            Err(ErrorKind::TooLong { max: 35 })
        );
    }
}
