//! The two-letter country code.

use std::fmt;
use std::str::FromStr;

use isocountry::CountryCode;

use crate::error::ErrorKind;

/// An assigned ISO 3166-1 alpha-2 country, shown in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(CountryCode);

impl Country {
    /// The upper-case alpha-2 code, such as `GB`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.0.alpha2()
    }

    /// The ISO 3166-1 country.
    #[must_use]
    pub fn code(&self) -> CountryCode {
        self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Country {
    type Err = ErrorKind;

    /// Any case: `gb` is `GB`. `UK` is not an ISO code; `GB` is.
    ///
    /// # Errors
    /// `empty_value`, `unknown_country`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        let &[a, b] = s.as_bytes() else {
            return Err(ErrorKind::UnknownCountry {});
        };
        if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
            return Err(ErrorKind::UnknownCountry {});
        }
        let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        let upper = std::str::from_utf8(&upper).map_err(|_| ErrorKind::UnknownCountry {})?;
        CountryCode::for_alpha2(upper)
            .map(Country)
            .map_err(|_| ErrorKind::UnknownCountry {})
    }
}

crate::value::plain_field_value!(Country, crate::value::Limits::between(2, 2));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        for (input, expected) in [
            ("GB", Some("GB")),
            ("gb", Some("GB")),
            (" Us ", Some("US")),
            ("de", Some("DE")),
            ("UK", None),
            ("XX", None),
            ("GBR", None),
            ("G", None),
            ("1A", None),
            ("ǅ", None),
        ] {
            let got = input.parse::<Country>().ok();
            assert_eq!(got.as_ref().map(Country::as_str), expected, "{input:?}");
        }
    }
}
