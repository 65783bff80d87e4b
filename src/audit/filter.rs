//! The audit log's filter as the dashboard's address gives it (`?action=slot.capacity&from=…`),
//! parsed into a [`Filter`] in the venue's days.
use super::{Action, Filter};
use crate::error::DomainError;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("There is no kind of change called “{0}”.")]
    UnknownAction(String),
    #[error("“{0}” is not a date: write it as YYYY-MM-DD.")]
    BadDate(String),
    #[error("The first day comes after the last one.")]
    Backwards,
    #[error("“{0}” is not an entry number.")]
    BadPage(String),
}

impl DomainError for FilterError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownAction(_) => "UNKNOWN_ACTION",
            Self::BadDate(_) | Self::Backwards => "INVALID_DATE_RANGE",
            Self::BadPage(_) => "INVALID_PARAMETER",
        }
    }
}

/// The query's fields, each as typed; empty means "any".
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    pub action: &'a str,
    pub subject: &'a str,
    /// First and last venue-local day, inclusive.
    pub from: &'a str,
    pub until: &'a str,
    pub before: &'a str,
}

impl Query<'_> {
    pub fn parse(&self, zone: Tz) -> Result<Filter, FilterError> {
        let action = present(self.action)
            .map(|name| Action::parse(name).ok_or_else(|| FilterError::UnknownAction(name.chars().take(40).collect())))
            .transpose()?;
        let day = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| FilterError::BadDate(s.chars().take(20).collect()))
        };
        let from = present(self.from).map(day).transpose()?;
        let until = present(self.until).map(day).transpose()?;
        if let (Some(from), Some(until)) = (from, until) {
            if from > until {
                return Err(FilterError::Backwards);
            }
        }
        let before_id = present(self.before)
            .map(|s| s.parse::<i64>().map_err(|_| FilterError::BadPage(s.chars().take(20).collect())))
            .transpose()?;
        Ok(Filter {
            action,
            actor: None,
            subject: present(self.subject).map(str::to_string),
            from: from.map(|d| start_of(zone, d)),
            until: until.and_then(|d| d.succ_opt()).map(|d| start_of(zone, d)),
            before_id,
        })
    }
}

fn present(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// When venue-local day `day` begins (midnight, or the first instant after a DST gap at midnight).
fn start_of(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut at = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    loop {
        if let Some(t) = zone.from_local_datetime(&at).earliest() {
            return t.with_timezone(&Utc);
        }
        at += chrono::Duration::minutes(30);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NY: Tz = chrono_tz::America::New_York;

    #[test]
    fn an_empty_query_lets_everything_through() {
        assert_eq!(Query::default().parse(NY), Ok(Filter::default()));
    }

    #[test]
    fn days_are_the_venues_whole_days() {
        let filter = Query { from: "2026-11-01", until: "2026-11-01", ..Default::default() }.parse(NY).unwrap();
        // Nov 1 2026 is the day New York falls back: 25 hours long.
        assert_eq!(filter.from, Some(Utc.with_ymd_and_hms(2026, 11, 1, 4, 0, 0).unwrap()));
        assert_eq!(filter.until, Some(Utc.with_ymd_and_hms(2026, 11, 2, 5, 0, 0).unwrap()));
    }

    #[test]
    fn odd_input_is_refused_by_name() {
        let refused = |q: Query| q.parse(NY).unwrap_err();
        assert_eq!(refused(Query { action: "slot.deleted", ..Default::default() }).code(), "UNKNOWN_ACTION");
        assert_eq!(refused(Query { from: "1 Dec", ..Default::default() }).code(), "INVALID_DATE_RANGE");
        assert_eq!(
            refused(Query { from: "2026-12-02", until: "2026-12-01", ..Default::default() }),
            FilterError::Backwards
        );
        assert_eq!(refused(Query { before: "ten", ..Default::default() }).code(), "INVALID_PARAMETER");
        assert_eq!(refused(Query { from: "２０２６-12-01", ..Default::default() }).code(), "INVALID_DATE_RANGE");
    }
}
