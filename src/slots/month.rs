//! A month of a venue's calendar, as customers page through it.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A month of a venue's calendar (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("month must look like 2026-11")]
pub struct MonthError;

impl crate::error::DomainError for MonthError {
    fn code(&self) -> &'static str {
        "INVALID_MONTH"
    }
}

impl Month {
    pub fn parse(s: &str) -> Result<Month, MonthError> {
        let (y, m) = s.trim().split_once('-').ok_or(MonthError)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(MonthError);
        }
        let month = Month { year: y.parse().map_err(|_| MonthError)?, month: m.parse().map_err(|_| MonthError)? };
        month.first_day().ok_or(MonthError)?;
        Ok(month)
    }

    pub fn of(date: NaiveDate) -> Month {
        use chrono::Datelike;
        Month { year: date.year(), month: date.month() }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    pub fn plus(self, months: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + months;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// Whole months from `self` to `other` (negative when `other` is earlier).
    pub fn months_until(self, other: Month) -> i32 {
        (other.year * 12 + other.month as i32) - (self.year * 12 + self.month as i32)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_unicode_month_is_answered_without_a_panic(input in proptest::prelude::any::<String>()) {
            let _ = Month::parse(&input);
            let _ = Month::parse(&format!("2026-{input}"));
        }
    }

    #[test]
    fn months_parse_only_in_the_iso_form() {
        assert_eq!(Month::parse("2026-11"), Ok(Month { year: 2026, month: 11 }));
        assert_eq!(Month::parse("2026-13"), Err(MonthError));
        assert_eq!(Month::parse("2026-1"), Err(MonthError));
        assert_eq!(Month::parse("November"), Err(MonthError));
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        let nov = Month { year: 2026, month: 11 };
        assert_eq!(nov.plus(3), Month { year: 2027, month: 2 });
        assert_eq!(nov.plus(-11), Month { year: 2025, month: 12 });
        assert_eq!(nov.months_until(Month { year: 2027, month: 2 }), 3);
        assert_eq!(nov.plus(2).to_string(), "2027-01");
    }
}
