//! Background work that keeps ticket states true without anyone asking.
use gatehouse::{tickets, Engine};
use std::time::Duration;

/// Expires RESERVED tickets whose slot has ended, deletes booking-attempt counts past their
/// keeping and tidies shop holds that expired over an hour ago, once a minute. Safe on several
/// instances at once: every statement is conditional, so each ticket expires exactly once.
pub fn spawn_expiry(engine: Engine) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match tickets::expiry::expire_ended(&engine).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "expired tickets whose slot has ended"),
                Err(e) => tracing::warn!(error = %e, "expiry run failed; retrying next minute"),
            }
            if let Err(e) = gatehouse::events::tally::prune(&engine.db, engine.now()).await {
                tracing::warn!(error = %e, "old booking-attempt counts could not be deleted; retrying next minute");
            }
            // Tidying only: every read and write of the shop already sees a hold's expiry.
            if let Err(e) = gatehouse::shop::holds::cleanup_expired(&engine, chrono::Duration::hours(1)).await {
                tracing::warn!(error = %e, "expired shop holds could not be tidied; retrying next minute");
            }
        }
    })
}

/// What live pages need running: the bridge to the other instances on the same PostgreSQL
/// (`gatehouse::events::bridge`; nothing on SQLite), and the booking-attempt counts written
/// once a second (`gatehouse::events::tally`). Both end when the engine's events close.
pub fn spawn_live(engine: Engine) -> tokio::task::JoinHandle<()> {
    gatehouse::events::bridge::spawn(&engine.events, &engine.db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = engine.events.closed() => break,
            }
            if let Err(e) = gatehouse::events::tally::flush(&engine).await {
                tracing::warn!(error = %e, "booking attempts could not be counted; kept for the next try");
            }
        }
        // What was counted since the last tick.
        let _ = gatehouse::events::tally::flush(&engine).await;
    })
}
