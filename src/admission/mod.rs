//! At the door: is this ticket good for entry today, and admitting its holder exactly once.
//! Every attempt, whatever its outcome, is written to the check-in log; so is every scan a
//! scanner made offline and synced later ([`offline`]).
#[cfg(feature = "ssr")]
mod admit;
#[cfg(feature = "ssr")]
mod facts;
#[cfg(feature = "ssr")]
mod log;
pub mod offline;
mod scan;
pub mod shift;
#[cfg(feature = "ssr")]
mod sync;
pub mod verdict;

#[cfg(feature = "ssr")]
pub use admit::{validate_entry, verify};
#[cfg(feature = "ssr")]
pub use facts::{entry_facts, TicketRef};
#[cfg(feature = "ssr")]
pub use scan::scanned_ticket_code;
pub use scan::{ticket_code_from_scan, ScanError};
#[cfg(feature = "ssr")]
pub use sync::{door_keys, sync};

use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, TicketId, UserId};
use crate::tickets::lifecycle::TicketStatus;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What the door needs to know about a ticket, read in one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryFacts {
    pub ticket_id: TicketId,
    pub ticket_code: String,
    pub orq: OrgId,
    pub status: TicketStatus,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub reservation: Option<EntryReservation>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<UserId>,
    /// When it was admitted, on the venue's clock (what the operator's screen shows).
    pub verified_at_venue: Option<NaiveDateTime>,
    pub operator_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryReservation {
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub booked_count: i64,
    pub total_capacity: i64,
    /// "Today" at the slot's venue, whatever the server's own time zone.
    pub venue_today: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("Ticket code not found.")]
    TicketNotFound,
    #[error("This ticket is not activated yet.")]
    TicketNotActivated,
    #[error("This ticket has expired.")]
    TicketExpired,
    #[error("Ticket is activated but has no reservation")]
    NoReservation { ticket_status: TicketStatus },
    #[error("This ticket was already verified")]
    AlreadyVerified {
        verified_at: Option<DateTime<Utc>>,
        verified_at_venue: Option<NaiveDateTime>,
        verified_by: Option<UserId>,
        operator_name: Option<String>,
    },
    #[error("Ticket reserved for {reservation_date}, not today")]
    WrongDate { reservation_date: NaiveDate, today: NaiveDate, days_away: i64 },
    #[error("storage failure")]
    Storage(#[from] crate::reservation::StorageError),
}

impl DomainError for EntryError {
    fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::TicketNotActivated => "TICKET_NOT_ACTIVATED",
            Self::TicketExpired => "TICKET_EXPIRED",
            Self::NoReservation { .. } => "NO_RESERVATION",
            Self::AlreadyVerified { .. } => "ALREADY_VERIFIED",
            Self::WrongDate { .. } => "WRONG_DATE",
            Self::Storage(_) => "INTERNAL",
        }
    }

    /// PRD §6.2: refusals at the door answer 400, an unknown code 404.
    fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound => 404,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::NoReservation { ticket_status } => details([("ticket_status", detail(ticket_status))]),
            Self::AlreadyVerified { verified_at, verified_at_venue, verified_by, operator_name } => details([
                ("verified_at", detail(verified_at)),
                ("verified_at_venue", detail(verified_at_venue)),
                ("verified_by", detail(verified_by)),
                ("operator_name", detail(operator_name)),
            ]),
            Self::WrongDate { reservation_date, today, days_away } => details([
                ("reservation_date", detail(reservation_date)),
                ("today", detail(today)),
                ("days_away", detail(days_away)),
            ]),
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The PRD's validation logic (§6.2), as a pure function of the facts and the venue's today.
pub fn entry_verdict(facts: &EntryFacts) -> Result<&EntryReservation, EntryError> {
    match facts.status {
        TicketStatus::PendingPayment => Err(EntryError::TicketNotActivated),
        TicketStatus::Expired => Err(EntryError::TicketExpired),
        TicketStatus::Verified => Err(EntryError::AlreadyVerified {
            verified_at: facts.verified_at,
            verified_at_venue: facts.verified_at_venue,
            verified_by: facts.verified_by,
            operator_name: facts.operator_name.clone(),
        }),
        TicketStatus::Activated => Err(EntryError::NoReservation { ticket_status: facts.status }),
        TicketStatus::Reserved => {
            let r = facts.reservation.as_ref().ok_or(EntryError::NoReservation { ticket_status: facts.status })?;
            if r.date == r.venue_today {
                Ok(r)
            } else {
                Err(EntryError::WrongDate {
                    reservation_date: r.date,
                    today: r.venue_today,
                    days_away: (r.date - r.venue_today).num_days(),
                })
            }
        }
    }
}

/// Who is at the door, for the log.
#[derive(Debug, Clone)]
pub struct Door {
    pub operator_id: UserId,
    pub orq: OrgId,
    pub device: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Admitted {
    pub ticket_id: TicketId,
    pub ticket_code: String,
    pub verified_at: DateTime<Utc>,
    pub verified_by: UserId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: TicketStatus, date: Option<(u32, u32)>) -> EntryFacts {
        EntryFacts {
            ticket_id: TicketId(1),
            ticket_code: "TKT".into(),
            orq: OrgId(1),
            status,
            customer_email: None,
            customer_phone: None,
            reservation: date.map(|(day, today)| EntryReservation {
                date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
                start_time: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                end_time: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                booked_count: 150,
                total_capacity: 200,
                venue_today: NaiveDate::from_ymd_opt(2026, 11, today).unwrap(),
            }),
            verified_at: None,
            verified_by: None,
            verified_at_venue: None,
            operator_name: None,
        }
    }

    #[test]
    fn a_reserved_ticket_on_its_day_is_valid() {
        assert!(entry_verdict(&facts(TicketStatus::Reserved, Some((23, 23)))).is_ok());
    }

    #[test]
    fn a_reserved_ticket_on_another_day_says_how_far_away_its_day_is() {
        match entry_verdict(&facts(TicketStatus::Reserved, Some((29, 23)))) {
            Err(EntryError::WrongDate { days_away, .. }) => assert_eq!(days_away, 6),
            other => panic!("{other:?}"),
        }
        match entry_verdict(&facts(TicketStatus::Reserved, Some((22, 23)))) {
            Err(EntryError::WrongDate { days_away, .. }) => assert_eq!(days_away, -1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_other_status_is_refused_with_its_own_code() {
        let code = |s| entry_verdict(&facts(s, Some((23, 23)))).err().map(|e| e.code());
        assert_eq!(code(TicketStatus::PendingPayment), Some("TICKET_NOT_ACTIVATED"));
        assert_eq!(code(TicketStatus::Activated), Some("NO_RESERVATION"));
        assert_eq!(code(TicketStatus::Verified), Some("ALREADY_VERIFIED"));
        assert_eq!(code(TicketStatus::Expired), Some("TICKET_EXPIRED"));
    }
}
