//! The PRD's alerts (§8.4) as a pure function of the day's figures.
use super::{Rate, SlotLine, SlotWhen};
use crate::ids::SlotId;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// A slot booked above this share of its capacity is nearly full.
pub const NEARLY_FULL_PERCENT: i64 = 90;
/// More refusals than this share of attempts over the last 15 minutes is an alert.
pub const FAILURE_PERCENT: i64 = 10;
/// Fewer attempts than this in 15 minutes say nothing about a rate (one refusal out of three
/// scans is not a failing door).
pub const MIN_ATTEMPTS: i64 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Alert {
    /// A slot not yet ended is booked above 90 % of its capacity.
    SlotNearlyFull {
        slot_id: SlotId,
        #[serde(with = "crate::wire::time")]
        start: NaiveTime,
        #[serde(with = "crate::wire::time")]
        end: NaiveTime,
        booked: i64,
        capacity: i64,
    },
    /// More than 10 % of the last 15 minutes' scans were refused.
    DoorRefusals(Rate),
    /// More than 10 % of the last 15 minutes' booking attempts were refused.
    BookingRefusals(Rate),
}

/// The alerts the day's figures raise: the failure rates first, then the slots in time order.
pub fn alerts(slots: &[SlotLine], door_recent: Rate, bookings_recent: Rate) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if failing(door_recent) {
        alerts.push(Alert::DoorRefusals(door_recent));
    }
    if failing(bookings_recent) {
        alerts.push(Alert::BookingRefusals(bookings_recent));
    }
    alerts.extend(slots.iter().filter(|s| nearly_full(s)).map(|s| Alert::SlotNearlyFull {
        slot_id: s.slot_id,
        start: s.start,
        end: s.end,
        booked: s.booked,
        capacity: s.capacity,
    }));
    alerts
}

fn failing(rate: Rate) -> bool {
    rate.total >= MIN_ATTEMPTS && rate.refused * 100 > rate.total * FAILURE_PERCENT
}

/// Closed and ended slots take no more bookings, so their fill is no warning.
fn nearly_full(slot: &SlotLine) -> bool {
    !slot.closed
        && slot.when != SlotWhen::Ended
        && slot.capacity > 0
        && slot.booked * 100 > slot.capacity * NEARLY_FULL_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(booked: i64, capacity: i64) -> SlotLine {
        SlotLine {
            slot_id: SlotId(1),
            start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            capacity,
            booked,
            admitted: 0,
            closed: false,
            when: SlotWhen::Upcoming,
        }
    }

    fn none() -> Rate {
        Rate::default()
    }

    #[test]
    fn a_slot_at_exactly_90_percent_is_no_alert_and_one_seat_more_is() {
        assert!(alerts(&[slot(180, 200)], none(), none()).is_empty());
        assert_eq!(
            alerts(&[slot(181, 200)], none(), none()),
            vec![Alert::SlotNearlyFull {
                slot_id: SlotId(1),
                start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                booked: 181,
                capacity: 200,
            }]
        );
    }

    #[test]
    fn a_full_slot_that_is_closed_ended_or_without_capacity_is_no_alert() {
        let closed = SlotLine { closed: true, ..slot(200, 200) };
        let ended = SlotLine { when: SlotWhen::Ended, ..slot(200, 200) };
        let running = SlotLine { when: SlotWhen::Running, ..slot(200, 200) };
        assert!(alerts(&[closed, ended, slot(0, 0)], none(), none()).is_empty());
        assert_eq!(alerts(&[running], none(), none()).len(), 1);
    }

    #[test]
    fn refusals_at_exactly_10_percent_are_no_alert_and_above_are() {
        let at = Rate { total: 100, refused: 10 };
        let above = Rate { total: 100, refused: 11 };
        assert!(alerts(&[], at, at).is_empty());
        assert_eq!(alerts(&[], above, none()), vec![Alert::DoorRefusals(above)]);
        assert_eq!(alerts(&[], none(), above), vec![Alert::BookingRefusals(above)]);
    }

    #[test]
    fn too_few_attempts_say_nothing_about_a_rate() {
        let few = Rate { total: MIN_ATTEMPTS - 1, refused: MIN_ATTEMPTS - 1 };
        let enough = Rate { total: MIN_ATTEMPTS, refused: 2 };
        assert!(alerts(&[], few, few).is_empty());
        assert_eq!(alerts(&[], enough, none()), vec![Alert::DoorRefusals(enough)]);
    }
}
