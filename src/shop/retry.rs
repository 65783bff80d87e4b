//! Shop writes applied through the batcher, again when PostgreSQL broke a deadlock.
//!
//! Two instances' batches lock product and window rows in the order their jobs arrived, so
//! they can deadlock; PostgreSQL then aborts one transaction. The batcher applies that batch's
//! writes again one by one, but one alone can still meet the other instance's batch. The
//! aborted transaction wrote nothing, so the write is simply applied once more.
use crate::store::batch::Write;
use crate::Engine;

const ATTEMPTS: usize = 4;

/// PostgreSQL's SQLSTATEs for "deadlock detected" and "could not serialize".
fn is_transient(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40P01" | "40001")))
}

pub(super) async fn write<W: Write + Clone>(engine: &Engine, write: W) -> Result<W::Output, sqlx::Error> {
    let mut attempt = 1;
    loop {
        match engine.batcher.write(write.clone()).await {
            Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                tracing::warn!(error = %e, attempt, "shop write met a deadlock; applying it again");
                attempt += 1;
            }
            other => return other,
        }
    }
}
