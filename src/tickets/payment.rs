//! Payment confirmed: a ticket awaiting payment becomes usable.
use super::code::TicketCode;
use super::lifecycle::moves::PAY;
use super::lifecycle::TicketStatus;
use super::{find_by_code, TicketSummary};
use crate::error::DomainError;
use crate::ids::{OrderId, OrgId};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    #[error("Invalid ticket code. Please check and try again.")]
    TicketNotFound,
    #[error("This ticket is already {0}; only a ticket awaiting payment can be activated.")]
    NotPending(TicketStatus),
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ActivateError {
    fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::NotPending(_) => "TICKET_NOT_PENDING",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound => 404,
            Self::NotPending(_) => 409,
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
pub async fn activate(engine: &crate::Engine, orq: OrgId, code: &TicketCode) -> Result<TicketSummary, ActivateError> {
    let now = engine.now();
    let changed = engine.batcher.write(Pay { orq, code: code.clone(), now }).await?;
    let ticket = find_by_code(&engine.db, code).await?.filter(|t| t.orq == orq).ok_or(ActivateError::TicketNotFound)?;
    if changed {
        Ok(ticket)
    } else {
        Err(ActivateError::NotPending(ticket.status))
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
