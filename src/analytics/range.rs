//! The dates an analysis covers: venue-local calendar days, both ends included.
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days one analysis may cover at most: a year, leap day included.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    from: NaiveDate,
    until: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("'{field}' must be a date like 2026-11-23.")]
    NotADate { field: &'static str },
    #[error("The range ends before it starts.")]
    Reversed,
    #[error("A range covers at most {MAX_DAYS} days; this one covers {days}.")]
    TooLong { days: i64 },
}

impl crate::error::DomainError for RangeError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotADate { .. } => "INVALID_DATE",
            Self::Reversed => "DATE_RANGE_REVERSED",
            Self::TooLong { .. } => "DATE_RANGE_TOO_LONG",
        }
    }

    fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        use crate::error::{detail, details};
        match self {
            Self::NotADate { field } => details([("field", detail(field))]),
            Self::Reversed => details([]),
            Self::TooLong { days } => details([("days", detail(days)), ("max_days", detail(MAX_DAYS))]),
        }
    }
}

impl DateRange {
    pub fn new(from: NaiveDate, until: NaiveDate) -> Result<DateRange, RangeError> {
        if until < from {
            return Err(RangeError::Reversed);
        }
        let days = (until - from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(RangeError::TooLong { days });
        }
        Ok(DateRange { from, until })
    }

    /// From what a form or an address carries (`2026-11-01`, `2026-11-30`).
    pub fn parse(from: &str, until: &str) -> Result<DateRange, RangeError> {
        let date = |text: &str, field| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| RangeError::NotADate { field })
        };
        DateRange::new(date(from, "from")?, date(until, "until")?)
    }

    /// The `days` days ending with `until`.
    pub fn ending(until: NaiveDate, days: i64) -> DateRange {
        let days = days.clamp(1, MAX_DAYS);
        DateRange { from: until - Duration::days(days - 1), until }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn until(&self) -> NaiveDate {
        self.until
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let until = self.until;
        self.from.iter_days().take_while(move |d| *d <= until)
    }

    pub fn day_count(&self) -> i64 {
        (self.until - self.from).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_range_includes_both_ends() {
        let range = DateRange::parse("2026-11-01", "2026-11-03").unwrap();
        assert_eq!(range.days().collect::<Vec<_>>(), vec![day(1), day(2), day(3)]);
        assert_eq!(range.day_count(), 3);
    }

    #[test]
    fn a_single_day_is_a_range() {
        assert_eq!(DateRange::new(day(5), day(5)).map(|r| r.day_count()), Ok(1));
    }

    #[test]
    fn a_reversed_range_is_refused() {
        assert_eq!(DateRange::new(day(5), day(4)), Err(RangeError::Reversed));
    }

    #[test]
    fn a_year_and_a_leap_day_is_the_longest_range() {
        let from = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
        assert!(DateRange::new(from, NaiveDate::from_ymd_opt(2028, 12, 31).unwrap()).is_ok());
        assert_eq!(
            DateRange::new(from, NaiveDate::from_ymd_opt(2029, 1, 1).unwrap()),
            Err(RangeError::TooLong { days: 367 })
        );
    }

    #[test]
    fn dates_that_are_not_dates_name_their_field() {
        assert_eq!(DateRange::parse("2026-11-31", "2026-12-01"), Err(RangeError::NotADate { field: "from" }));
        assert_eq!(DateRange::parse("2026-11-01", "soon"), Err(RangeError::NotADate { field: "until" }));
    }

    #[test]
    fn ending_counts_back_from_the_last_day() {
        let range = DateRange::ending(day(30), 30);
        assert_eq!((range.from(), range.until()), (day(1), day(30)));
    }
}
