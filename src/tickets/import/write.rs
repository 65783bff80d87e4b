//! The import's one transaction: codes already taken are looked for first, inside it, so that a
//! file racing another import is refused whole rather than half written.
use super::{rows, ImportError, Imported, RowProblem};
use crate::audit::{self, Action, Change, Subject};
use crate::ids::{OrderId, OrgId, ProductId, UserId};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::lifecycle::TicketStatus;
use crate::tickets::order::{self, NewTicket};
use crate::tickets::product::{product, Product};
use chrono::{DateTime, Utc};

/// Codes looked up per statement.
const CODES_PER_STATEMENT: usize = 500;

/// Reads `bytes` as an import file and, when every row is good, writes its tickets for
/// `product_id` as one order. Nothing is written otherwise.
pub async fn import(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    product_id: ProductId,
    bytes: &[u8],
) -> Result<Imported, ImportError> {
    // Reading 5,000 phone numbers by the numbering plans is CPU work: off the async workers.
    let bytes = bytes.to_vec();
    let checked = match tokio::task::spawn_blocking(move || rows::tickets(&super::csv::records(&bytes)?)).await {
        Ok(checked) => checked,
        Err(e) => {
            tracing::error!(error = %e, "reading an import file failed");
            return Err(ImportError::Storage(sqlx::Error::WorkerCrashed));
        }
    };
    let lines_and_tickets = checked?.map_err(ImportError::BadRows)?;
    let product = product(&engine.db, orq, product_id).await?.ok_or(ImportError::ProductNotFound)?;
    let (lines, tickets): (Vec<usize>, Vec<NewTicket>) = lines_and_tickets.into_iter().unzip();
    let pending = tickets.iter().filter(|t| t.status == TicketStatus::PendingPayment).count();
    let activated = tickets.len() - pending;
    let codes: Vec<String> = tickets.iter().map(|t| t.code.to_string()).collect();
    let job = Import { orq, actor, product: product.clone(), tickets, now: engine.now() };
    match engine.batcher.write(job).await? {
        Ok(order_id) => Ok(Imported { order_id, product_id, product: product.name, activated, pending }),
        Err(taken) => {
            let problems = taken
                .into_iter()
                .map(|i| RowProblem {
                    line: lines[i],
                    code: codes[i].clone(),
                    reason: "TICKET_EXISTS".into(),
                    message: "A ticket with this code exists already.".into(),
                })
                .collect();
            Err(ImportError::BadRows(problems))
        }
    }
}

struct Import {
    orq: OrgId,
    actor: Option<UserId>,
    product: Product,
    tickets: Vec<NewTicket>,
    now: DateTime<Utc>,
}

impl Write for Import {
    /// The order written, or the positions of the tickets whose codes exist already.
    type Output = Result<OrderId, Vec<usize>>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        let taken = self.taken(tx).await?;
        if !taken.is_empty() {
            return Ok(Err(taken));
        }
        let order_id = order::insert(tx, self.orq, self.product.id, &self.tickets, self.now).await?;
        let pending = self.tickets.iter().filter(|t| t.status == TicketStatus::PendingPayment).count();
        let count = self.tickets.len();
        let change = Change {
            actor: self.actor,
            action: Action::TicketsImported,
            subject: Subject::Order(order_id.0),
            summary: format!("{count} tickets for {} imported ({pending} awaiting payment)", self.product.name),
            before: None,
            after: Some(serde_json::json!({
                "order_id": order_id, "product_id": self.product.id, "count": count, "pending": pending,
            })),
        };
        audit::record(tx, self.orq, &change, self.now).await?;
        Ok(Ok(order_id))
    }
}

impl Import {
    /// Positions in `tickets` of codes some ticket (of any organization: codes are unique) has.
    async fn taken(&self, tx: &mut Tx) -> Result<Vec<usize>, sqlx::Error> {
        let mut taken = Vec::new();
        for (n, chunk) in self.tickets.chunks(CODES_PER_STATEMENT).enumerate() {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT ticket_code FROM tickets WHERE ticket_code IN ({})", marks.join(", "));
            let found: Vec<(String,)> = on_tx!(tx, conn => {
                let mut q = sqlx::query_as(&sql);
                for t in chunk {
                    q = q.bind(t.code.as_str());
                }
                q.fetch_all(&mut *conn).await
            })?;
            let found: std::collections::HashSet<String> = found.into_iter().map(|(c,)| c).collect();
            let start = n * CODES_PER_STATEMENT;
            taken.extend(
                chunk.iter().enumerate().filter(|(_, t)| found.contains(t.code.as_str())).map(|(i, _)| start + i),
            );
        }
        Ok(taken)
    }
}
