//! Payment confirmed: a ticket awaiting payment becomes usable.
use super::code::TicketCode;
use super::lifecycle::moves::PAY;
use super::lifecycle::TicketStatus;
use super::{find_by_code, TicketSummary};
use crate::audit::{self, Action, Change, Subject};
use crate::error::DomainError;
use crate::ids::{OrderId, OrgId, UserId};
use crate::store::batch::Write;
use crate::store::Tx;
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};

/// Why a payment could not be recorded, for one ticket (by its code) or a whole order.
#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("Invalid ticket code. Please check and try again.")]
    TicketNotFound,
    #[error("That order does not exist.")]
    OrderNotFound,
    #[error("This ticket is already {0}; only a ticket awaiting payment can be activated.")]
    TicketNotPending(TicketStatus),
    #[error("This order has no ticket awaiting payment (the order is {0}).")]
    OrderNotPending(String),
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for PayError {
    fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::OrderNotFound => "ORDER_NOT_FOUND",
            Self::TicketNotPending(_) => "TICKET_NOT_PENDING",
            Self::OrderNotPending(_) => "ORDER_NOT_PENDING",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound | Self::OrderNotFound => 404,
            Self::TicketNotPending(_) | Self::OrderNotPending(_) => 409,
            Self::Storage(_) => 500,
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// PENDING_PAYMENT → ACTIVATED, and the order is PAID.
pub async fn activate(engine: &crate::Engine, orq: OrgId, code: &TicketCode) -> Result<TicketSummary, PayError> {
    let now = engine.now();
    let changed = engine.batcher.write(Pay { orq, code: code.clone(), now }).await?;
    let ticket = find_by_code(&engine.db, code).await?.filter(|t| t.orq == orq).ok_or(PayError::TicketNotFound)?;
    if changed {
        Ok(ticket)
    } else {
        Err(PayError::TicketNotPending(ticket.status))
    }
}

struct Pay {
    orq: OrgId,
    code: TicketCode,
    now: DateTime<Utc>,
}

impl Write for Pay {
    type Output = bool;

    async fn apply(&self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        on_tx!(tx, conn => async {
            let order: Option<(OrderId,)> = sqlx::query_as(
                "UPDATE tickets SET status = $4, activated_at = $3
                 WHERE ticket_code = $1 AND orq = $2 AND status = $5 RETURNING order_id")
                .bind(self.code.as_str()).bind(self.orq).bind(self.now).bind(PAY.to).bind(PAY.from)
                .fetch_optional(&mut *conn).await?;
            let Some((order_id,)) = order else { return Ok(false) };
            sqlx::query("UPDATE orders SET status = 'PAID' WHERE id = $1 AND status = 'PENDING'")
                .bind(order_id).execute(&mut *conn).await?;
            Ok(true)
        }.await)
    }
}

/// An order marked paid by staff: the codes of the tickets it activated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderPaid {
    pub order_id: OrderId,
    pub activated: Vec<String>,
}

/// Staff confirm an order's payment (at the desk, by bank transfer): every ticket of it awaiting
/// payment becomes ACTIVATED, the order PAID, and the audit log says who did it.
pub async fn mark_order_paid(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    order_id: OrderId,
) -> Result<OrderPaid, PayError> {
    let now = engine.now();
    let activated = engine.batcher.write(PayOrder { orq, actor, order_id, now }).await?;
    if !activated.is_empty() {
        return Ok(OrderPaid { order_id, activated });
    }
    let status: Option<(String,)> = on_pool!(&engine.db, pool => sqlx::query_as(
        "SELECT status FROM orders WHERE id = $1 AND orq = $2").bind(order_id).bind(orq).fetch_optional(pool).await)?;
    match status {
        Some((status,)) => Err(PayError::OrderNotPending(status)),
        None => Err(PayError::OrderNotFound),
    }
}

struct PayOrder {
    orq: OrgId,
    actor: Option<UserId>,
    order_id: OrderId,
    now: DateTime<Utc>,
}

impl Write for PayOrder {
    type Output = Vec<String>;

    async fn apply(&self, tx: &mut Tx) -> Result<Vec<String>, sqlx::Error> {
        let codes: Vec<(String,)> = on_tx!(tx, conn => sqlx::query_as(
            "UPDATE tickets SET status = $4, activated_at = $3
             WHERE order_id = $1 AND orq = $2 AND status = $5 RETURNING ticket_code")
            .bind(self.order_id).bind(self.orq).bind(self.now).bind(PAY.to).bind(PAY.from)
            .fetch_all(&mut *conn).await)?;
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        on_tx!(tx, conn => sqlx::query("UPDATE orders SET status = 'PAID' WHERE id = $1 AND status = 'PENDING'")
            .bind(self.order_id).execute(&mut *conn).await.map(|_| ()))?;
        let mut codes: Vec<String> = codes.into_iter().map(|(c,)| c).collect();
        codes.sort();
        let n = codes.len();
        let change = Change {
            actor: self.actor,
            action: Action::TicketPaid,
            subject: Subject::Order(self.order_id.0),
            summary: format!(
                "Order {} marked paid: {n} ticket{} activated",
                self.order_id,
                if n == 1 { "" } else { "s" }
            ),
            before: Some(serde_json::json!({ "status": PAY.from, "tickets": codes })),
            after: Some(serde_json::json!({ "status": PAY.to })),
        };
        audit::record(tx, self.orq, &change, self.now).await?;
        Ok(codes)
    }
}
