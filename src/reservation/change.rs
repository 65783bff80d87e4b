//! Moving a reservation to another slot.
use super::book::slot_refusal;
use super::manage::{live_reservation, Live};
use super::{Confirmed, ReserveError};
use crate::ids::{OrgId, ReservationId, SlotId};
use crate::notify::{self, kind::Kind};
use crate::slots::seats::FREE_SEAT;
use crate::slots::SlotTimes;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::code::TicketCode;
use crate::{on_pool, on_tx, take_seat_if, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Moves a reservation to another slot. The old seat is freed only once the new one is taken,
/// in the same transaction.
pub async fn reschedule(
    engine: &Engine,
    code: &TicketCode,
    manage: Option<&str>,
    new_slot_id: SlotId,
) -> Result<Confirmed, ReserveError> {
    let now = engine.now();
    let live = live_reservation(engine, code, manage).await?;
    if live.slot_id == new_slot_id {
        return Err(ReserveError::SameSlot);
    }
    // A slot never changes organization, so this check needs no transaction.
    let slot_orq: Option<(OrgId,)> = on_pool!(&engine.db, pool => sqlx::query_as(
        "SELECT orq FROM reservation_slots WHERE id = $1").bind(new_slot_id).fetch_optional(pool).await)?;
    if slot_orq.map(|(o,)| o) != Some(live.orq) {
        return Err(ReserveError::SlotNotFound);
    }
    let write = Reschedule {
        orq: live.orq,
        reservation_id: live.reservation_id,
        from: live.slot_id,
        to: new_slot_id,
        manage: manage.map(|m| m.trim().to_string()),
        now,
    };
    match engine.batcher.write(write).await? {
        Some((date, start_time, end_time)) => {
            engine.events.slot_changed(live.slot_id);
            engine.events.slot_changed(new_slot_id);
            engine.events.outbox_written();
            Ok(Confirmed {
                reservation_id: live.reservation_id,
                ticket_id: live.ticket_id,
                ticket_code: code.to_string(),
                slot: SlotTimes { slot_id: new_slot_id, date, start_time, end_time },
                manage_token: manage.unwrap_or_default().trim().to_string(),
            })
        }
        None => {
            // Either the new slot refused the seat or the reservation changed meanwhile.
            let Live { orq, .. } = live_reservation(engine, code, manage).await?;
            Err(slot_refusal(&engine.db, orq, new_slot_id, now).await.unwrap_or_else(|e| e))
        }
    }
}

struct Reschedule {
    orq: OrgId,
    reservation_id: ReservationId,
    from: SlotId,
    to: SlotId,
    /// The management token the change was made with, for the message's link.
    manage: Option<String>,
    now: DateTime<Utc>,
}

/// The new seat, taken only while reservation `$3` is still live in slot `$4`.
const TAKE_SEAT_FOR_MOVE: &str = take_seat_if!(
    "EXISTS (SELECT 1 FROM ticket_reservations r WHERE r.id = $3 AND r.slot_id = $4 AND r.status = 'RESERVED')"
);

impl Write for Reschedule {
    /// The new slot's day and times; `None` when it was refused.
    type Output = Option<(NaiveDate, NaiveTime, NaiveTime)>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        let Reschedule { orq, reservation_id, from, to, manage, now } = self;
        on_tx!(tx, conn => async {
            let seat: Option<(NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEAT_FOR_MOVE)
                .bind(to).bind(now).bind(reservation_id).bind(from).fetch_optional(&mut *conn).await?;
            let Some(seat) = seat else { return Ok(None) };
            // Still conditioned: another instance may have moved or cancelled it meanwhile.
            let repointed = sqlx::query(
                "UPDATE ticket_reservations SET slot_id = $3, updated_at = $4
                 WHERE id = $1 AND slot_id = $2 AND status = 'RESERVED'")
                .bind(reservation_id).bind(from).bind(to).bind(now).execute(&mut *conn).await?.rows_affected();
            if repointed == 0 {
                sqlx::query(FREE_SEAT).bind(to).bind(now).execute(&mut *conn).await?;
                return Ok(None);
            }
            sqlx::query(FREE_SEAT).bind(from).bind(now).execute(&mut *conn).await?;
            // The slot it left, for the ticket's history (the row now names the new one).
            let (change,): (i64,) = sqlx::query_as(
                "INSERT INTO reservation_changes (orq, reservation_id, from_slot_id, to_slot_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(orq).bind(reservation_id).bind(from).bind(to).bind(now).fetch_one(&mut *conn).await?;
            let key = notify::queue::reservation_key(Kind::Moved, *reservation_id, *to, Some(change));
            sqlx::query(notify::queue::FOR_RESERVATION)
                .bind(reservation_id).bind(key).bind(Kind::Moved).bind(manage).bind(now)
                .bind(Kind::Moved.texts()).execute(&mut *conn).await?;
            Ok(Some(seat))
        }.await)
    }
}
