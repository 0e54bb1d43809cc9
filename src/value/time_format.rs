//! How times are shown to the person.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorKind;

/// A 12-hour or 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeFormat {
    /// `12`
    TwelveHour,
    /// `24`
    TwentyFourHour,
}

impl TimeFormat {
    /// Both time formats.
    pub const ALL: [TimeFormat; 2] = [TimeFormat::TwelveHour, TimeFormat::TwentyFourHour];

    /// `12` or `24`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TimeFormat::TwelveHour => "12",
            TimeFormat::TwentyFourHour => "24",
        }
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TimeFormat {
    type Err = ErrorKind;

    /// # Errors
    /// `empty_value`, `invalid_time_format`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match crate::value::plain::non_empty(s)? {
            "12" => Ok(TimeFormat::TwelveHour),
            "24" => Ok(TimeFormat::TwentyFourHour),
            _ => Err(ErrorKind::InvalidTimeFormat {}),
        }
    }
}

crate::value::plain_field_value!(TimeFormat, crate::value::Limits::NONE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for (input, expected) in [
            ("12", Some("12")),
            (" 24 ", Some("24")),
            ("24h", None),
            ("012", None),
            ("0", None),
        ] {
            assert_eq!(
                input.parse::<TimeFormat>().ok().map(TimeFormat::as_str),
                expected,
                "{input:?}"
            );
        }
    }
}
