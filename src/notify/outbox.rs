//! The outbox as the dashboard shows it: what was sent, what waits, what failed and why.
use super::kind::{Channel, Delivery, Kind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One message in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Listed {
    pub id: i64,
    pub kind: Kind,
    pub channel: Channel,
    pub recipient: String,
    pub status: Delivery,
    pub attempts: i64,
    /// `mailbox`, `smtp` or `sms` once tried.
    pub transport: Option<String>,
    pub subject: Option<String>,
    pub last_error: Option<String>,
    pub provider_answer: Option<String>,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// One message as sent, for reading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub listed: Listed,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
}

/// How many messages stand in each state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
}

impl Counts {
    pub fn of(&self, status: Delivery) -> i64 {
        match status {
            Delivery::Pending => self.pending,
            Delivery::Sent => self.sent,
            Delivery::Failed => self.failed,
            Delivery::Skipped => self.skipped,
        }
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::ids::OrgId;
    use crate::on_pool;
    use crate::store::Db;

    const LISTED: &str = "id, kind, channel, recipient, status, attempts, transport, subject, last_error,
                          provider_answer, created_at, due_at, sent_at";

    /// The newest `limit` messages of `orq`, of one status or all.
    pub async fn list(db: &Db, orq: OrgId, status: Option<Delivery>, limit: i64) -> Result<Vec<Listed>, sqlx::Error> {
        let sql = format!(
            "SELECT {LISTED} FROM outbox WHERE orq = $1 AND ($2 IS NULL OR status = $2) ORDER BY id DESC LIMIT $3"
        );
        on_pool!(db, pool => sqlx::query_as(&sql).bind(orq).bind(status).bind(limit).fetch_all(pool).await)
    }

    pub async fn open(db: &Db, orq: OrgId, id: i64) -> Result<Option<Opened>, sqlx::Error> {
        let sql = format!("SELECT {LISTED}, body_text, body_html FROM outbox WHERE orq = $1 AND id = $2");
        let row: Option<(Listed, Option<String>, Option<String>)> = on_pool!(db, pool => {
            sqlx::query(&sql).bind(orq).bind(id).fetch_optional(pool).await?.map(|row| {
                use sqlx::{FromRow, Row};
                Ok::<_, sqlx::Error>((Listed::from_row(&row)?, row.try_get("body_text")?, row.try_get("body_html")?))
            }).transpose()
        })?;
        Ok(row.map(|(listed, body_text, body_html)| Opened { listed, body_text, body_html }))
    }

    pub async fn counts(db: &Db, orq: OrgId) -> Result<Counts, sqlx::Error> {
        let rows: Vec<(Delivery, i64)> = on_pool!(db, pool => sqlx::query_as(
            "SELECT status, COUNT(*) FROM outbox WHERE orq = $1 GROUP BY status")
            .bind(orq).fetch_all(pool).await)?;
        let mut counts = Counts::default();
        for (status, n) in rows {
            match status {
                Delivery::Pending => counts.pending = n,
                Delivery::Sent => counts.sent = n,
                Delivery::Failed => counts.failed = n,
                Delivery::Skipped => counts.skipped = n,
            }
        }
        Ok(counts)
    }

    /// The newest booking or move e-mail of ticket `ticket`'s live visit: what the ticket page
    /// says after a booking ("Confirmation sent to …").
    pub async fn latest_about_visit(db: &Db, ticket: crate::ids::TicketId) -> Result<Option<Listed>, sqlx::Error> {
        on_pool!(db, pool => sqlx::query_as(
            "SELECT o.id, o.kind, o.channel, o.recipient, o.status, o.attempts, o.transport, o.subject, o.last_error,
                    o.provider_answer, o.created_at, o.due_at, o.sent_at
             FROM outbox o JOIN ticket_reservations r ON r.id = o.reservation_id
             WHERE r.ticket_id = $1 AND r.status = 'RESERVED' AND o.channel = 'email' AND o.kind IN ($2, $3)
             ORDER BY o.id DESC LIMIT 1")
            .bind(ticket).bind(Kind::Booked).bind(Kind::Moved).fetch_optional(pool).await)
    }
}
