//! Cancelling a reservation: its seat is freed and the ticket can be booked anew.
use super::manage::{live_reservation, Live};
use super::ReserveError;
use crate::ids::{ReservationId, SlotId, TicketId};
use crate::notify::{self, kind::Kind};
use crate::slots::seats::FREE_SEAT;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::moves::CANCEL;
use crate::{on_tx, Engine};
use chrono::{DateTime, Utc};

/// Cancels a reservation: its seat is freed and the ticket is ACTIVATED again, to book anew.
/// A change that moves the reservation at the same moment makes one attempt refuse; the
/// next one reads where the reservation is now.
pub async fn cancel(engine: &Engine, code: &TicketCode, manage: Option<&str>) -> Result<(), ReserveError> {
    for _ in 0..3 {
        let Live { reservation_id, ticket_id, slot_id, .. } = live_reservation(engine, code, manage).await?;
        let write = Cancel { reservation_id, ticket_id, slot_id, now: engine.now() };
        if engine.batcher.write(write).await? {
            engine.events.slot_changed(slot_id);
            engine.events.outbox_written();
            return Ok(());
        }
    }
    // Admitted, expired or cancelled meanwhile: report what it is now.
    live_reservation(engine, code, manage).await.map(|_| ()).and(Err(ReserveError::NoReservation))
}

struct Cancel {
    reservation_id: ReservationId,
    ticket_id: TicketId,
    slot_id: SlotId,
    now: DateTime<Utc>,
}

impl Write for Cancel {
    /// Whether it was cancelled; `false` when the reservation changed meanwhile.
    type Output = bool;

    async fn apply(&self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        let Cancel { reservation_id, ticket_id, slot_id, now } = self;
        on_tx!(tx, conn => async {
            // Conditioned on the reservation still being live *in the slot whose seat is freed*:
            // a change that moved it meanwhile makes this refuse, never free the wrong seat.
            let cancelled = sqlx::query(
                "UPDATE ticket_reservations SET status = 'CANCELLED', updated_at = $2
                 WHERE id = $1 AND slot_id = $3 AND status = 'RESERVED'")
                .bind(reservation_id).bind(now).bind(slot_id).execute(&mut *conn).await?.rows_affected();
            if cancelled == 0 {
                return Ok(false);
            }
            let released = sqlx::query(
                "UPDATE tickets SET status = $2, reserved_at = NULL, customer_email = NULL, customer_phone = NULL
                 WHERE id = $1 AND status = $3")
                .bind(ticket_id).bind(CANCEL.to).bind(CANCEL.from).execute(&mut *conn).await?.rows_affected();
            if released == 0 {
                sqlx::query("UPDATE ticket_reservations SET status = 'RESERVED' WHERE id = $1")
                    .bind(reservation_id).execute(&mut *conn).await?;
                return Ok(false);
            }
            sqlx::query(FREE_SEAT).bind(slot_id).bind(now).execute(&mut *conn).await?;
            let key = notify::queue::reservation_key(Kind::Cancelled, *reservation_id, *slot_id, None);
            sqlx::query(notify::queue::FOR_RESERVATION)
                .bind(reservation_id).bind(key).bind(Kind::Cancelled).bind(None::<String>).bind(now)
                .bind(Kind::Cancelled.texts()).execute(&mut *conn).await?;
            Ok(true)
        }.await)
    }
}
