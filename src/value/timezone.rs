//! The person's time zone.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;

use crate::error::ErrorKind;

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
        Tz::from_str_insensitive(s)
            .map(TimeZone)
            .map_err(|_| ErrorKind::UnknownTimeZone {})
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
}
