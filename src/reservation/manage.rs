//! Who may change or cancel a reservation: the holder of its management token, before the
//! change cut-off.
use super::ReserveError;
use crate::ids::{OrgId, ReservationId, SlotId, TicketId};
use crate::store::Db;
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::TicketStatus;
use crate::tickets::{self, TicketSummary};
use crate::{on_pool, secret, Engine};
use chrono::{DateTime, Utc};

/// The live reservation of a ticket, as change and cancel need it.
pub(super) struct Live {
    pub reservation_id: ReservationId,
    pub ticket_id: TicketId,
    pub orq: OrgId,
    pub slot_id: SlotId,
}

/// The reservation `manage` may change or cancel. The cut-off is checked before the token:
/// it is no secret, and a holder without the link learns that no link would help.
pub(super) async fn live_reservation(
    engine: &Engine,
    code: &TicketCode,
    manage: Option<&str>,
) -> Result<Live, ReserveError> {
    let record = tickets::lookup::record_by_code(&engine.db, code).await?.ok_or(ReserveError::TicketNotFound)?;
    let ticket = &record.summary;
    match ticket.status {
        TicketStatus::Reserved => {}
        TicketStatus::Activated => return Err(ReserveError::NoReservation),
        other => return Err(ReserveError::for_status(other, None).unwrap_or(ReserveError::NoReservation)),
    }
    let (Some(reservation_id), Some(slot)) = (record.reservation_id, &ticket.reservation) else {
        return Err(ReserveError::NoReservation);
    };
    check_cutoff(engine, slot.starts_at)?;
    let manage = manage.filter(|m| !m.trim().is_empty()).ok_or(ReserveError::ManageTokenRequired)?;
    if !record.manage_hash.as_deref().is_some_and(|stored| secret::matches(manage.trim(), stored)) {
        return Err(ReserveError::ManageTokenInvalid);
    }
    Ok(Live { reservation_id, ticket_id: ticket.ticket_id, orq: ticket.orq, slot_id: slot.slot_id })
}

/// Whether `manage` is the management token of the ticket's live reservation (for showing
/// the contact details in full and offering change and cancel).
pub async fn may_manage(db: &Db, ticket_id: TicketId, manage: &str) -> Result<bool, sqlx::Error> {
    let stored: Option<(Option<String>,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT manage_hash FROM ticket_reservations WHERE ticket_id = $1 AND status = 'RESERVED'")
        .bind(ticket_id).fetch_optional(pool).await)?;
    Ok(stored.and_then(|(h,)| h).is_some_and(|h| secret::matches(manage.trim(), &h)))
}

fn check_cutoff(engine: &Engine, starts_at: DateTime<Utc>) -> Result<(), ReserveError> {
    if engine.can_still_change(starts_at) {
        Ok(())
    } else {
        Err(ReserveError::CutoffPassed { hours: engine.change_cutoff.num_hours() })
    }
}

/// The ticket of the booking flow, in one look-up: an ACTIVATED ticket to book, or a RESERVED
/// one whose visit may still be moved (before the change cut-off, with its management token).
pub async fn ticket_to_book_or_move(
    engine: &Engine,
    code: &TicketCode,
    manage: Option<&str>,
) -> Result<TicketSummary, ReserveError> {
    let record = tickets::lookup::record_by_code(&engine.db, code).await?.ok_or(ReserveError::TicketNotFound)?;
    let ticket = record.summary;
    match (ticket.status, &ticket.reservation) {
        (TicketStatus::Reserved, Some(slot)) => {
            check_cutoff(engine, slot.starts_at)?;
            let manage = manage.ok_or(ReserveError::TicketAlreadyReserved { reserved_date: Some(slot.date) })?;
            if record.manage_hash.as_deref().is_some_and(|stored| secret::matches(manage.trim(), stored)) {
                Ok(ticket)
            } else {
                Err(ReserveError::ManageTokenInvalid)
            }
        }
        (status, slot) => match ReserveError::for_status(status, slot.as_ref().map(|s| s.date)) {
            None => Ok(ticket),
            Some(e) => Err(e),
        },
    }
}
