//! Visits that ended without admission.
use super::lifecycle::moves::EXPIRE_UNUSED;
use crate::on_pool;

/// RESERVED tickets whose slot has ended become EXPIRED. One conditional statement: several
/// instances running it at once expire each ticket once. Returns how many it expired.
///
/// A sweep over many rows runs as its own statement, never through the batcher: inside a batch
/// it would hold up every booking and admission batched with it, and the row locks they took,
/// for as long as the sweep takes.
pub async fn expire_ended(engine: &crate::Engine) -> Result<u64, sqlx::Error> {
    let now = engine.now();
    on_pool!(&engine.db, pool => sqlx::query(
        "UPDATE tickets SET status = $2, expired_at = $1
         WHERE status = $3 AND id IN (
             SELECT r.ticket_id FROM ticket_reservations r JOIN reservation_slots s ON s.id = r.slot_id
             WHERE r.status = 'RESERVED' AND s.ends_at <= $1)")
        .bind(now).bind(EXPIRE_UNUSED.to).bind(EXPIRE_UNUSED.from)
        .execute(pool).await.map(|r| r.rows_affected()))
}
