//! Rules an admin writes to make slots: which weekdays, opening hours, slot length, capacity,
//! a date range and the days the venue is closed. Read from what the form sends (text), so
//! every mistake is answered naming the field it is in.
use super::capacity::MAX_CAPACITY;
use super::schedule::DailySchedule;
use crate::error::{detail, details, DomainError};
use crate::wording::clock_time;
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The longest date range one set of rules (or one bulk edit) spans, in days: a year, leap or not.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The shortest slot, in minutes.
pub const MIN_SLOT_MINUTES: i64 = 5;
/// Slots one application of rules creates at most: a year of ten slots a day, and then some.
pub const MAX_SLOTS: usize = 10_000;

/// The rules as the admin's form sends them, every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesInput {
    /// Weekday names: "Mon", "monday", …
    pub weekdays: Vec<String>,
    /// `HH:MM`, venue-local.
    pub opens: String,
    pub closes: String,
    pub slot_minutes: String,
    pub capacity: String,
    /// `YYYY-MM-DD`, venue-local.
    pub from: String,
    /// The last day, included.
    pub until: String,
    /// Dates the venue is closed, separated by commas, spaces or lines.
    pub closed_dates: String,
}

/// Rules that make sense: at least one weekday, a slot fits in the opening hours, a range of
/// at most [`MAX_RANGE_DAYS`] days, a capacity in range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotRules {
    /// Monday first, each once.
    pub weekdays: Vec<Weekday>,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// Sorted, each once.
    pub closed_dates: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("{field}: {expected} (got “{got}”).")]
    Unreadable { field: &'static str, expected: &'static str, got: String },
    #[error("Weekdays: choose at least one day of the week.")]
    NoWeekdays,
    #[error("Closes: {closes} must be after opens ({opens}).")]
    ClosesBeforeOpens { opens: String, closes: String },
    #[error("Slot length: {minutes} minutes is too short; at least {MIN_SLOT_MINUTES}.")]
    SlotTooShort { minutes: i64 },
    #[error("Slot length: {minutes} minutes do not fit between {opens} and {closes}.")]
    SlotLongerThanDay { minutes: i64, opens: String, closes: String },
    #[error("Capacity must be between 0 and {MAX_CAPACITY} (got {capacity}).")]
    Capacity { capacity: i64 },
    #[error("Until: {until} is before from ({from}).")]
    Range { from: NaiveDate, until: NaiveDate },
    #[error("Until: {days} days is longer than the {MAX_RANGE_DAYS} days one change may span.")]
    RangeTooLong { days: i64 },
    #[error("These rules make {slots} slots; at most {MAX_SLOTS} at once. Choose a shorter range or longer slots.")]
    TooManySlots { slots: usize },
}

impl DomainError for RulesError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "INVALID_RULES_FIELD",
            Self::NoWeekdays => "NO_WEEKDAYS",
            Self::ClosesBeforeOpens { .. } => "INVALID_OPENING_HOURS",
            Self::SlotTooShort { .. } => "INVALID_SLOT_LENGTH",
            Self::SlotLongerThanDay { .. } => "SLOT_LONGER_THAN_DAY",
            Self::Capacity { .. } => "INVALID_CAPACITY",
            Self::Range { .. } => "INVALID_RULES_RANGE",
            Self::RangeTooLong { .. } => "RANGE_TOO_LONG",
            Self::TooManySlots { .. } => "TOO_MANY_SLOTS",
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::Unreadable { field, .. } => details([("field", detail(field))]),
            Self::RangeTooLong { days } => details([("days", detail(days)), ("max_days", detail(MAX_RANGE_DAYS))]),
            Self::TooManySlots { slots } => details([("slots", detail(slots)), ("max_slots", detail(MAX_SLOTS))]),
            _ => Map::new(),
        }
    }
}

/// `HH:MM` (or `HH:MM:SS`, as some browsers send a time field).
pub fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next().unwrap_or("00"));
    if parts.next().is_some() || h.is_empty() || h.len() > 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?)
}

pub(crate) fn field<T>(
    field: &'static str,
    expected: &'static str,
    got: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, RulesError> {
    parse(got.trim()).ok_or_else(|| RulesError::Unreadable { field, expected, got: got.trim().to_string() })
}

pub(crate) fn date_field(name: &'static str, got: &str) -> Result<NaiveDate, RulesError> {
    field(name, "a date like 2026-12-05", got, crate::wire::parse_date)
}

pub(crate) fn time_field(name: &'static str, got: &str) -> Result<NaiveTime, RulesError> {
    field(name, "a time like 10:00", got, parse_clock)
}

pub(crate) fn number_field(name: &'static str, got: &str) -> Result<i64, RulesError> {
    field(name, "a whole number", got, |s| s.parse().ok())
}

/// Weekday names, Monday first, each once; an unknown name is an error naming it.
pub(crate) fn weekdays_field(names: &[String]) -> Result<Vec<Weekday>, RulesError> {
    let mut days = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let day: Weekday = field("Weekdays", "a day such as Mon or Tuesday", name, |s| s.parse().ok())?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    days.sort_by_key(|d| d.num_days_from_monday());
    Ok(days)
}

/// `from..=until` checked: in order and at most [`MAX_RANGE_DAYS`] long.
pub(crate) fn date_range(from: &str, until: &str) -> Result<(NaiveDate, NaiveDate), RulesError> {
    let (from, until) = (date_field("From", from)?, date_field("Until", until)?);
    if until < from {
        return Err(RulesError::Range { from, until });
    }
    let days = (until - from).num_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err(RulesError::RangeTooLong { days });
    }
    Ok((from, until))
}

impl SlotRules {
    pub fn parse(input: &RulesInput) -> Result<SlotRules, RulesError> {
        let weekdays = weekdays_field(&input.weekdays)?;
        if weekdays.is_empty() {
            return Err(RulesError::NoWeekdays);
        }
        let opens = time_field("Opens", &input.opens)?;
        let closes = time_field("Closes", &input.closes)?;
        if closes <= opens {
            return Err(RulesError::ClosesBeforeOpens { opens: clock_time(opens), closes: clock_time(closes) });
        }
        let slot_minutes = number_field("Slot length", &input.slot_minutes)?;
        if slot_minutes < MIN_SLOT_MINUTES {
            return Err(RulesError::SlotTooShort { minutes: slot_minutes });
        }
        if slot_minutes > (closes - opens).num_minutes() {
            return Err(RulesError::SlotLongerThanDay {
                minutes: slot_minutes,
                opens: clock_time(opens),
                closes: clock_time(closes),
            });
        }
        let capacity = number_field("Capacity", &input.capacity)?;
        if !(0..=MAX_CAPACITY).contains(&capacity) {
            return Err(RulesError::Capacity { capacity });
        }
        let (from, until) = date_range(&input.from, &input.until)?;
        let mut closed_dates = input
            .closed_dates
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| date_field("Closed dates", s))
            .collect::<Result<Vec<_>, _>>()?;
        closed_dates.sort();
        closed_dates.dedup();
        let rules = SlotRules { weekdays, opens, closes, slot_minutes, capacity, from, until, closed_dates };
        let slots = rules.dates().count() * rules.times_per_day();
        if slots > MAX_SLOTS {
            return Err(RulesError::TooManySlots { slots });
        }
        Ok(rules)
    }

    /// The days the rules open the venue: in range, on a chosen weekday, not a closed date.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from
            .iter_days()
            .take_while(|d| *d <= self.until)
            .filter(|d| self.weekdays.contains(&d.weekday()) && self.closed_dates.binary_search(d).is_err())
    }

    /// The day the rules describe, as the one daily pattern slots are made from.
    pub fn schedule(&self) -> DailySchedule {
        DailySchedule {
            first_start: self.opens,
            close: self.closes,
            length: chrono::Duration::minutes(self.slot_minutes),
            capacity: self.capacity,
        }
    }

    pub fn times_per_day(&self) -> usize {
        self.schedule().slot_times().len()
    }
}

/// A slot the rules would make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedSlot {
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    pub capacity: i64,
    /// A slot at this date and start time exists already: applying leaves it as it is.
    pub exists: bool,
}

/// One day of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewDay {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    pub slots: Vec<PlannedSlot>,
    /// Wall-clock starts the rules name that this day does not have (the hour clocks skip in spring).
    pub not_on_the_clock: Vec<String>,
}

impl PreviewDay {
    pub fn new_slots(&self) -> usize {
        self.slots.iter().filter(|s| !s.exists).count()
    }
}

/// What applying the rules would do, written nowhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub days: Vec<PreviewDay>,
    pub to_create: usize,
    pub existing: usize,
}

/// What applying the rules did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub created: usize,
    pub skipped_existing: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RulesInput {
        RulesInput {
            weekdays: vec!["Sat".into(), "sunday".into(), "Sat".into()],
            opens: "10:00".into(),
            closes: "18:00".into(),
            slot_minutes: "120".into(),
            capacity: "200".into(),
            from: "2026-12-01".into(),
            until: "2026-12-31".into(),
            closed_dates: "2026-12-26, 2026-12-25\n2026-12-25".into(),
        }
    }

    fn code(input: RulesInput) -> &'static str {
        SlotRules::parse(&input).expect_err("refused").code()
    }

    #[test]
    fn rules_as_typed_become_weekend_days_of_december_without_the_closed_ones() {
        let rules = SlotRules::parse(&input()).expect("valid");
        assert_eq!(rules.weekdays, vec![Weekday::Sat, Weekday::Sun]);
        assert_eq!(rules.closed_dates.len(), 2);
        assert_eq!(rules.times_per_day(), 4);
        let dates: Vec<_> = rules.dates().map(|d| d.day()).collect();
        assert_eq!(dates, vec![5, 6, 12, 13, 19, 20, 27]);
    }

    #[test]
    fn each_mistake_has_its_code_and_names_its_field() {
        assert_eq!(code(RulesInput { weekdays: vec![], ..input() }), "NO_WEEKDAYS");
        assert_eq!(code(RulesInput { weekdays: vec!["Funday".into()], ..input() }), "INVALID_RULES_FIELD");
        assert_eq!(code(RulesInput { closes: "09:00".into(), ..input() }), "INVALID_OPENING_HOURS");
        assert_eq!(code(RulesInput { slot_minutes: "600".into(), ..input() }), "SLOT_LONGER_THAN_DAY");
        assert_eq!(code(RulesInput { slot_minutes: "2".into(), ..input() }), "INVALID_SLOT_LENGTH");
        assert_eq!(code(RulesInput { capacity: "-1".into(), ..input() }), "INVALID_CAPACITY");
        assert_eq!(code(RulesInput { until: "2026-11-30".into(), ..input() }), "INVALID_RULES_RANGE");
        assert_eq!(code(RulesInput { until: "2027-12-02".into(), ..input() }), "RANGE_TOO_LONG");
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(String::from).to_vec();
        let dense = RulesInput {
            weekdays,
            opens: "00:00".into(),
            closes: "23:59".into(),
            slot_minutes: "5".into(),
            until: "2027-06-30".into(),
            ..input()
        };
        assert_eq!(code(dense), "TOO_MANY_SLOTS");
        let e = SlotRules::parse(&RulesInput { opens: "ten".into(), ..input() }).expect_err("refused");
        assert_eq!(e.to_string(), "Opens: a time like 10:00 (got “ten”).");
        let e = SlotRules::parse(&RulesInput { closed_dates: "2026-12-25, 25/12".into(), ..input() }).expect_err("x");
        assert!(e.to_string().starts_with("Closed dates:"), "{e}");
    }

    #[test]
    fn a_year_of_366_days_is_allowed() {
        let rules = SlotRules::parse(&RulesInput { from: "2028-01-01".into(), until: "2028-12-31".into(), ..input() });
        assert!(rules.is_ok(), "{rules:?}");
    }

    #[test]
    fn clock_times_take_hours_and_minutes_with_optional_seconds() {
        assert_eq!(parse_clock("9:30"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_clock("09:30:15"), NaiveTime::from_hms_opt(9, 30, 15));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("9.30"), None);
        assert_eq!(parse_clock("09:3"), None);
    }
}
