//! The month grid a customer picks a day from: weeks Monday to Sunday, each day with what can
//! still be booked on it.
use super::capacity::CapacityStatus;
use super::{DaySummary, Month};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayState {
    /// Outside the month shown (padding of the first and last week).
    OtherMonth,
    /// Before today: never bookable.
    Past,
    /// No slot can be booked (none scheduled, all full, closed or started).
    Unavailable,
    Available,
    Limited,
}

impl DayState {
    pub fn bookable(self) -> bool {
        matches!(self, Self::Available | Self::Limited)
    }

    /// The CSS class a day cell carries.
    pub fn css_class(self) -> &'static str {
        match self {
            Self::OtherMonth => "other",
            Self::Past => "past",
            Self::Unavailable => "unavailable",
            Self::Available => "available",
            Self::Limited => "limited",
        }
    }

    /// Words that carry the state without colour, for sighted users and screen readers alike.
    pub fn label(self) -> &'static str {
        match self {
            Self::OtherMonth => "",
            Self::Past => "past",
            Self::Unavailable => "no places",
            Self::Available => "available",
            Self::Limited => "limited places",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    pub state: DayState,
    /// The day as a screen reader says it ("Tuesday, December 1, available, today"), worded
    /// where the grid is made so the browser's code carries no wording of its own.
    pub label: String,
}

/// The dates of the weeks (Monday first) covering `month`, padded with the days around it.
pub fn weeks_of(month: Month) -> Vec<[NaiveDate; 7]> {
    let Some(first) = month.first_day() else { return Vec::new() };
    let mut date = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    let mut weeks = Vec::new();
    while Month::of(date) == month || date < first {
        weeks.push(std::array::from_fn(|i| date + Duration::days(i as i64)));
        date += Duration::days(7);
    }
    weeks
}

/// Weeks (Monday first) covering `month`, every day classified against `today` and `days`.
pub fn month_grid(month: Month, today: NaiveDate, days: &[DaySummary]) -> Vec<Vec<CalendarDay>> {
    weeks_of(month)
        .into_iter()
        .map(|week| {
            week.into_iter()
                .map(|d| {
                    let summary = days.iter().find(|s| s.date == d);
                    let state = if Month::of(d) != month {
                        DayState::OtherMonth
                    } else if d < today {
                        DayState::Past
                    } else {
                        match summary {
                            Some(s) if s.bookable_slots > 0 && s.capacity_status == CapacityStatus::Available => {
                                DayState::Available
                            }
                            Some(s) if s.bookable_slots > 0 && s.capacity_status == CapacityStatus::Limited => {
                                DayState::Limited
                            }
                            _ => DayState::Unavailable,
                        }
                    };
                    CalendarDay { date: d, state, label: label(d, state, d == today) }
                })
                .collect()
        })
        .collect()
}

fn label(date: NaiveDate, state: DayState, today: bool) -> String {
    if state == DayState::OtherMonth {
        return String::new();
    }
    let today = if today { ", today" } else { "" };
    format!("{}, {}{today}", crate::wording::day_and_date(date), state.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32, status: CapacityStatus, bookable: usize) -> DaySummary {
        DaySummary {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            slots: 4,
            bookable_slots: bookable,
            available: 10,
            capacity_status: status,
        }
    }

    #[test]
    fn november_2026_starts_on_a_sunday_so_its_grid_opens_with_six_padding_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let grid = month_grid(Month { year: 2026, month: 11 }, today, &[]);
        assert_eq!(grid.len(), 6);
        assert!(grid[0][..6].iter().all(|d| d.state == DayState::OtherMonth));
        assert_eq!(grid[0][6].date, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert!(grid.iter().all(|w| w.len() == 7));
        assert_eq!(grid[5][0].date, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }

    #[test]
    fn days_are_past_available_limited_or_unavailable() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let days = [
            day(20, CapacityStatus::Available, 4),
            day(24, CapacityStatus::Available, 4),
            day(25, CapacityStatus::Limited, 1),
            day(26, CapacityStatus::Full, 0),
        ];
        let grid = month_grid(Month { year: 2026, month: 11 }, today, &days);
        let state = |d: u32| {
            grid.iter().flatten().find(|c| c.date.day() == d && c.state != DayState::OtherMonth).unwrap().state
        };
        assert_eq!(state(20), DayState::Past);
        assert_eq!(state(24), DayState::Available);
        assert_eq!(state(25), DayState::Limited);
        assert_eq!(state(26), DayState::Unavailable);
        assert_eq!(state(27), DayState::Unavailable, "a day without slots");
    }

    #[test]
    fn only_the_venues_today_is_named_today_whatever_its_state() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let grid = month_grid(Month { year: 2026, month: 11 }, today, &[]);
        let marked: Vec<_> = grid.iter().flatten().filter(|c| c.label.ends_with(", today")).map(|c| c.date).collect();
        assert_eq!(marked, [today]);
        let cell = grid.iter().flatten().find(|c| c.date == today).unwrap();
        assert_eq!(cell.label, "Monday, November 30, no places, today");
        let december = month_grid(Month { year: 2026, month: 12 }, today, &[]);
        assert!(december.iter().flatten().all(|c| !c.label.contains("today")));
    }
}
