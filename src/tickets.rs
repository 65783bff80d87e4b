//! Looking a ticket up by its code, as its holder or staff sees it.
use crate::lifecycle::TicketStatus;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedSlot {
    pub slot_id: i64,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
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
    }

    /// The ticket with its live reservation, in one query.
    pub async fn find_by_code(
        db: &Db,
        code: &TicketCode,
    ) -> Result<Option<TicketSummary>, sqlx::Error> {
        let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(
            "SELECT t.id, t.ticket_code, t.status, t.order_id, t.product_id, t.orq, t.verified_at,
                    s.id AS slot_id, s.date, s.start_time, s.end_time
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
            reservation: match (r.slot_id, r.date, r.start_time, r.end_time) {
                (Some(slot_id), Some(date), Some(start_time), Some(end_time)) => {
                    Some(ReservedSlot {
                        slot_id,
                        date,
                        start_time,
                        end_time,
                    })
                }
                _ => None,
            },
            verified_at: r.verified_at,
        }))
    }
}
