//! The outbox table: writing messages inside the transaction of their event, claiming them for
//! delivery so that two workers never take one, and recording how each went.
use super::kind::{Channel, Delivery, Kind};
use crate::ids::{OrgId, ReservationId, SlotId};
use crate::store::Db;
use crate::{on_pool, on_tx, Engine};
use chrono::{DateTime, Duration, Utc};

/// Writes a visit's message into the outbox inside the caller's transaction: by e-mail, and by
/// text too when `$6` (the kind is texted) and a phone is on file. Binds: `$1` reservation id,
/// `$2` the message key without its channel, `$3` kind, `$4` the secret it carries or NULL,
/// `$5` now (written and due), `$6` whether it is texted. Writing the same key again does
/// nothing, so a message found due by two instances is written once.
pub const FOR_RESERVATION: &str = "
    INSERT INTO outbox (orq, message_key, kind, channel, recipient, reservation_id, slot_id, secret, due_at, created_at)
    SELECT r.orq, $2 || '-' || c.channel, $3, c.channel,
           CASE WHEN c.channel = 'email' THEN r.customer_email ELSE r.customer_phone END,
           r.id, r.slot_id, $4, $5, $5
    FROM ticket_reservations r
    CROSS JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms' AS channel) c
    WHERE r.id = $1 AND (c.channel = 'email' OR ($6 AND r.customer_phone <> ''))
    ON CONFLICT (message_key) DO NOTHING";

/// A pickup order's message, as [`FOR_RESERVATION`] with `$1` the order's id: by e-mail when
/// the customer gave an address, by text when `$6`.
pub const FOR_ORDER: &str = "
    INSERT INTO outbox (orq, message_key, kind, channel, recipient, order_id, secret, due_at, created_at)
    SELECT o.orq, $2 || '-' || c.channel, $3, c.channel,
           CASE WHEN c.channel = 'email' THEN o.customer_email ELSE o.customer_phone END,
           o.id, $4, $5, $5
    FROM shop_orders o
    CROSS JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms' AS channel) c
    WHERE o.id = $1
      AND ((c.channel = 'email' AND COALESCE(o.customer_email, '') <> '') OR (c.channel = 'sms' AND $6))
    ON CONFLICT (message_key) DO NOTHING";

/// The key of a visit's message: the same event always gives the same key.
pub fn reservation_key(kind: Kind, reservation: ReservationId, slot: SlotId, event: Option<i64>) -> String {
    match event {
        Some(n) => format!("r{}-s{}-{}-{n}", reservation.0, slot.0, kind.as_str()),
        None => format!("r{}-s{}-{}", reservation.0, slot.0, kind.as_str()),
    }
}

pub fn order_key(kind: Kind, order: i64) -> String {
    format!("o{order}-{}", kind.as_str())
}

/// How long a worker's claim on a message lasts: longer than any send may take (the SMTP and
/// SMS clients time out well before), so only a worker that stopped loses its claim.
pub const CLAIM: Duration = Duration::minutes(2);

/// Tries at most, counting the first; then the message is FAILED until an admin retries it.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait after failed attempt `attempt` (1-based): 30 s doubling, at most an hour, so eight
/// attempts span about an hour and a half.
pub fn backoff(attempt: i64) -> Duration {
    let doublings = (attempt.max(1) - 1).min(7) as u32;
    Duration::seconds(30 * 2i64.pow(doublings)).min(Duration::hours(1))
}

/// A message claimed for delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub orq: OrgId,
    pub message_key: String,
    pub kind: Kind,
    pub channel: Channel,
    pub recipient: String,
    pub reservation_id: Option<ReservationId>,
    pub slot_id: Option<SlotId>,
    pub order_id: Option<i64>,
    pub secret: Option<String>,
    /// Counting this one.
    pub attempts: i64,
    /// Only the claim's holder may record the outcome.
    pub claim: String,
}

const CLAIMED_COLUMNS: &str =
    "id, orq, message_key, kind, channel, recipient, reservation_id, slot_id, order_id, secret, attempts, claim";

/// Claims up to `limit` due messages for worker `worker`. On PostgreSQL rows another worker is
/// claiming at this moment are skipped rather than waited for; SQLite has one writer at a time.
pub async fn claim(db: &Db, worker: &str, now: DateTime<Utc>, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let due = "SELECT id FROM outbox WHERE status = 'PENDING' AND due_at <= $3
               AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY due_at, id LIMIT $4";
    let lock = match db {
        Db::Sqlite(_) => "",
        Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE outbox SET claim = $1, claimed_until = $2, attempts = attempts + 1
         WHERE id IN ({due}{lock}) RETURNING {CLAIMED_COLUMNS}"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(worker).bind(now + CLAIM).bind(now).bind(limit).fetch_all(pool).await)
}

/// What was sent, as the outbox keeps it.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub transport: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub provider_answer: String,
    /// Blank the secret: a real provider has it now. The local mailbox keeps it, being where
    /// the message is read.
    pub forget_secret: bool,
}

/// How one delivery went.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent(Sent),
    /// Tried again after [`backoff`] when `temporary` and attempts remain; FAILED otherwise.
    Failed {
        transport: String,
        error: String,
        temporary: bool,
    },
    /// It no longer applies (a reminder for a visit cancelled meanwhile).
    Skipped(String),
}

impl Outcome {
    /// Where the message stands once this is recorded.
    pub fn delivery(&self, attempts: i64) -> Delivery {
        match self {
            Outcome::Sent(_) => Delivery::Sent,
            Outcome::Failed { temporary: true, .. } if attempts < MAX_ATTEMPTS => Delivery::Pending,
            Outcome::Failed { .. } => Delivery::Failed,
            Outcome::Skipped(_) => Delivery::Skipped,
        }
    }
}

/// Records how a batch of deliveries went, in one transaction (one disk flush for the batch).
/// A row whose claim ran out meanwhile (another worker holds it now) is left to that worker.
pub async fn record(db: &Db, outcomes: &[(Claimed, Outcome)], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for (msg, outcome) in outcomes {
        let status = outcome.delivery(msg.attempts);
        on_tx!(&mut tx, conn => async {
            match outcome {
                Outcome::Sent(sent) => sqlx::query(
                    "UPDATE outbox SET status = 'SENT', transport = $3, subject = $4, body_text = $5, body_html = $6,
                            provider_answer = $7, secret = CASE WHEN $8 THEN NULL ELSE secret END, sent_at = $9,
                            claim = NULL, claimed_until = NULL, last_error = NULL
                     WHERE id = $1 AND claim = $2")
                    .bind(msg.id).bind(&msg.claim).bind(&sent.transport).bind(&sent.subject).bind(&sent.body_text)
                    .bind(&sent.body_html).bind(&sent.provider_answer).bind(sent.forget_secret).bind(now)
                    .execute(&mut *conn).await,
                Outcome::Failed { transport, error, .. } => sqlx::query(
                    "UPDATE outbox SET status = $3, due_at = $4, last_error = $5, transport = $6,
                            claim = NULL, claimed_until = NULL
                     WHERE id = $1 AND claim = $2")
                    .bind(msg.id).bind(&msg.claim).bind(status).bind(now + backoff(msg.attempts)).bind(error)
                    .bind(transport).execute(&mut *conn).await,
                Outcome::Skipped(reason) => sqlx::query(
                    "UPDATE outbox SET status = 'SKIPPED', last_error = $3, secret = NULL, claim = NULL, claimed_until = NULL
                     WHERE id = $1 AND claim = $2")
                    .bind(msg.id).bind(&msg.claim).bind(reason).execute(&mut *conn).await,
            }
            .map(|_| ())
        }.await)?;
    }
    tx.commit().await
}

/// An admin's "try again" on a FAILED message: due now, with its attempts counted afresh, and
/// its audit entry in the same transaction. `false` when it is not (or no longer) a failed
/// message of `orq`.
pub async fn retry(
    engine: &Engine,
    orq: OrgId,
    actor: Option<crate::ids::UserId>,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = engine.db.begin_write().await?;
    let retried: Option<(Kind, String, Option<String>)> = on_tx!(&mut tx, conn => sqlx::query_as(
        "UPDATE outbox SET status = 'PENDING', attempts = 0, due_at = $3
         WHERE id = $1 AND orq = $2 AND status = 'FAILED' RETURNING kind, recipient, last_error")
        .bind(id).bind(orq).bind(engine.now()).fetch_optional(&mut *conn).await)?;
    let Some((kind, recipient, error)) = retried else { return Ok(false) };
    let change = crate::audit::Change {
        actor,
        action: crate::audit::Action::MessageRetried,
        subject: crate::audit::Subject::Message(id),
        summary: format!("{} to {recipient} tried again", kind.label()),
        before: Some(serde_json::json!({ "status": "FAILED", "last_error": error })),
        after: Some(serde_json::json!({ "status": "PENDING" })),
    };
    crate::audit::record(&mut tx, orq, &change, engine.now()).await?;
    tx.commit().await?;
    engine.events.outbox_written();
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(8), Duration::hours(1));
        assert_eq!(backoff(50), Duration::hours(1));
    }

    #[test]
    fn every_retry_fits_in_two_hours() {
        let total: i64 = (1..MAX_ATTEMPTS).map(|a| backoff(a).num_seconds()).sum();
        assert!(total < 2 * 3600, "{total} s");
    }

    #[test]
    fn a_message_key_names_its_event() {
        let key = reservation_key(Kind::Moved, ReservationId(7), SlotId(9), Some(3));
        assert_eq!(key, "r7-s9-moved-3");
        assert_eq!(order_key(Kind::OrderReady, 12), "o12-order_ready");
    }
}
