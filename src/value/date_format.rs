//! How dates are shown to the person.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorKind;
use crate::value::scan::eq_ignore_ascii_case;

/// One of the three date formats Enswitch offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// `DD/MM/YYYY`
    DayMonthYear,
    /// `MM/DD/YYYY`
    MonthDayYear,
    /// `YYYY-MM-DD`
    YearMonthDay,
}

impl DateFormat {
    /// Every date format, in Enswitch's order.
    pub const ALL: [DateFormat; 3] = [
        DateFormat::DayMonthYear,
        DateFormat::MonthDayYear,
        DateFormat::YearMonthDay,
    ];

    /// The format as Enswitch writes it, such as `DD/MM/YYYY`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            DateFormat::DayMonthYear => "DD/MM/YYYY",
            DateFormat::MonthDayYear => "MM/DD/YYYY",
            DateFormat::YearMonthDay => "YYYY-MM-DD",
        }
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DateFormat {
    type Err = ErrorKind;

    /// Any case: `dd/mm/yyyy` is `DD/MM/YYYY`.
    ///
    /// # Errors
    /// `empty_value`, `invalid_date_format`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = crate::value::plain::non_empty(s)?;
        // The formats start with different letters: the first byte picks the one
        // format the value can be, which is then compared whole.
        let first = s.as_bytes()[0];
        DateFormat::ALL
            .into_iter()
            .find(|format| format.as_str().as_bytes()[0].eq_ignore_ascii_case(&first))
            .filter(|format| eq_ignore_ascii_case(format.as_str().as_bytes(), s.as_bytes()))
            .ok_or(ErrorKind::InvalidDateFormat {})
    }
}

crate::value::plain_field_value!(DateFormat, crate::value::Limits::NONE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for (input, expected) in [
            ("DD/MM/YYYY", Some("DD/MM/YYYY")),
            ("mm/dd/yyyy", Some("MM/DD/YYYY")),
            (" yyyy-mm-dd ", Some("YYYY-MM-DD")),
            ("YYYY/MM/DD", None),
            ("DD-MM-YYYY", None),
            ("d/m/y", None),
            ("Y", None),
            ("x", None),
        ] {
            assert_eq!(
                input.parse::<DateFormat>().ok().map(DateFormat::as_str),
                expected,
                "{input:?}"
            );
        }
    }

    /// The look-up picks a format by its first letter, so no two may share one.
    #[test]
    fn formats_start_with_different_letters() {
        for (i, a) in DateFormat::ALL.iter().enumerate() {
            for b in &DateFormat::ALL[i + 1..] {
                assert!(
                    !a.as_str()[..1].eq_ignore_ascii_case(&b.as_str()[..1]),
                    "{a} {b}"
                );
            }
            assert_eq!(a.as_str().parse::<DateFormat>(), Ok(*a));
        }
    }
}
