//! Visits that ended without admission.
use super::lifecycle::moves::EXPIRE_UNUSED;
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use chrono::{DateTime, Utc};

/// RESERVED tickets whose slot has ended become EXPIRED. One conditional statement: several
/// instances running it at once expire each ticket once. Returns how many it expired.
pub async fn expire_ended(engine: &crate::Engine) -> Result<u64, sqlx::Error> {
    engine.batcher.write(ExpireEnded { now: engine.now() }).await
}

struct ExpireEnded {
    now: DateTime<Utc>,
}

impl Write for ExpireEnded {
    type Output = u64;

    async fn apply(&self, tx: &mut Tx) -> Result<u64, sqlx::Error> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE tickets SET status = $2, expired_at = $1
             WHERE status = $3 AND id IN (
                 SELECT r.ticket_id FROM ticket_reservations r JOIN reservation_slots s ON s.id = r.slot_id
                 WHERE r.status = 'RESERVED' AND s.ends_at <= $1)")
            .bind(self.now).bind(EXPIRE_UNUSED.to).bind(EXPIRE_UNUSED.from)
            .execute(&mut *conn).await.map(|r| r.rows_affected()))
    }
}
