//! Live operations: what is happening at an organization's venue today, as one snapshot the
//! admin's live page shows and replaces whenever something changes (PRD §8.4).
//!
//! Definitions the figures follow:
//! - **Booked** is a slot's seats taken (reservations not cancelled, admitted ones included);
//!   **admitted** is how many of them were let in.
//! - **Occupancy** is an estimate: Gatehouse records entries, not exits, so it counts those
//!   admitted for the slots running now (started, not ended). A visitor admitted for 10:00–12:00
//!   counts until 12:00.
//! - **The last 15 minutes** are the current minute and the 14 before it (whole minutes, so that
//!   door scans and booking attempts, which are counted by the minute, cover the same span).
//! - **A scan** is a validation at the door or a scan synced from an offline scanner; the
//!   validation failure rate is refused scans over scans. Refusals by reason count every refused
//!   attempt in the check-in log, a refused admission too (two doors admitting one ticket).
//! - **A booking attempt** is a customer's booking that reached the slot (REST or portal); its
//!   failure rate is refused attempts over attempts (see `events::tally`).
pub mod alerts;
#[cfg(feature = "ssr")]
mod snapshot;

pub use alerts::{alerts, Alert};
#[cfg(feature = "ssr")]
pub use snapshot::snapshot;

use crate::ids::SlotId;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Minutes the recent figures cover.
pub const RECENT_MINUTES: i64 = 15;
/// Check-ins listed at most (latest first), and offline conflicts.
pub const LATEST: i64 = 20;

/// An organization's day so far; times are on the venue's clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    #[serde(with = "crate::wire::date")]
    pub today: NaiveDate,
    /// When it was read.
    #[serde(with = "crate::wire::time")]
    pub as_of: NaiveTime,
    pub slots: Vec<SlotLine>,
    /// Admitted for the slots running now.
    pub occupancy: i64,
    /// Scans in each of the last 15 minutes, oldest first.
    pub scans_per_minute: Vec<MinuteCount>,
    /// Scans and refused scans in the last 15 minutes.
    pub door_recent: Rate,
    pub door_today: Rate,
    pub refusals_recent: Vec<ReasonCount>,
    pub refusals_today: Vec<ReasonCount>,
    pub bookings_recent: Rate,
    pub bookings_today: Rate,
    pub latest: Vec<CheckIn>,
    /// Offline scans that found their ticket admitted already, today (latest first).
    pub conflicts: Vec<CheckIn>,
    pub conflicts_today: i64,
    pub alerts: Vec<Alert>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotLine {
    pub slot_id: SlotId,
    #[serde(with = "crate::wire::time")]
    pub start: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end: NaiveTime,
    pub capacity: i64,
    pub booked: i64,
    pub admitted: i64,
    pub closed: bool,
    pub when: SlotWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotWhen {
    Upcoming,
    Running,
    Ended,
}

impl SlotLine {
    /// Booked as a whole percentage of capacity (0 for a slot without capacity).
    pub fn utilization(&self) -> i64 {
        if self.capacity > 0 {
            self.booked * 100 / self.capacity
        } else {
            0
        }
    }
}

/// Attempts and how many of them were refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub total: i64,
    pub refused: i64,
}

impl Rate {
    /// Refused as a whole percentage of all (0 when there were none).
    pub fn percent(&self) -> i64 {
        if self.total > 0 {
            self.refused * 100 / self.total
        } else {
            0
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinuteCount {
    #[serde(with = "crate::wire::time")]
    pub minute: NaiveTime,
    pub scans: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    /// The refusal's machine code (`WRONG_DATE`, `CONFLICT`, …).
    pub reason: String,
    pub count: i64,
}

/// One attempt at the door.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    #[serde(with = "crate::wire::time")]
    pub at: NaiveTime,
    /// The ticket's code with all but its last characters hidden ([`mask_code`]).
    pub code: String,
    /// `VALIDATE` or `VERIFY`.
    pub action: String,
    /// `VALID`, `VERIFIED`, or the refusal's code.
    pub outcome: String,
    pub operator: Option<String>,
    pub offline: bool,
}

/// Outcomes that are not refusals.
pub const ACCEPTED: [&str; 2] = ["VALID", "VERIFIED"];

/// What an outcome at the door means, in words; an unknown code is shown as it is.
pub fn outcome_label(code: &str) -> &str {
    match code {
        "VALID" => "Valid",
        "VERIFIED" => "Admitted",
        "TICKET_NOT_FOUND" => "Unknown ticket",
        "TICKET_NOT_ACTIVATED" => "Not paid yet",
        "TICKET_EXPIRED" => "Expired",
        "NO_RESERVATION" => "No visit booked",
        "ALREADY_VERIFIED" => "Already admitted",
        "WRONG_DATE" => "Booked for another day",
        "CONFLICT" => "Offline: admitted elsewhere first",
        other => other,
    }
}

/// A ticket code as a screen anyone may glance at shows it: the last five characters, enough
/// to tell tickets apart and find one, not enough to use it.
pub fn mask_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() <= 6 {
        return code.to_string();
    }
    let tail: String = chars[chars.len() - 5..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_shows_only_its_last_five_characters() {
        assert_eq!(mask_code("TKT-2026-7K3Q9X-M2D8HW-4RTVN"), "…4RTVN");
        assert_eq!(mask_code("#42"), "#42");
    }

    #[test]
    fn outcomes_are_worded_and_an_unknown_one_is_shown_as_it_is() {
        assert_eq!(outcome_label("WRONG_DATE"), "Booked for another day");
        assert_eq!(outcome_label("SOMETHING_NEW"), "SOMETHING_NEW");
    }

    #[test]
    fn utilization_and_rates_are_whole_percentages_and_zero_when_empty() {
        let line = |booked, capacity| SlotLine {
            slot_id: SlotId(1),
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
            capacity,
            booked,
            admitted: 0,
            closed: false,
            when: SlotWhen::Upcoming,
        };
        assert_eq!(line(181, 200).utilization(), 90);
        assert_eq!(line(0, 0).utilization(), 0);
        assert_eq!(Rate { total: 3, refused: 1 }.percent(), 33);
        assert_eq!(Rate::default().percent(), 0);
    }
}
