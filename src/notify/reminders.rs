//! Reminders a day and two hours before a visit: written to the outbox when they come due, each
//! once (its key names the reservation, the slot and the lead), and only for visits booked
//! before that moment: someone who books at noon for two o'clock needs no reminder at noon.
use super::kind::Kind;
use super::queue::{reservation_key, FOR_RESERVATION};
use crate::ids::{ReservationId, SlotId};
use crate::{on_pool, on_tx, Engine};
use chrono::{DateTime, Duration, Utc};

/// Each reminder with how long before the visit it is due, and until when it is still worth
/// sending (the two-hour one takes over from the day-ahead one).
const REMINDERS: [(Kind, Duration, Duration); 2] = [
    (Kind::Reminder24h, Duration::hours(24), Duration::hours(2)),
    (Kind::Reminder2h, Duration::hours(2), Duration::zero()),
];

/// Writes every reminder due at the engine's now; the number written. Safe on several
/// instances at once: a reminder written twice is one row.
pub async fn queue_due(engine: &Engine) -> Result<u64, sqlx::Error> {
    let now = engine.now();
    let mut due: Vec<(Kind, ReservationId, SlotId)> = Vec::new();
    for (kind, lead, until) in REMINDERS {
        let candidates: Vec<(ReservationId, SlotId, DateTime<Utc>, DateTime<Utc>)> = on_pool!(&engine.db, pool => sqlx::query_as(
            "SELECT r.id, r.slot_id, r.updated_at, s.starts_at
             FROM reservation_slots s JOIN ticket_reservations r ON r.slot_id = s.id
             WHERE s.starts_at > $1 AND s.starts_at <= $2 AND r.status = 'RESERVED'
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reservation_id = r.id AND o.kind = $3 AND o.slot_id = r.slot_id)")
            .bind(now + until).bind(now + lead).bind(kind).fetch_all(pool).await)?;
        due.extend(
            candidates
                .into_iter()
                .filter(|(_, _, booked_at, starts_at)| *booked_at < *starts_at - lead)
                .map(|(r, s, _, _)| (kind, r, s)),
        );
    }
    if due.is_empty() {
        return Ok(0);
    }
    let mut tx = engine.db.begin_write().await?;
    let mut written = 0;
    for (kind, reservation, slot) in &due {
        let key = reservation_key(*kind, *reservation, *slot, None);
        written += on_tx!(&mut tx, conn => sqlx::query(FOR_RESERVATION)
            .bind(reservation).bind(key).bind(kind).bind(None::<String>).bind(now).bind(kind.texts())
            .execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    if written > 0 {
        engine.events.outbox_written();
    }
    Ok(written)
}
