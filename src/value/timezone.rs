//! The person's time zone.

use std::fmt;
use std::str::FromStr;

use chrono_tz::{TZ_VARIANTS, Tz};

use crate::error::ErrorKind;
use crate::value::scan::eq_ignore_ascii_case;

mod fold;

include!(concat!(env!("OUT_DIR"), "/zone_slots.rs"));

/// The zone named `name` in any case, from the table the build script laid out: a hash
/// of a few instructions a word, where `chrono-tz`'s own look-up hashes with `SipHash`.
fn find(name: &str) -> Option<Tz> {
    let mut slot = fold::slot(name.as_bytes());
    for _ in 0..MAX_PROBES {
        // An empty slot holds `u16::MAX`, past every index: the name is not a zone.
        let zone = *TZ_VARIANTS.get(usize::from(ZONE_SLOTS[slot]))?;
        if eq_ignore_ascii_case(zone.name().as_bytes(), name.as_bytes()) {
            return Some(zone);
        }
        slot = fold::next(slot);
    }
    None
}

/// An IANA time zone known to `chrono-tz`, in the zone's own spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

impl TimeZone {
    /// The zone's IANA name, such as `Europe/London`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.0.name()
    }

    /// The `chrono-tz` zone.
    #[must_use]
    pub fn tz(&self) -> Tz {
        self.0
    }

    /// Every zone, in the table's order (alphabetical).
    pub fn all() -> impl Iterator<Item = TimeZone> {
        TZ_VARIANTS.iter().copied().map(TimeZone)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TimeZone {
    type Err = ErrorKind;

    /// Any case: `europe/london` is `Europe/London`.
    ///
    /// # Errors
    /// `empty_value`, `unknown_time_zone`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        // `chrono-tz` has the last word on a name the table does not hold.
        find(s)
            .or_else(|| Tz::from_str_insensitive(s).ok())
            .map(TimeZone)
            .ok_or(ErrorKind::UnknownTimeZone {})
    }
}

crate::value::plain_field_value!(TimeZone, crate::value::Limits::NONE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones() {
        for (input, expected) in [
            ("Europe/London", Some("Europe/London")),
            ("europe/london", Some("Europe/London")),
            (" AMERICA/NEW_YORK ", Some("America/New_York")),
            ("UTC", Some("UTC")),
            (
                "america/argentina/buenos_aires",
                Some("America/Argentina/Buenos_Aires"),
            ),
            ("Europe/Londn", None),
            ("London", None),
            ("+01:00", None),
        ] {
            let got = input.parse::<TimeZone>().ok();
            assert_eq!(got.as_ref().map(TimeZone::as_str), expected, "{input:?}");
        }
    }

    /// The table holds every zone `chrono-tz` knows, in any case, so that its fall-back
    /// is only ever asked about names that are not zones.
    #[test]
    fn table_holds_every_zone() {
        for zone in TZ_VARIANTS {
            let name = zone.name();
            for spelling in [
                name.to_owned(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
            ] {
                assert_eq!(find(&spelling), Some(zone), "{spelling:?}");
            }
        }
    }

    #[test]
    fn table_misses() {
        for name in [
            "",
            "Europe/Londn",
            "Europe/London ",
            "London",
            "Europe_London",
            "UTC0",
        ] {
            assert_eq!(find(name), None, "{name:?}");
        }
    }

    proptest::proptest! {
        /// A zone's name with its case flipped and a byte or two changed: the table
        /// answers as `chrono-tz` does.
        #[test]
        fn table_agrees_with_chrono_tz(
            zone in proptest::sample::select(&TZ_VARIANTS[..]),
            flips in proptest::collection::vec(proptest::bool::ANY, 40),
            edit in proptest::option::of((0usize..40, proptest::char::range('+', 'z'))),
        ) {
            let mut name: String = zone
                .name()
                .chars()
                .zip(flips.iter().chain(std::iter::repeat(&false)))
                .map(|(c, flip)| if *flip { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
                .collect();
            if let Some((at, c)) = edit {
                let at = at.min(name.len());
                name.insert(at, c);
            }
            proptest::prop_assert_eq!(find(&name), Tz::from_str_insensitive(&name).ok());
        }
    }
}
