//! Issuing pre-made tickets: one order of N tickets, ACTIVATED at once, for an admin to hand out
//! or print. The order's id names the batch (its CSV and its sheet of QR cards).
#[cfg(feature = "ssr")]
use crate::error::{detail, details, DomainError};
use crate::ids::{OrderId, ProductId};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use serde_json::{Map, Value};

/// The most tickets one issue makes: a typo of an extra zero should not write 50,000 rows.
pub const MAX_ISSUE: u32 = 5_000;

#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("Issue between 1 and {max} tickets at a time.")]
    CountOutOfRange { max: u32 },
    #[error("That product does not exist.")]
    ProductNotFound,
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

#[cfg(feature = "ssr")]
impl DomainError for IssueError {
    fn code(&self) -> &'static str {
        match self {
            Self::CountOutOfRange { .. } => "INVALID_TICKET_COUNT",
            Self::ProductNotFound => "PRODUCT_NOT_FOUND",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::CountOutOfRange { .. } => 400,
            Self::ProductNotFound => 404,
            Self::Storage(_) => 500,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::CountOutOfRange { max } => details([("max", detail(max))]),
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// A batch written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub order_id: OrderId,
    pub product_id: ProductId,
    pub product: String,
    pub count: u32,
}

#[cfg(feature = "ssr")]
pub use write::issue;

#[cfg(feature = "ssr")]
mod write {
    use super::*;
    use crate::audit::{self, Action, Change, Subject};
    use crate::ids::{OrgId, UserId};
    use crate::store::batch::Write;
    use crate::store::Tx;
    use crate::tickets::code::TicketCode;
    use crate::tickets::lifecycle::TicketStatus;
    use crate::tickets::order::{self, NewTicket};
    use crate::tickets::product::{product, Product};
    use chrono::{DateTime, Datelike, Utc};

    /// Writes `count` ACTIVATED tickets of `product_id` in one order and one transaction, with
    /// the audit entry. Codes carry the year of `engine.now()`.
    pub async fn issue(
        engine: &crate::Engine,
        orq: OrgId,
        actor: Option<UserId>,
        product_id: ProductId,
        count: u32,
    ) -> Result<Issued, IssueError> {
        if !(1..=MAX_ISSUE).contains(&count) {
            return Err(IssueError::CountOutOfRange { max: MAX_ISSUE });
        }
        let product = product(&engine.db, orq, product_id).await?.ok_or(IssueError::ProductNotFound)?;
        let now = engine.now();
        let tickets: Vec<NewTicket> = {
            let mut rng = rand::rng();
            (0..count)
                .map(|_| NewTicket {
                    code: TicketCode::generate(now.year(), &mut rng),
                    status: TicketStatus::Activated,
                    email: None,
                    phone: None,
                })
                .collect()
        };
        let order_id = engine.batcher.write(Issue { orq, actor, product: product.clone(), tickets, now }).await?;
        Ok(Issued { order_id, product_id, product: product.name, count })
    }

    struct Issue {
        orq: OrgId,
        actor: Option<UserId>,
        product: Product,
        tickets: Vec<NewTicket>,
        now: DateTime<Utc>,
    }

    impl Write for Issue {
        type Output = OrderId;

        async fn apply(&self, tx: &mut Tx) -> Result<OrderId, sqlx::Error> {
            let order_id = order::insert(tx, self.orq, self.product.id, &self.tickets, self.now).await?;
            let count = self.tickets.len();
            let change = Change {
                actor: self.actor,
                action: Action::TicketsIssued,
                subject: Subject::Order(order_id.0),
                summary: format!("{count} tickets for {}", self.product.name),
                before: None,
                after: Some(serde_json::json!({
                    "order_id": order_id, "product_id": self.product.id, "count": count, "status": "ACTIVATED",
                })),
            };
            audit::record(tx, self.orq, &change, self.now).await?;
            Ok(order_id)
        }
    }
}
