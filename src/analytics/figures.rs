//! What an analysis finds, and how the few aggregate rows the database answers fold into it.
//! Pure: the store reads rows, these types do the arithmetic (and are tested without a database).
use super::DateRange;
use crate::ids::SlotId;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// One slot of the range: its places, how many were booked and how many of those came in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotUse {
    pub slot_id: SlotId,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub capacity: i64,
    /// Live reservations (admitted ones included).
    pub booked: i64,
    pub admitted: i64,
    pub closed: bool,
    /// The slot has ended (at the time of the analysis): its unadmitted reservations are no-shows.
    pub ended: bool,
}

/// One day of the range, its slots added up (a day without slots has zeros).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayUse {
    pub date: NaiveDate,
    pub slots: i64,
    pub capacity: i64,
    pub booked: i64,
    pub admitted: i64,
}

/// Demand by the weekday and hour of the slots booked: Monday first, hours of the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Heatmap {
    /// `counts[weekday][hour]`, weekday 0 = Monday.
    pub counts: [[i64; 24]; 7],
    /// The hours any slot of the range starts in, first and last (the chart's columns).
    pub hours: Option<(u32, u32)>,
}

/// Tickets activated in the range, and how many of them were booked for a visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversion {
    pub activated: i64,
    pub reserved: i64,
}

/// Reservations for the range's slots that have ended, and how many of them came in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NoShows {
    pub reservations: i64,
    pub admitted: i64,
}

/// Time from booking to the slot's start, for the range's live reservations, in whole hours
/// (rounded down; a booking made after its slot started counts as 0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeadTime {
    pub reservations: i64,
    pub median_hours: Option<i64>,
    pub p90_hours: Option<i64>,
    pub buckets: Vec<LeadBucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadBucket {
    pub label: String,
    pub count: i64,
}

/// Lead-time buckets: (label, from this many hours, up to but not including the next bucket's).
pub const LEAD_BUCKETS: [(&str, i64); 7] = [
    ("under 1 hour", 0),
    ("1 to 24 hours", 1),
    ("1 to 2 days", 24),
    ("2 to 7 days", 48),
    ("1 to 2 weeks", 168),
    ("2 to 4 weeks", 336),
    ("4 weeks or more", 672),
];

/// Everything the analytics page shows for one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    pub range: DateRange,
    pub time_zone: String,
    pub slots: Vec<SlotUse>,
    pub days: Vec<DayUse>,
    pub heatmap: Heatmap,
    pub conversion: Conversion,
    pub no_shows: NoShows,
    pub lead_time: LeadTime,
    /// Refusals at the door by reason code, most frequent first.
    pub refusals: Vec<(String, i64)>,
}

/// `part` of `whole` in whole percent, rounded to nearest; none of nothing.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

impl SlotUse {
    pub fn utilization(&self) -> Option<i64> {
        percent(self.booked, self.capacity)
    }
}

impl DayUse {
    pub fn utilization(&self) -> Option<i64> {
        percent(self.booked, self.capacity)
    }
}

impl Conversion {
    pub fn rate(&self) -> Option<i64> {
        percent(self.reserved, self.activated)
    }
}

impl NoShows {
    pub fn no_shows(&self) -> i64 {
        self.reservations - self.admitted
    }

    pub fn rate(&self) -> Option<i64> {
        percent(self.no_shows(), self.reservations)
    }
}

/// Every day of `range`, with the slots on it added up.
pub fn days(range: &DateRange, slots: &[SlotUse]) -> Vec<DayUse> {
    let mut days: Vec<DayUse> = range.days().map(|date| DayUse { date, ..DayUse::default() }).collect();
    for slot in slots {
        let Ok(index) = usize::try_from((slot.date - range.from()).num_days()) else { continue };
        if let Some(day) = days.get_mut(index) {
            day.slots += 1;
            day.capacity += slot.capacity;
            day.booked += slot.booked;
            day.admitted += slot.admitted;
        }
    }
    days
}

pub fn heatmap(slots: &[SlotUse]) -> Heatmap {
    let mut map = Heatmap::default();
    for slot in slots {
        let (weekday, hour) = (slot.date.weekday().num_days_from_monday() as usize, slot.start_time.hour());
        map.counts[weekday][hour as usize] += slot.booked;
        map.hours = Some(match map.hours {
            None => (hour, hour),
            Some((first, last)) => (first.min(hour), last.max(hour)),
        });
    }
    map
}

impl Heatmap {
    pub fn max(&self) -> i64 {
        self.counts.iter().flatten().copied().max().unwrap_or(0)
    }
}

pub fn no_shows(slots: &[SlotUse]) -> NoShows {
    slots.iter().filter(|s| s.ended).fold(NoShows::default(), |n, s| NoShows {
        reservations: n.reservations + s.booked,
        admitted: n.admitted + s.admitted,
    })
}

/// From (whole hours of lead, reservations) pairs in any order.
pub fn lead_time(mut hours: Vec<(i64, i64)>) -> LeadTime {
    for pair in hours.iter_mut() {
        pair.0 = pair.0.max(0);
    }
    hours.sort_unstable();
    let reservations: i64 = hours.iter().map(|(_, n)| n).sum();
    let buckets = LEAD_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, (label, from))| {
            let below = LEAD_BUCKETS.get(i + 1).map_or(i64::MAX, |(_, next)| *next);
            let count = hours.iter().filter(|(h, _)| (*from..below).contains(h)).map(|(_, n)| n).sum();
            LeadBucket { label: label.to_string(), count }
        })
        .collect();
    LeadTime {
        reservations,
        median_hours: percentile(&hours, reservations, 50),
        p90_hours: percentile(&hours, reservations, 90),
        buckets,
    }
}

/// The nearest-rank percentile of a sorted histogram of `total` values.
fn percentile(sorted: &[(i64, i64)], total: i64, p: i64) -> Option<i64> {
    let rank = (total * p + 99) / 100;
    let mut seen = 0;
    sorted
        .iter()
        .find(|(_, n)| {
            seen += n;
            seen >= rank.max(1)
        })
        .map(|(h, _)| *h)
}

/// Refusals by reason from (reason, count) rows, most frequent first, then by name.
pub fn refusals(mut rows: Vec<(String, i64)>) -> Vec<(String, i64)> {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(day: u32, hour: u32, capacity: i64, booked: i64, admitted: i64, ended: bool) -> SlotUse {
        SlotUse {
            slot_id: SlotId(i64::from(day * 100 + hour)),
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            start_time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(hour + 1, 0, 0).unwrap(),
            capacity,
            booked,
            admitted,
            closed: false,
            ended,
        }
    }

    fn range() -> DateRange {
        DateRange::parse("2026-11-01", "2026-11-03").unwrap()
    }

    #[test]
    fn percent_rounds_to_nearest_and_knows_nothing_of_nothing() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn every_day_of_the_range_is_listed_even_without_slots() {
        let slots = [slot(1, 9, 10, 4, 2, true), slot(1, 10, 10, 6, 6, true), slot(3, 9, 20, 5, 0, false)];
        let days = days(&range(), &slots);
        assert_eq!(days.len(), 3);
        assert_eq!((days[0].slots, days[0].capacity, days[0].booked, days[0].admitted), (2, 20, 10, 8));
        assert_eq!(days[0].utilization(), Some(50));
        assert_eq!((days[1].slots, days[1].utilization()), (0, None));
        assert_eq!(days[2].utilization(), Some(25));
    }

    #[test]
    fn demand_lands_on_the_slots_weekday_and_hour() {
        // 2026-11-01 is a Sunday, 2026-11-02 a Monday.
        let map = heatmap(&[slot(1, 9, 10, 4, 0, true), slot(2, 14, 10, 3, 0, true), slot(2, 14, 10, 2, 0, true)]);
        assert_eq!(map.counts[6][9], 4);
        assert_eq!(map.counts[0][14], 5);
        assert_eq!(map.hours, Some((9, 14)));
        assert_eq!(map.max(), 5);
    }

    #[test]
    fn only_ended_slots_count_towards_no_shows() {
        let n = no_shows(&[slot(1, 9, 10, 4, 3, true), slot(1, 10, 10, 6, 0, false)]);
        assert_eq!(n, NoShows { reservations: 4, admitted: 3 });
        assert_eq!((n.no_shows(), n.rate()), (1, Some(25)));
    }

    #[test]
    fn lead_time_percentiles_are_nearest_rank_over_whole_hours() {
        // Ten bookings: 0 h ×2, 5 h ×3, 30 h ×4, 800 h ×1.
        let lead = lead_time(vec![(30, 4), (0, 2), (800, 1), (5, 3)]);
        assert_eq!(lead.reservations, 10);
        assert_eq!(lead.median_hours, Some(5));
        assert_eq!(lead.p90_hours, Some(30));
        let counts: Vec<i64> = lead.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![2, 3, 4, 0, 0, 0, 1]);
    }

    #[test]
    fn a_booking_made_after_its_slot_started_has_no_lead() {
        let lead = lead_time(vec![(-2, 1), (-1, 1), (3, 1)]);
        assert_eq!(lead.buckets[0].count, 2);
        assert_eq!(lead.median_hours, Some(0));
    }

    #[test]
    fn no_bookings_have_no_percentiles() {
        let lead = lead_time(Vec::new());
        assert_eq!((lead.reservations, lead.median_hours, lead.p90_hours), (0, None, None));
    }

    #[test]
    fn refusals_are_listed_most_frequent_first() {
        let rows = vec![("WRONG_DATE".to_string(), 2), ("ALREADY_VERIFIED".into(), 5), ("NO_RESERVATION".into(), 2)];
        let names: Vec<String> = refusals(rows).into_iter().map(|(r, _)| r).collect();
        assert_eq!(names, ["ALREADY_VERIFIED", "NO_RESERVATION", "WRONG_DATE"]);
    }
}
