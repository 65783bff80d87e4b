//! Looking a ticket up by its code, with its live reservation, and the contact kept on it.
use super::code::TicketCode;
use super::lifecycle::TicketStatus;
use super::{ReservedSlot, TicketSummary};
use crate::contact::{Email, PhoneE164};
use crate::ids::{OrderId, OrgId, ProductId, ReservationId, SlotId, TicketId};
use crate::on_pool;
use crate::store::Db;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// A ticket (`t`) with its live (not cancelled) reservation (`r`) and that reservation's slot
/// (`s`): the join every look-up of a ticket starts from.
#[macro_export]
macro_rules! ticket_with_live_reservation {
    () => {
        "tickets t
         LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
         LEFT JOIN reservation_slots s ON s.id = r.slot_id"
    };
}

/// A ticket as the server knows it: what its holder may see, and what only the server may.
#[derive(Debug, Clone)]
pub struct TicketRecord {
    pub summary: TicketSummary,
    pub reservation_id: Option<ReservationId>,
    /// The digest of the live reservation's management token.
    pub manage_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: TicketId,
    ticket_code: String,
    status: TicketStatus,
    order_id: OrderId,
    product_id: ProductId,
    orq: OrgId,
    verified_at: Option<DateTime<Utc>>,
    reservation_id: Option<ReservationId>,
    manage_hash: Option<String>,
    slot_id: Option<SlotId>,
    date: Option<NaiveDate>,
    start_time: Option<NaiveTime>,
    end_time: Option<NaiveTime>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
}

const BY_CODE: &str = concat!(
    "SELECT t.id, t.ticket_code, t.status, t.order_id, t.product_id, t.orq, t.verified_at,
            r.id AS reservation_id, r.manage_hash,
            s.id AS slot_id, s.date, s.start_time, s.end_time, s.starts_at, s.ends_at
     FROM ",
    ticket_with_live_reservation!(),
    " WHERE t.ticket_code = $1"
);

/// The ticket with its live reservation, in one query.
pub async fn record_by_code(db: &Db, code: &TicketCode) -> Result<Option<TicketRecord>, sqlx::Error> {
    let row: Option<Row> =
        on_pool!(db, pool => sqlx::query_as(BY_CODE).bind(code.as_str()).fetch_optional(pool).await)?;
    Ok(row.map(|r| TicketRecord {
        summary: TicketSummary {
            ticket_id: r.id,
            ticket_code: r.ticket_code,
            status: r.status,
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
        },
        reservation_id: r.reservation_id,
        manage_hash: r.manage_hash,
    }))
}

/// The ticket with its live reservation, as its holder may see it.
pub async fn find_by_code(db: &Db, code: &TicketCode) -> Result<Option<TicketSummary>, sqlx::Error> {
    Ok(record_by_code(db, code).await?.map(|r| r.summary))
}

/// Keeps the contact a customer gave while booking on their (still ACTIVATED) ticket, so the
/// next steps need only the ticket code. Returns false when the ticket is not ACTIVATED.
pub async fn save_contact(db: &Db, code: &TicketCode, email: &Email, phone: &PhoneE164) -> Result<bool, sqlx::Error> {
    let changed = on_pool!(db, pool => sqlx::query(
        "UPDATE tickets SET customer_email = $2, customer_phone = $3 WHERE ticket_code = $1 AND status = $4")
        .bind(code.as_str()).bind(email.as_str()).bind(phone.as_str()).bind(TicketStatus::Activated)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// The contact stored on a ticket, when both parts are there.
pub async fn contact_of(db: &Db, ticket_id: TicketId) -> Result<Option<(String, String)>, sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT customer_email, customer_phone FROM tickets WHERE id = $1").bind(ticket_id).fetch_optional(pool).await)?;
    Ok(row.and_then(|(e, p)| e.zip(p)))
}
