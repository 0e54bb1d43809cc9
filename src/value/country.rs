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
        // The table holds every code isocountry knows (a test asks it every pair of
        // letters), and what a slot gives is checked against the code asked for.
        let slot = usize::from(upper[0] - b'A') * 26 + usize::from(upper[1] - b'A');
        COUNTRY_SLOTS
            .get(slot)
            .and_then(|&index| CountryCode::as_array().get(usize::from(index)))
            .filter(|code| code.alpha2().as_bytes() == upper)
            .map(|&code| Country(code))
            .ok_or(ErrorKind::UnknownCountry {})
    }
}

include!(concat!(env!("OUT_DIR"), "/country_slots.rs"));

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

    /// Every pair of letters, in both cases, answers as isocountry does.
    #[test]
    fn every_pair_of_letters_as_isocountry() {
        let mut countries = 0;
        for first in b'A'..=b'Z' {
            for second in b'A'..=b'Z' {
                let upper = String::from_utf8(vec![first, second]).unwrap();
                let expected = CountryCode::for_alpha2(&upper).ok().map(Country);
                countries += usize::from(expected.is_some());
                assert_eq!(upper.parse().ok(), expected, "{upper}");
                let lower = upper.to_ascii_lowercase();
                assert_eq!(lower.parse().ok(), expected, "{lower}");
            }
        }
        assert_eq!(countries, CountryCode::as_array().len());
    }
}
