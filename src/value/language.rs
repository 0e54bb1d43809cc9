//! The person's language.

use std::fmt;
use std::str::FromStr;

use oxilangtag::LanguageTag;

use crate::error::ErrorKind;

/// A well-formed BCP 47 language tag whose language subtag is 2 or 3 letters, in BCP 47
/// case (`en-GB`, `zh-Hant`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language(LanguageTag<String>);

impl Language {
    /// The tag in BCP 47 case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The tag, for its subtags.
    #[must_use]
    pub fn tag(&self) -> &LanguageTag<String> {
        &self.0
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
    /// `empty_value`, `invalid_language`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        let parse = |tag: &str| {
            LanguageTag::parse_and_normalize(tag).map_err(|_| ErrorKind::InvalidLanguage {})
        };
        // A tag is ASCII; a short one has its `_` replaced on the stack, not in a String.
        let mut buffer = [0u8; 64];
        let tag = match buffer.get_mut(..s.len()) {
            _ if !s.contains('_') => parse(s)?,
            Some(short) if s.is_ascii() => {
                for (out, b) in short.iter_mut().zip(s.bytes()) {
                    *out = if b == b'_' { b'-' } else { b };
                }
                parse(std::str::from_utf8(short).map_err(|_| ErrorKind::InvalidLanguage {})?)?
            }
            _ => parse(&s.replace('_', "-"))?,
        };
        let language = tag.primary_language();
        if (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Language(tag))
        } else {
            Err(ErrorKind::InvalidLanguage {})
        }
    }
}

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
                "en_GB-u-ca-gregory-nu-latn-x-a-long-private-use-tag-that-is-over-64",
                Some("en-GB-u-ca-gregory-nu-latn-x-a-long-private-use-tag-that-is-over-64"),
            ),
            ("ü_x", None),
        ] {
            let got = input.parse::<Language>().ok();
            assert_eq!(got.as_ref().map(Language::as_str), expected, "{input:?}");
        }
    }
}
