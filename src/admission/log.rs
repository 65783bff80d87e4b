//! The check-in log: every attempt at the door, whatever its outcome.
use super::Door;
use crate::ids::TicketId;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::{on_tx, Engine};
use chrono::{DateTime, Utc};

/// One attempt at the door.
pub(super) struct Attempt {
    pub door: Door,
    pub ticket_id: Option<TicketId>,
    pub input: String,
    pub action: &'static str,
    pub outcome: &'static str,
    pub at: DateTime<Utc>,
}

impl Attempt {
    /// Written through the batcher, so a busy door costs one fsync per batch, not per scan.
    pub async fn record(self, engine: &Engine) -> Result<(), sqlx::Error> {
        engine.batcher.write(self).await
    }

    /// The statement inside a transaction another write opened (an admission logs its success
    /// in its own transaction).
    pub async fn insert(&self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO checkin_log (orq, ticket_id, code_input, action, outcome, operator_id, device, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(self.door.orq).bind(self.ticket_id).bind(&self.input).bind(self.action).bind(self.outcome)
            .bind(self.door.operator_id).bind(&self.door.device).bind(self.at)
            .execute(&mut *conn).await.map(|_| ()))
    }
}

impl Write for Attempt {
    type Output = ();

    async fn apply(&self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        self.insert(tx).await
    }
}
