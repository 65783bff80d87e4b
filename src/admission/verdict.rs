//! What the scanner's screen says about one scan: the PRD's result states (§4.3.3), each with
//! what the operator needs to decide at the door. Built from the server's answer here; offline,
//! from the ticket's signature. Colour is never the only signal: each verdict also has its own
//! headline word and symbol.
use super::{EntryError, EntryFacts};
use crate::error::DomainError;
use crate::ids::TicketId;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// How the screen is coloured: let in, use judgement, turn away (PRD: green, yellow, red).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    Go,
    Caution,
    Stop,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    /// Good for entry now; admitting the holder is the next step.
    Valid(ValidEntry),
    /// The holder was admitted by this scan.
    Admitted { code: String },
    /// Offline: the QR code's signature is the organization's and its date is today; whether it
    /// was admitted at another door is not known until the network returns. `scanned` is the
    /// payload, kept for the admission's sync.
    ValidOffline { code: String, scanned: String },
    /// Offline: admitted on this device, queued for the server.
    Queued { code: String },
    /// Reserved for another day.
    WrongDate { code: String, reserved: NaiveDate, today: NaiveDate },
    /// Activated but no visit booked: the holder must book a time first.
    NoReservation { code: String },
    /// Admitted before, and when and by whom (on the venue's clock).
    AlreadyVerified { code: String, at: Option<NaiveDateTime>, by: Option<String> },
    /// Unknown, unpaid, expired, mistyped or forged; `reason` is the machine code.
    Invalid { code: String, reason: String, message: String },
}

/// A ticket good for entry, with what the PRD's screen shows of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidEntry {
    pub ticket_id: TicketId,
    pub code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub booked: i64,
    pub capacity: i64,
}

impl Verdict {
    /// The verdict on a ticket the server found good for entry.
    pub fn valid(facts: &EntryFacts) -> Verdict {
        match &facts.reservation {
            Some(r) => Verdict::Valid(ValidEntry {
                ticket_id: facts.ticket_id,
                code: facts.ticket_code.clone(),
                email: facts.customer_email.clone(),
                phone: facts.customer_phone.clone(),
                date: r.date,
                start: r.start_time,
                end: r.end_time,
                booked: r.booked_count,
                capacity: r.total_capacity,
            }),
            None => Verdict::NoReservation { code: facts.ticket_code.clone() },
        }
    }

    /// The verdict on a ticket the door refused; `code` is the ticket as scanned.
    pub fn refused(code: &str, refusal: &EntryError) -> Verdict {
        let code = code.to_string();
        match refusal {
            EntryError::WrongDate { reservation_date, today, .. } => {
                Verdict::WrongDate { code, reserved: *reservation_date, today: *today }
            }
            EntryError::NoReservation { .. } => Verdict::NoReservation { code },
            EntryError::AlreadyVerified { verified_at_venue, operator_name, .. } => {
                Verdict::AlreadyVerified { code, at: *verified_at_venue, by: operator_name.clone() }
            }
            other => Verdict::Invalid { code, reason: other.code().to_string(), message: other.to_string() },
        }
    }

    pub fn tone(&self) -> Tone {
        match self {
            Verdict::Valid(_) | Verdict::Admitted { .. } | Verdict::ValidOffline { .. } | Verdict::Queued { .. } => {
                Tone::Go
            }
            Verdict::NoReservation { .. } | Verdict::AlreadyVerified { .. } => Tone::Caution,
            Verdict::WrongDate { .. } | Verdict::Invalid { .. } => Tone::Stop,
        }
    }

    /// The word the screen leads with, readable at arm's length.
    pub fn headline(&self) -> &'static str {
        match self {
            Verdict::Valid(_) => "VALID",
            Verdict::Admitted { .. } | Verdict::Queued { .. } => "ADMITTED",
            Verdict::ValidOffline { .. } => "VALID",
            Verdict::WrongDate { .. } => "WRONG DATE",
            Verdict::NoReservation { .. } => "NO RESERVATION",
            Verdict::AlreadyVerified { .. } => "ALREADY VERIFIED",
            Verdict::Invalid { .. } => "INVALID",
        }
    }

    /// A symbol beside the headline, so the tone reads without colour.
    pub fn symbol(&self) -> &'static str {
        match self.tone() {
            Tone::Go => "✓",
            Tone::Caution => "!",
            Tone::Stop => "✗",
        }
    }

    /// The ticket code the verdict is about.
    pub fn code(&self) -> &str {
        match self {
            Verdict::Valid(entry) => &entry.code,
            Verdict::Admitted { code }
            | Verdict::ValidOffline { code, .. }
            | Verdict::Queued { code }
            | Verdict::WrongDate { code, .. }
            | Verdict::NoReservation { code }
            | Verdict::AlreadyVerified { code, .. }
            | Verdict::Invalid { code, .. } => code,
        }
    }
}

/// What was scanned, cut to what a screen can show: a camera reads any QR code, not only tickets.
pub fn shown(scanned: &str) -> String {
    scanned.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::lifecycle::TicketStatus;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn each_refusal_has_its_own_headline_and_tone() {
        let cases = [
            (
                EntryError::WrongDate { reservation_date: date(7), today: date(1), days_away: 6 },
                "WRONG DATE",
                Tone::Stop,
            ),
            (EntryError::NoReservation { ticket_status: TicketStatus::Activated }, "NO RESERVATION", Tone::Caution),
            (
                EntryError::AlreadyVerified {
                    verified_at: None,
                    verified_at_venue: None,
                    verified_by: None,
                    operator_name: Some("Jane".into()),
                },
                "ALREADY VERIFIED",
                Tone::Caution,
            ),
            (EntryError::TicketNotFound, "INVALID", Tone::Stop),
            (EntryError::TicketExpired, "INVALID", Tone::Stop),
            (EntryError::TicketNotActivated, "INVALID", Tone::Stop),
        ];
        for (refusal, headline, tone) in cases {
            let verdict = Verdict::refused("TKT", &refusal);
            assert_eq!((verdict.headline(), verdict.tone()), (headline, tone), "{refusal:?}");
            assert_eq!(verdict.code(), "TKT");
        }
    }

    #[test]
    fn an_invalid_ticket_keeps_the_reason_and_its_message() {
        match Verdict::refused("TKT", &EntryError::TicketExpired) {
            Verdict::Invalid { reason, message, .. } => {
                assert_eq!(reason, "TICKET_EXPIRED");
                assert_eq!(message, "This ticket has expired.");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_two_tones_share_a_symbol() {
        let go = Verdict::Admitted { code: "A".into() };
        let caution = Verdict::NoReservation { code: "A".into() };
        let stop = Verdict::Invalid { code: "A".into(), reason: "X".into(), message: "x".into() };
        assert_ne!(go.symbol(), caution.symbol());
        assert_ne!(caution.symbol(), stop.symbol());
        assert_ne!(go.symbol(), stop.symbol());
    }
}
