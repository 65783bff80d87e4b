//! Background work that keeps ticket states true without anyone asking.
use gatehouse::{tickets, Engine};
use std::time::Duration;

/// Expires RESERVED tickets whose slot has ended, once a minute. Safe on several instances at
/// once: the statement is conditional, so each ticket expires exactly once.
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
        }
    })
}
