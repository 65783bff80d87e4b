//! Looking a ticket up by its code, as its holder or staff sees it.
use crate::lifecycle::TicketStatus;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedSlot {
    pub slot_id: i64,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    #[serde(with = "crate::wire::instant")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "crate::wire::instant")]
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub ticket_id: i64,
    pub ticket_code: String,
    pub status: TicketStatus,
    pub order_id: i64,
    pub product_id: i64,
    pub orq: i64,
    pub reservation: Option<ReservedSlot>,
    #[serde(with = "crate::wire::instant::option")]
    pub verified_at: Option<DateTime<Utc>>,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::on_pool;
    use crate::ticket_code::TicketCode;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        ticket_code: String,
        status: String,
        order_id: i64,
        product_id: i64,
        orq: i64,
        verified_at: Option<DateTime<Utc>>,
        slot_id: Option<i64>,
        date: Option<NaiveDate>,
        start_time: Option<NaiveTime>,
        end_time: Option<NaiveTime>,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
    }

    /// The ticket with its live reservation, in one query.
    pub async fn find_by_code(db: &Db, code: &TicketCode) -> Result<Option<TicketSummary>, sqlx::Error> {
        let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(
            "SELECT t.id, t.ticket_code, t.status, t.order_id, t.product_id, t.orq, t.verified_at,
                    s.id AS slot_id, s.date, s.start_time, s.end_time, s.starts_at, s.ends_at
             FROM tickets t
             LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
             LEFT JOIN reservation_slots s ON s.id = r.slot_id
             WHERE t.ticket_code = $1")
            .bind(code.as_str()).fetch_optional(pool).await)?;
        Ok(row.map(|r| TicketSummary {
            ticket_id: r.id,
            ticket_code: r.ticket_code,
            status: r.status.parse().unwrap_or(TicketStatus::Expired),
            order_id: r.order_id,
            product_id: r.product_id,
            orq: r.orq,
            reservation: match (r.slot_id, r.date, r.start_time, r.end_time, r.starts_at, r.ends_at) {
                (Some(slot_id), Some(date), Some(start_time), Some(end_time), Some(starts_at), Some(ends_at)) => {
                    Some(ReservedSlot { slot_id, date, start_time, end_time, starts_at, ends_at })
                }
                _ => None,
            },
            verified_at: r.verified_at,
        }))
    }

    #[derive(Debug, thiserror::Error)]
    pub enum ActivateError {
        #[error("Invalid ticket code. Please check and try again.")]
        TicketNotFound,
        #[error("This ticket is already {0}; only a ticket awaiting payment can be activated.")]
        NotPending(TicketStatus),
        #[error("storage failure")]
        Storage(#[from] sqlx::Error),
    }

    impl ActivateError {
        pub fn code(&self) -> &'static str {
            match self {
                Self::TicketNotFound => "TICKET_NOT_FOUND",
                Self::NotPending(_) => "TICKET_NOT_PENDING",
                Self::Storage(_) => "INTERNAL",
            }
        }

        pub fn status(&self) -> u16 {
            match self {
                Self::TicketNotFound => 404,
                Self::NotPending(_) => 409,
                Self::Storage(_) => 500,
            }
        }
    }

    /// Payment confirmed: PENDING_PAYMENT → ACTIVATED, and the order is PAID.
    pub async fn activate(engine: &crate::Engine, orq: i64, code: &TicketCode) -> Result<TicketSummary, ActivateError> {
        let now = engine.now();
        let changed = on_pool!(&engine.db, pool => async {
            let mut tx = crate::db::begin_write(pool).await?;
            let order: Option<(i64,)> = sqlx::query_as(
                "UPDATE tickets SET status = 'ACTIVATED', activated_at = $3
                 WHERE ticket_code = $1 AND orq = $2 AND status = 'PENDING_PAYMENT' RETURNING order_id")
                .bind(code.as_str()).bind(orq).bind(now).fetch_optional(&mut *tx).await?;
            let Some((order_id,)) = order else { return Ok::<_, sqlx::Error>(false) };
            sqlx::query("UPDATE orders SET status = 'PAID' WHERE id = $1 AND status = 'PENDING'")
                .bind(order_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await)?;
        let ticket =
            find_by_code(&engine.db, code).await?.filter(|t| t.orq == orq).ok_or(ActivateError::TicketNotFound)?;
        if changed {
            Ok(ticket)
        } else {
            Err(ActivateError::NotPending(ticket.status))
        }
    }

    /// RESERVED tickets whose slot has ended become EXPIRED. One conditional statement: several
    /// instances running it at once expire each ticket once. Returns how many it expired.
    pub async fn expire_ended(engine: &crate::Engine) -> Result<u64, sqlx::Error> {
        let now = engine.now();
        on_pool!(&engine.db, pool => sqlx::query(
            "UPDATE tickets SET status = 'EXPIRED', expired_at = $1
             WHERE status = 'RESERVED' AND id IN (
                 SELECT r.ticket_id FROM ticket_reservations r JOIN reservation_slots s ON s.id = r.slot_id
                 WHERE r.status = 'RESERVED' AND s.ends_at <= $1)")
            .bind(now).execute(pool).await.map(|r| r.rows_affected()))
    }

    /// Keeps the contact a customer gave while booking on their (still ACTIVATED) ticket, so the
    /// next steps need only the ticket code. Returns false when the ticket is not ACTIVATED.
    pub async fn save_contact(
        db: &Db,
        code: &TicketCode,
        email: &crate::contact::Email,
        phone: &crate::contact::PhoneE164,
    ) -> Result<bool, sqlx::Error> {
        let changed = on_pool!(db, pool => sqlx::query(
            "UPDATE tickets SET customer_email = $2, customer_phone = $3 WHERE ticket_code = $1 AND status = 'ACTIVATED'")
            .bind(code.as_str()).bind(email.as_str()).bind(phone.as_str()).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed == 1)
    }

    /// The contact stored on a ticket, when both parts are there.
    pub async fn contact_of(db: &Db, ticket_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
        let row: Option<(Option<String>, Option<String>)> = on_pool!(db, pool => sqlx::query_as(
            "SELECT customer_email, customer_phone FROM tickets WHERE id = $1").bind(ticket_id).fetch_optional(pool).await)?;
        Ok(row.and_then(|(e, p)| e.zip(p)))
    }
}
