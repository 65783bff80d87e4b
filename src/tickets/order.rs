//! An order of tickets staff make at once (issued or imported): writing it in one transaction,
//! and listing it back, as a table or as CSV. The order's id names the batch.
use super::code::TicketCode;
use super::lifecycle::TicketStatus;
use crate::contact::{Email, PhoneE164};
use crate::ids::OrderId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A ticket of an order as the admin lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderTicket {
    pub code: String,
    pub status: TicketStatus,
    pub product: String,
    pub order_id: OrderId,
    #[serde(with = "crate::wire::instant")]
    pub created_at: DateTime<Utc>,
}

/// A ticket about to be written.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub code: TicketCode,
    pub status: TicketStatus,
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
}

/// The CSV of an order's tickets, with a header line; RFC 4180 quoting where a field needs it.
pub fn csv(tickets: &[OrderTicket]) -> String {
    let mut out = String::from("code,status,product,order,created\r\n");
    for t in tickets {
        let fields = [
            t.code.clone(),
            t.status.as_str().to_string(),
            t.product.clone(),
            t.order_id.to_string(),
            t.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| quoted(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A field as CSV writes it. A leading `=`, `+`, `-` or `@` is prefixed with `'`, so that a
/// spreadsheet opening the file does not run a product name as a formula.
fn quoted(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_string() };
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(feature = "ssr")]
pub use storage::{insert, tickets_of};

#[cfg(feature = "ssr")]
mod storage {
    use super::*;
    use crate::ids::{OrgId, ProductId};
    use crate::store::{Db, Tx};
    use crate::{on_pool, on_tx};

    /// Rows per INSERT statement: 5 parameters each stays far below both engines' limits.
    const ROWS_PER_STATEMENT: usize = 500;

    /// Writes an order holding `tickets` (PENDING while any of them awaits payment, else PAID).
    pub async fn insert(
        tx: &mut Tx,
        orq: OrgId,
        product_id: ProductId,
        tickets: &[NewTicket],
        now: DateTime<Utc>,
    ) -> Result<OrderId, sqlx::Error> {
        let pending = tickets.iter().any(|t| t.status == TicketStatus::PendingPayment);
        let (order_id,): (OrderId,) = on_tx!(tx, conn => sqlx::query_as(
            "INSERT INTO orders (orq, status, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(orq).bind(if pending { "PENDING" } else { "PAID" }).bind(now).fetch_one(&mut *conn).await)?;
        for chunk in tickets.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = 5 + i * 5;
                    format!("(${}, $1, $2, $3, ${}, ${}, ${}, $4, ${})", p, p + 1, p + 2, p + 3, p + 4)
                })
                .collect();
            let sql = format!(
                "INSERT INTO tickets (ticket_code, order_id, product_id, orq, status, customer_email, customer_phone,
                                      created_at, activated_at) VALUES {}",
                rows.join(", ")
            );
            on_tx!(tx, conn => {
                let mut q = sqlx::query(&sql).bind(order_id).bind(product_id).bind(orq).bind(now);
                for t in chunk {
                    let activated = (t.status == TicketStatus::Activated).then_some(now);
                    q = q.bind(t.code.as_str()).bind(t.status).bind(t.email.as_ref().map(Email::as_str))
                        .bind(t.phone.as_ref().map(PhoneE164::as_str)).bind(activated);
                }
                q.execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(order_id)
    }

    /// The order's tickets in the order they were written; empty for another organization's order.
    pub async fn tickets_of(db: &Db, orq: OrgId, order_id: OrderId) -> Result<Vec<OrderTicket>, sqlx::Error> {
        on_pool!(db, pool => sqlx::query_as(
            "SELECT t.ticket_code AS code, t.status, p.name AS product, t.order_id, t.created_at
             FROM tickets t JOIN products p ON p.id = t.product_id
             WHERE t.order_id = $1 AND t.orq = $2 ORDER BY t.id")
            .bind(order_id).bind(orq).fetch_all(pool).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ticket(product: &str) -> OrderTicket {
        OrderTicket {
            code: "TKT-2026-AAAAAA-BBBBBB-CCCCC".into(),
            status: TicketStatus::Activated,
            product: product.into(),
            order_id: OrderId(7),
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).single().unwrap_or_default(),
        }
    }

    #[test]
    fn the_csv_has_a_header_and_one_line_per_ticket() {
        let csv = csv(&[ticket("General admission")]);
        assert_eq!(
            csv,
            "code,status,product,order,created\r\nTKT-2026-AAAAAA-BBBBBB-CCCCC,ACTIVATED,General admission,7,2026-11-23T15:00:00Z\r\n"
        );
    }

    #[test]
    fn a_product_name_with_commas_quotes_or_a_formula_stays_one_harmless_field() {
        assert!(csv(&[ticket("Adult, \"late\"")]).contains(",\"Adult, \"\"late\"\"\",7,"));
        assert!(csv(&[ticket("=HYPERLINK(1)")]).contains(",'=HYPERLINK(1),7,"));
    }
}
