//! Why a booking was refused: the ticket's reason first, then the slot's, with slots to offer
//! instead. Everything it depends on is read in one query: a full hot slot is asked about
//! thousands of times a second, and each refusal's round trips are its latency.
use super::super::alternatives::alternatives;
use super::super::verify::CONFIRMED_FOR;
use super::super::{AlternativeSlot, Booking, ReserveError};
use crate::ids::{OrgId, SlotId, TicketId};
use crate::slots::SlotStatus;
use crate::store::Db;
use crate::tickets::lifecycle::TicketStatus;
use crate::{on_pool, Engine};
use chrono::{DateTime, NaiveDate, Utc};

/// A slot's row as a refusal needs it, and whether it had a seat to take at the instant read
/// (the seat statement's condition, read without locking anything).
#[derive(Debug, Clone, Copy)]
struct SlotNow {
    orq: OrgId,
    status: SlotStatus,
    starts_at: DateTime<Utc>,
    bookable: bool,
}

/// The ticket as a refusal needs it: its state, the day of its live reservation, and whether its
/// organization still waits for the booking's e-mail to be confirmed.
#[derive(Debug, Clone, Copy)]
struct TicketNow {
    id: TicketId,
    status: TicketStatus,
    orq: OrgId,
    reserved_date: Option<NaiveDate>,
    unconfirmed: bool,
}

/// A booking's ticket and slot as last committed, read together without locking anything.
#[derive(Debug, Clone, Copy)]
pub(super) struct Why {
    ticket: Option<TicketNow>,
    slot: Option<SlotNow>,
}

/// Ticket `$1`, booked by e-mail `$3` confirmed since `$4`, and slot `$2` at instant `$5`.
const WHY: &str = concat!(
    "SELECT t.id, t.status, t.orq, rs.date,
            o.verify_contact AND NOT EXISTS (SELECT 1 FROM contact_verifications v
                                            WHERE v.ticket_id = t.id AND v.destination = $3 AND v.verified_at > $4),
            s.orq, s.status, s.starts_at, s.bookable
     FROM (SELECT 1 AS one) q
     LEFT JOIN (SELECT orq, status, starts_at, (",
    crate::bookable!("$5"),
    ") AS bookable FROM reservation_slots WHERE id = $2) s ON 1 = 1
     LEFT JOIN tickets t ON t.ticket_code = $1
     LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
     LEFT JOIN reservation_slots rs ON rs.id = r.slot_id
     LEFT JOIN organizations o ON o.id = t.orq"
);

type WhyRow = (
    Option<TicketId>,
    Option<TicketStatus>,
    Option<OrgId>,
    Option<NaiveDate>,
    Option<bool>,
    Option<OrgId>,
    Option<SlotStatus>,
    Option<DateTime<Utc>>,
    Option<bool>,
);

impl Why {
    /// `booking`'s ticket and slot at `now`.
    pub(super) async fn read(db: &Db, booking: &Booking, now: DateTime<Utc>) -> Result<Why, sqlx::Error> {
        let row: Option<WhyRow> = on_pool!(db, pool => sqlx::query_as(WHY)
            .bind(booking.ticket.as_str()).bind(booking.slot_id).bind(booking.email.as_str())
            .bind(now - CONFIRMED_FOR).bind(now).fetch_optional(pool).await)?;
        let Some((id, status, orq, reserved_date, unconfirmed, slot_orq, slot_status, starts_at, bookable)) = row
        else {
            return Ok(Why { ticket: None, slot: None });
        };
        let ticket = match (id, status, orq) {
            (Some(id), Some(status), Some(orq)) => {
                Some(TicketNow { id, status, orq, reserved_date, unconfirmed: unconfirmed.unwrap_or(false) })
            }
            _ => None,
        };
        let slot = match (slot_orq, slot_status, starts_at, bookable) {
            (Some(orq), Some(status), Some(starts_at), Some(bookable)) => {
                Some(SlotNow { orq, status, starts_at, bookable })
            }
            _ => None,
        };
        Ok(Why { ticket, slot })
    }

    /// Whether a batch could book it as far as this read knows: a seat left, and nothing
    /// against the ticket.
    pub(super) fn may_book(&self, booking: &Booking) -> bool {
        matches!(self.refusal(booking), Err(slot) if slot.bookable)
    }

    /// The ticket's or the slot's reason to refuse `booking`, or the slot when neither has one
    /// but its seats (a batch decides those).
    fn refusal(&self, booking: &Booking) -> Result<ReserveError, SlotNow> {
        let Some(ticket) = self.ticket else { return Ok(ReserveError::TicketNotFound) };
        if booking.claimed_id.is_some_and(|claimed| claimed != ticket.id) {
            return Ok(ReserveError::TicketMismatch);
        }
        if let Some(e) = ReserveError::for_status(ticket.status, ticket.reserved_date) {
            return Ok(e);
        }
        if ticket.unconfirmed {
            return Ok(ReserveError::ContactNotConfirmed);
        }
        match self.slot.filter(|slot| slot.orq == ticket.orq) {
            None => Ok(ReserveError::SlotNotFound),
            Some(slot) => Err(slot),
        }
    }
}

/// The precise reason `booking` was refused, from `why` read at `now`.
pub(super) async fn explain(engine: &Engine, booking: &Booking, now: DateTime<Utc>, why: Why) -> ReserveError {
    let slot = match why.refusal(booking) {
        Ok(reason) => return reason,
        Err(slot) => slot,
    };
    // A full hot slot is asked about thousands of times a second: its offers are kept a moment.
    let read = || alternatives(&engine.db, slot.orq, booking.slot_id, slot.starts_at, now);
    match engine.events.full_slots().offer_or(booking.slot_id, read).await {
        Ok(offer) => slot_reason(slot, now, offer),
        Err(e) => e.into(),
    }
}

/// Slot `slot_id` as last committed, at `now`; `None` when there is no such slot.
async fn slot_now(db: &Db, slot_id: SlotId, now: DateTime<Utc>) -> Result<Option<SlotNow>, sqlx::Error> {
    const READ: &str = concat!(
        "SELECT orq, status, starts_at, (",
        crate::bookable!("$2"),
        ") AS bookable FROM reservation_slots WHERE id = $1"
    );
    let row: Option<(OrgId, SlotStatus, DateTime<Utc>, bool)> =
        on_pool!(db, pool => sqlx::query_as(READ).bind(slot_id).bind(now).fetch_optional(pool).await)?;
    Ok(row.map(|(orq, status, starts_at, bookable)| SlotNow { orq, status, starts_at, bookable }))
}

/// Why a seat in `slot_id` could not be taken for a ticket of organization `orq`.
pub(in crate::reservation) async fn slot_refusal(
    db: &Db,
    orq: OrgId,
    slot_id: SlotId,
    now: DateTime<Utc>,
) -> Result<ReserveError, ReserveError> {
    let Some(slot) = slot_now(db, slot_id, now).await?.filter(|slot| slot.orq == orq) else {
        return Ok(ReserveError::SlotNotFound);
    };
    let offer = alternatives(db, orq, slot_id, slot.starts_at, now).await?;
    Ok(slot_reason(slot, now, offer))
}

fn slot_reason(slot: SlotNow, now: DateTime<Utc>, alternatives: Vec<AlternativeSlot>) -> ReserveError {
    if slot.status == SlotStatus::Closed {
        ReserveError::SlotClosed { alternatives }
    } else if slot.starts_at <= now {
        ReserveError::SlotStarted { alternatives }
    } else {
        ReserveError::SlotFull { alternatives }
    }
}
