//! Booking a slot for a ticket, moving it, and cancelling it. Each is one write for the
//! batcher whose capacity rule is a conditional UPDATE the database enforces, so concurrent
//! requests and several server instances can never oversell.
#[cfg(feature = "ssr")]
mod alternatives;
#[cfg(feature = "ssr")]
mod book;
#[cfg(feature = "ssr")]
mod cancel;
#[cfg(feature = "ssr")]
mod change;
#[cfg(feature = "ssr")]
pub mod link;
#[cfg(feature = "ssr")]
mod manage;
#[cfg(feature = "ssr")]
pub mod verify;

#[cfg(feature = "ssr")]
pub use alternatives::alternatives;
#[cfg(feature = "ssr")]
pub use book::{reserve, ticket_for_reservation};
#[cfg(feature = "ssr")]
pub use cancel::cancel;
#[cfg(feature = "ssr")]
pub use change::reschedule;
#[cfg(feature = "ssr")]
pub use manage::{may_manage, ticket_to_book_or_move};

use crate::contact::{ContactError, Email, PhoneE164};
use crate::error::{detail, details, DomainError};
use crate::ids::{ReservationId, SlotId, TicketId};
use crate::slots::SlotTimes;
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::TicketStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

crate::with_slot_times! {
    /// A slot offered instead of a full one (PRD §6.1 `alternative_slots`).
    pub struct AlternativeSlot {
        pub available_count: i64,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confirmed {
    pub reservation_id: ReservationId,
    pub ticket_id: TicketId,
    pub ticket_code: String,
    pub slot: SlotTimes,
    /// The secret that changes or cancels this reservation: shown to the booker once.
    pub manage_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    #[error("Invalid ticket code. Please check and try again.")]
    TicketNotFound,
    #[error("Send the ticket code (ticket_code) to book with a ticket.")]
    TicketCodeRequired,
    /// The caller named a ticket id as well as a code, and they are not one ticket. Which of the
    /// two is wrong is not said: ids are guessable, codes are not.
    #[error("The ticket id and ticket code do not belong to one ticket.")]
    TicketMismatch,
    #[error("Changing or cancelling a visit needs the management link from the booking confirmation.")]
    ManageTokenRequired,
    #[error("This management link is not valid for this ticket's reservation.")]
    ManageTokenInvalid,
    #[error("This ticket is not activated yet. Please complete payment.")]
    TicketNotActivated,
    #[error("This ticket is already booked for {}.", .reserved_date.map(crate::wording::full_date).unwrap_or_else(|| "another date".into()))]
    TicketAlreadyReserved { reserved_date: Option<NaiveDate> },
    #[error("This ticket has already been used for entry.")]
    TicketAlreadyUsed,
    #[error("This ticket has expired.")]
    TicketExpired,
    #[error("This ticket has no reservation to change.")]
    NoReservation,
    #[error("That time slot does not exist.")]
    SlotNotFound,
    #[error("This time slot is full. Please select another time.")]
    SlotFull { alternatives: Vec<AlternativeSlot> },
    #[error("This time slot is closed. Please select another time.")]
    SlotClosed { alternatives: Vec<AlternativeSlot> },
    #[error("This time slot has already started. Please select a later time.")]
    SlotStarted { alternatives: Vec<AlternativeSlot> },
    #[error("The ticket is already reserved for this time slot.")]
    SameSlot,
    #[error("Reservations can be changed or cancelled up to {hours} hours before the visit.")]
    CutoffPassed { hours: i64 },
    #[error("Confirm your e-mail address with the code we sent to it before booking.")]
    ContactNotConfirmed,
    #[error("{0}")]
    Contact(#[from] ContactError),
    #[error("storage failure")]
    Storage(#[from] StorageError),
}

/// A database failure: logged in full on the server, answered generically. In the browser,
/// where there is no storage, it cannot be built.
#[cfg(feature = "ssr")]
pub type StorageError = sqlx::Error;
#[cfg(not(feature = "ssr"))]
#[derive(Debug, thiserror::Error)]
#[error("storage failure")]
pub enum StorageError {}

impl DomainError for ReserveError {
    /// The PRD's machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::TicketCodeRequired => "TICKET_CODE_REQUIRED",
            Self::TicketMismatch => "TICKET_MISMATCH",
            Self::ManageTokenRequired => "MANAGE_TOKEN_REQUIRED",
            Self::ManageTokenInvalid => "MANAGE_TOKEN_INVALID",
            Self::TicketNotActivated => "TICKET_NOT_ACTIVATED",
            Self::TicketAlreadyReserved { .. } => "TICKET_ALREADY_RESERVED",
            Self::TicketAlreadyUsed => "TICKET_ALREADY_VERIFIED",
            Self::TicketExpired => "TICKET_EXPIRED",
            Self::NoReservation => "NO_RESERVATION",
            Self::SlotNotFound => "SLOT_NOT_FOUND",
            Self::SlotFull { .. } => "SLOT_FULL",
            Self::SlotClosed { .. } => "SLOT_CLOSED",
            Self::SlotStarted { .. } => "SLOT_IN_PAST",
            Self::SameSlot => "SAME_SLOT",
            Self::CutoffPassed { .. } => "CHANGE_CUTOFF_PASSED",
            Self::ContactNotConfirmed => "CONTACT_NOT_VERIFIED",
            Self::Contact(e) => e.code(),
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound | Self::SlotNotFound => 404,
            Self::TicketAlreadyReserved { .. } | Self::SlotFull { .. } | Self::SameSlot => 409,
            Self::ManageTokenRequired | Self::ManageTokenInvalid | Self::ContactNotConfirmed => 403,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::TicketAlreadyReserved { reserved_date } => details([("reserved_date", detail(reserved_date))]),
            Self::CutoffPassed { hours } => details([("cutoff_hours", detail(hours))]),
            _ => match self.alternatives() {
                Some(alternatives) => details([("alternative_slots", detail(alternatives))]),
                None => Map::new(),
            },
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

impl ReserveError {
    pub fn alternatives(&self) -> Option<&[AlternativeSlot]> {
        match self {
            Self::SlotFull { alternatives }
            | Self::SlotClosed { alternatives }
            | Self::SlotStarted { alternatives } => Some(alternatives),
            _ => None,
        }
    }

    /// Why a ticket in `status` cannot be reserved (PRD §4.2.1); `None` when it can.
    pub fn for_status(status: TicketStatus, reserved_date: Option<NaiveDate>) -> Option<ReserveError> {
        match status {
            TicketStatus::Activated => None,
            TicketStatus::PendingPayment => Some(Self::TicketNotActivated),
            TicketStatus::Reserved => Some(Self::TicketAlreadyReserved { reserved_date }),
            TicketStatus::Verified => Some(Self::TicketAlreadyUsed),
            TicketStatus::Expired => Some(Self::TicketExpired),
        }
    }
}

/// What a customer submits to book: parsed, so an operation never sees bad contact details.
/// The ticket is named by its code, the secret its holder holds; an id alone is guessable.
#[derive(Debug, Clone)]
pub struct Booking {
    pub ticket: TicketCode,
    /// A ticket id the caller sent as well (the PRD's request shape): it must be the code's.
    pub claimed_id: Option<TicketId>,
    pub slot_id: SlotId,
    pub email: Email,
    pub phone: PhoneE164,
}

#[cfg(feature = "ssr")]
impl Booking {
    pub fn parse(
        ticket: TicketCode,
        claimed_id: Option<TicketId>,
        slot_id: SlotId,
        email: &str,
        phone: &str,
    ) -> Result<Booking, ContactError> {
        Ok(Booking { ticket, claimed_id, slot_id, email: Email::parse(email)?, phone: PhoneE164::parse(phone)? })
    }
}
