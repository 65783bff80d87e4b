//! One calendar day at a glance, summed from its slots.
use super::capacity::CapacityStatus;
use super::SlotAvailability;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One calendar day at a glance: how much can still be booked across its slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    pub slots: usize,
    pub bookable_slots: usize,
    pub available: i64,
    /// Over bookable slots only; `Full` when none can be booked (full, closed or past).
    pub capacity_status: CapacityStatus,
}

/// Groups slots (in time order, as [`month_availability`] returns them) into days.
pub fn day_summaries(slots: &[SlotAvailability]) -> Vec<DaySummary> {
    let mut days: Vec<DaySummary> = Vec::new();
    let mut totals: Vec<i64> = Vec::new();
    for slot in slots {
        if days.last().map(|d| d.date) != Some(slot.date) {
            days.push(DaySummary {
                date: slot.date,
                slots: 0,
                bookable_slots: 0,
                available: 0,
                capacity_status: CapacityStatus::Full,
            });
            totals.push(0);
        }
        let (day, total) = (days.last_mut(), totals.last_mut());
        let (Some(day), Some(total)) = (day, total) else {
            continue;
        };
        day.slots += 1;
        if slot.bookable {
            day.bookable_slots += 1;
            day.available += slot.available_count;
            *total += slot.total_capacity;
        }
        day.capacity_status = CapacityStatus::of(*total, *total - day.available);
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::slots::SlotStatus;
    use chrono::NaiveTime;

    fn slot(day: u32, hour: u32, total: i64, booked: i64, bookable: bool) -> SlotAvailability {
        SlotAvailability {
            id: crate::ids::SlotId((day * 100 + hour) as i64),
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            start_time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(hour + 2, 0, 0).unwrap(),
            total_capacity: total,
            booked_count: booked,
            available_count: total - booked,
            status: SlotStatus::Active,
            capacity_status: CapacityStatus::of(total, booked),
            bookable,
        }
    }

    #[test]
    fn a_day_sums_its_bookable_slots_only() {
        let days =
            day_summaries(&[slot(24, 10, 200, 200, false), slot(24, 12, 200, 150, true), slot(24, 14, 200, 0, false)]);
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].slots, days[0].bookable_slots, days[0].available), (3, 1, 50));
        assert_eq!(days[0].capacity_status, CapacityStatus::Limited);
    }

    #[test]
    fn a_day_with_nothing_bookable_is_full() {
        let days = day_summaries(&[slot(24, 10, 200, 200, false), slot(25, 10, 200, 10, true)]);
        assert_eq!(days[0].capacity_status, CapacityStatus::Full);
        assert_eq!(days[1].capacity_status, CapacityStatus::Available);
    }
}
