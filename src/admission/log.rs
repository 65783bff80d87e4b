//! The check-in log: every attempt at the door, whatever its outcome.
use super::offline::{SyncedScan, CONFLICT};
use super::verdict::Verdict;
use super::Door;
use crate::ids::{OrgId, TicketId};
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::{on_pool, on_tx, Engine};
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
        let orq = self.door.orq;
        engine.batcher.write(self).await?;
        engine.events.door(orq);
        Ok(())
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

/// A scan synced from a device's offline queue, as the log keeps it: the device's nonce and scan
/// time, and the answer the device was given, so that a resend is answered alike.
pub(super) struct OfflineEntry<'a> {
    pub door: &'a Door,
    pub ticket_id: Option<TicketId>,
    pub input: &'a str,
    pub outcome: &'a str,
    pub nonce: &'a str,
    pub scanned_at: DateTime<Utc>,
    pub answer: &'a Verdict,
    /// When it was synced.
    pub now: DateTime<Utc>,
}

impl OfflineEntry<'_> {
    /// The new row's id; `None`, and nothing written, when the organization has this nonce already.
    pub async fn insert(&self, tx: &mut Tx) -> Result<Option<i64>, sqlx::Error> {
        let answer = answer_json(self.answer)?;
        on_tx!(tx, conn => sqlx::query_as(
            "INSERT INTO checkin_log (orq, ticket_id, code_input, action, outcome, operator_id, device, created_at,
                                      client_nonce, offline, scanned_at, answer)
             VALUES ($1, $2, $3, 'VERIFY', $4, $5, $6, $7, $8, TRUE, $9, $10)
             ON CONFLICT DO NOTHING RETURNING id")
            .bind(self.door.orq).bind(self.ticket_id).bind(self.input).bind(self.outcome)
            .bind(self.door.operator_id).bind(&self.door.device).bind(self.now)
            .bind(self.nonce).bind(self.scanned_at).bind(answer)
            .fetch_optional(&mut *conn).await.map(|row: Option<(i64,)>| row.map(|(id,)| id)))
    }
}

/// Rewrites the outcome of an offline entry this transaction inserted.
pub(super) async fn set_outcome(tx: &mut Tx, id: i64, outcome: &str, answer: &Verdict) -> Result<(), sqlx::Error> {
    let answer = answer_json(answer)?;
    on_tx!(tx, conn => sqlx::query("UPDATE checkin_log SET outcome = $2, answer = $3 WHERE id = $1")
        .bind(id).bind(outcome).bind(answer).execute(&mut *conn).await.map(|_| ()))
}

fn answer_json(answer: &Verdict) -> Result<String, sqlx::Error> {
    serde_json::to_string(answer).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// An offline scan the log has already.
#[derive(sqlx::FromRow)]
pub(super) struct RecordedScan {
    pub client_nonce: String,
    pub outcome: String,
    pub code_input: String,
    pub answer: Option<String>,
}

/// The offline scans of `orq` with these nonces that the log has, in one query.
pub(super) async fn recorded(db: &Db, orq: OrgId, nonces: &[&str]) -> Result<Vec<RecordedScan>, sqlx::Error> {
    if nonces.is_empty() {
        return Ok(Vec::new());
    }
    on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT client_nonce, outcome, code_input, answer FROM checkin_log WHERE orq = ");
        query.push_bind(orq).push(" AND client_nonce IN (");
        let mut list = query.separated(", ");
        for nonce in nonces {
            list.push_bind(*nonce);
        }
        list.push_unseparated(")");
        query.build_query_as().fetch_all(pool).await
    })
}

impl RecordedScan {
    /// What the device was answered the first time. Should the stored answer not read as a
    /// verdict any more (a later version of its shape), the outcome says the essential.
    pub fn synced(self) -> SyncedScan {
        let conflict = self.outcome == CONFLICT;
        let code = self.code_input;
        let verdict =
            self.answer.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_else(|| match self.outcome.as_str() {
                "VERIFIED" => Verdict::Admitted { code },
                CONFLICT => Verdict::AlreadyVerified { code, at: None, by: None },
                reason => Verdict::Invalid {
                    code,
                    message: format!("This scan was refused when it was first synced ({reason})."),
                    reason: reason.to_string(),
                },
            });
        SyncedScan { nonce: self.client_nonce, verdict, conflict }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(outcome: &str, answer: Option<&str>) -> RecordedScan {
        RecordedScan {
            client_nonce: "n1".into(),
            outcome: outcome.into(),
            code_input: "TKT".into(),
            answer: answer.map(str::to_string),
        }
    }

    #[test]
    fn a_resent_scan_is_answered_with_the_verdict_stored_the_first_time() {
        let first = Verdict::AlreadyVerified { code: "TKT".into(), at: None, by: Some("Olivia".into()) };
        let stored = serde_json::to_string(&first).expect("JSON");
        let again = recorded(CONFLICT, Some(&stored)).synced();
        assert_eq!((again.nonce.as_str(), again.verdict, again.conflict), ("n1", first, true));
    }

    #[test]
    fn an_answer_that_no_longer_reads_falls_back_to_what_its_outcome_says() {
        assert_eq!(
            recorded("VERIFIED", Some("{\"Gone\":1}")).synced().verdict,
            Verdict::Admitted { code: "TKT".into() }
        );
        let conflict = recorded(CONFLICT, None).synced();
        assert!(conflict.conflict && matches!(conflict.verdict, Verdict::AlreadyVerified { .. }));
        match recorded("WRONG_DATE", None).synced().verdict {
            Verdict::Invalid { reason, .. } => assert_eq!(reason, "WRONG_DATE"),
            other => panic!("{other:?}"),
        }
    }
}
