//! Why a booking was refused, read once its batch is gone: the ticket's reason first, then the
//! slot's, with slots to offer instead.
use super::super::alternatives::alternatives;
use super::super::{AlternativeSlot, Booking, ReserveError};
use crate::ids::{OrgId, SlotId};
use crate::slots::SlotStatus;
use crate::store::Db;
use crate::{on_pool, tickets, Engine};
use chrono::{DateTime, Utc};

/// A slot's row as a refusal needs it, and whether it had a seat to take at the instant read
/// (the seat statement's condition, read without locking anything).
#[derive(Debug, Clone, Copy)]
pub(super) struct SlotNow {
    orq: OrgId,
    status: SlotStatus,
    starts_at: DateTime<Utc>,
    pub(super) bookable: bool,
}

/// Slot `slot_id` as last committed, at `now`; `None` when there is no such slot.
pub(super) async fn slot_now(db: &Db, slot_id: SlotId, now: DateTime<Utc>) -> Result<Option<SlotNow>, sqlx::Error> {
    const READ: &str = concat!(
        "SELECT orq, status, starts_at, (",
        crate::bookable!("$2"),
        ") AS bookable FROM reservation_slots WHERE id = $1"
    );
    let row: Option<(OrgId, SlotStatus, DateTime<Utc>, bool)> =
        on_pool!(db, pool => sqlx::query_as(READ).bind(slot_id).bind(now).fetch_optional(pool).await)?;
    Ok(row.map(|(orq, status, starts_at, bookable)| SlotNow { orq, status, starts_at, bookable }))
}

/// The precise reason `booking` was refused; `slot` when the slot's row was just read.
pub(super) async fn explain(
    engine: &Engine,
    booking: &Booking,
    now: DateTime<Utc>,
    slot: Option<Option<SlotNow>>,
) -> ReserveError {
    match reason(engine, booking, now, slot).await {
        Ok(e) | Err(e) => e,
    }
}

async fn reason(
    engine: &Engine,
    booking: &Booking,
    now: DateTime<Utc>,
    slot: Option<Option<SlotNow>>,
) -> Result<ReserveError, ReserveError> {
    let Some(ticket) = tickets::find_by_code(&engine.db, &booking.ticket).await? else {
        return Ok(ReserveError::TicketNotFound);
    };
    if booking.claimed_id.is_some_and(|claimed| claimed != ticket.ticket_id) {
        return Ok(ReserveError::TicketMismatch);
    }
    if let Some(e) = ReserveError::for_status(ticket.status, ticket.reservation.as_ref().map(|r| r.date)) {
        return Ok(e);
    }
    if super::super::verify::required(&engine.db, ticket.orq).await?
        && !super::super::verify::is_confirmed(&engine.db, &booking.ticket, &booking.email, now).await?
    {
        return Ok(ReserveError::ContactNotConfirmed);
    }
    let slot = match slot {
        Some(slot) => slot,
        None => slot_now(&engine.db, booking.slot_id, now).await?,
    };
    let Some(slot) = slot.filter(|slot| slot.orq == ticket.orq) else {
        return Ok(ReserveError::SlotNotFound);
    };
    // A full hot slot is asked about thousands of times a second: its offers are kept a moment.
    let full = engine.events.full_slots();
    let offer = match full.offer(booking.slot_id) {
        Some(offer) => offer,
        None => {
            let offer = alternatives(&engine.db, ticket.orq, booking.slot_id, slot.starts_at, now).await?;
            full.keep_offer(booking.slot_id, offer.clone());
            offer
        }
    };
    Ok(slot_reason(slot, now, offer))
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
