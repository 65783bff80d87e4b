//! A ticket's history for an admin: its order, its reservations (cancelled ones too) and their
//! moves, each scan at the door, and the audit log's entries for it and its order, as one list in
//! time order. Five queries whatever the ticket's past.
use super::lifecycle::TicketStatus;
use crate::audit::Action;
use crate::ids::OrderId;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The slot a reservation was for, in the venue's own date and times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Happening {
    Created,
    Activated,
    Reserved(Visit),
    /// Moved from one slot to another.
    Changed {
        from: Visit,
        to: Visit,
    },
    Cancelled(Visit),
    /// A scan at the door: `VALIDATE` (looked at) or `VERIFY` (admitted, or refused with `outcome`).
    Scanned {
        action: String,
        outcome: String,
        device: String,
        offline: bool,
    },
    Expired,
    /// A staff change from the audit log.
    Audit {
        action: Action,
        summary: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(with = "crate::wire::instant")]
    pub at: DateTime<Utc>,
    /// The staff member, or the customer's e-mail for what they did; `None` when not known.
    pub by: Option<String>,
    pub happening: Happening,
}

/// A ticket as an admin sees it, with its history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketHistory {
    pub code: String,
    pub status: TicketStatus,
    pub product: String,
    pub order_id: OrderId,
    /// `PENDING`, `PAID` or `CANCELLED`.
    pub order_status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub entries: Vec<HistoryEntry>,
}

impl TicketHistory {
    /// Whether marking the order paid would activate this ticket.
    pub fn awaits_payment(&self) -> bool {
        self.status == TicketStatus::PendingPayment
    }
}

#[cfg(feature = "ssr")]
pub use storage::history;

#[cfg(feature = "ssr")]
mod storage {
    use super::*;
    use crate::audit::Subject;
    use crate::ids::{OrgId, ReservationId, TicketId};
    use crate::on_pool;
    use crate::store::Db;
    use crate::tickets::code::TicketCode;

    #[derive(sqlx::FromRow)]
    struct Head {
        id: TicketId,
        code: String,
        status: TicketStatus,
        product: String,
        order_id: OrderId,
        order_status: String,
        email: Option<String>,
        phone: Option<String>,
        created_at: DateTime<Utc>,
        activated_at: Option<DateTime<Utc>>,
        expired_at: Option<DateTime<Utc>>,
    }

    #[derive(sqlx::FromRow)]
    struct Reservation {
        id: ReservationId,
        status: String,
        email: String,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        date: NaiveDate,
        start_time: NaiveTime,
        end_time: NaiveTime,
    }

    #[derive(sqlx::FromRow)]
    struct Move {
        reservation_id: ReservationId,
        at: DateTime<Utc>,
        from_date: NaiveDate,
        from_start: NaiveTime,
        from_end: NaiveTime,
        to_date: NaiveDate,
        to_start: NaiveTime,
        to_end: NaiveTime,
    }

    #[derive(sqlx::FromRow)]
    struct Scan {
        at: DateTime<Utc>,
        scanned_at: Option<DateTime<Utc>>,
        action: String,
        outcome: String,
        operator: Option<String>,
        device: String,
        offline: bool,
    }

    #[derive(sqlx::FromRow)]
    struct AuditRow {
        at: DateTime<Utc>,
        actor: Option<String>,
        action: String,
        summary: String,
    }

    /// Ticket `$1`'s reservations, in order. The ticket is the organization's, and so are its
    /// reservations: a condition on their `orq` would let SQLite search by it (see
    /// [`crate::store::plan`]).
    pub(super) const RESERVATIONS: &str =
        "SELECT r.id, r.status, r.customer_email AS email, r.created_at, r.updated_at, s.date, s.start_time, s.end_time
         FROM ticket_reservations r JOIN reservation_slots s ON s.id = r.slot_id
         WHERE r.ticket_id = $1 ORDER BY r.id";

    /// The organization's ticket `code` with its history; `None` when it has no such ticket.
    pub async fn history(db: &Db, orq: OrgId, code: &TicketCode) -> Result<Option<TicketHistory>, sqlx::Error> {
        let head: Option<Head> = on_pool!(db, pool => sqlx::query_as(
            "SELECT t.id, t.ticket_code AS code, t.status, p.name AS product, t.order_id, o.status AS order_status,
                    t.customer_email AS email, t.customer_phone AS phone, t.created_at, t.activated_at, t.expired_at
             FROM tickets t JOIN products p ON p.id = t.product_id JOIN orders o ON o.id = t.order_id
             WHERE t.ticket_code = $1 AND t.orq = $2")
            .bind(code.as_str()).bind(orq).fetch_optional(pool).await)?;
        let Some(head) = head else { return Ok(None) };
        let reservations: Vec<Reservation> =
            on_pool!(db, pool => sqlx::query_as(RESERVATIONS).bind(head.id).fetch_all(pool).await)?;
        let moves: Vec<Move> = on_pool!(db, pool => sqlx::query_as(
            "SELECT c.reservation_id, c.created_at AS at,
                    f.date AS from_date, f.start_time AS from_start, f.end_time AS from_end,
                    n.date AS to_date, n.start_time AS to_start, n.end_time AS to_end
             FROM reservation_changes c JOIN ticket_reservations r ON r.id = c.reservation_id
                  JOIN reservation_slots f ON f.id = c.from_slot_id JOIN reservation_slots n ON n.id = c.to_slot_id
             WHERE r.ticket_id = $1 AND c.orq = $2 ORDER BY c.id")
            .bind(head.id).bind(orq).fetch_all(pool).await)?;
        let scans: Vec<Scan> = on_pool!(db, pool => sqlx::query_as(
            "SELECT c.created_at AS at, c.scanned_at, c.action, c.outcome, u.display_name AS operator, c.device, c.offline
             FROM checkin_log c LEFT JOIN users u ON u.id = c.operator_id
             WHERE c.ticket_id = $1 AND c.orq = $2 ORDER BY c.id")
            .bind(head.id).bind(orq).fetch_all(pool).await)?;
        let audits: Vec<AuditRow> = on_pool!(db, pool => sqlx::query_as(
            "SELECT a.created_at AS at, u.display_name AS actor, a.action, a.summary
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
             WHERE a.orq = $1 AND a.subject IN ($2, $3) ORDER BY a.id")
            .bind(orq).bind(Subject::Ticket(head.code.clone()).key()).bind(Subject::Order(head.order_id.0).key())
            .fetch_all(pool).await)?;
        Ok(Some(merge(head, reservations, moves, scans, audits)))
    }

    fn visit(date: NaiveDate, start_time: NaiveTime, end_time: NaiveTime) -> Visit {
        Visit { date, start_time, end_time }
    }

    fn merge(
        head: Head,
        reservations: Vec<Reservation>,
        moves: Vec<Move>,
        scans: Vec<Scan>,
        audits: Vec<AuditRow>,
    ) -> TicketHistory {
        let entry = |at, by, happening| HistoryEntry { at, by, happening };
        let mut entries = vec![entry(head.created_at, None, Happening::Created)];
        entries.extend(head.activated_at.map(|at| entry(at, None, Happening::Activated)));
        for r in reservations {
            let by = Some(r.email);
            let now_in = Visit { date: r.date, start_time: r.start_time, end_time: r.end_time };
            let own: Vec<&Move> = moves.iter().filter(|m| m.reservation_id == r.id).collect();
            // Made for the slot its first move left, if it moved.
            let first = own.first().map_or(now_in.clone(), |m| visit(m.from_date, m.from_start, m.from_end));
            entries.push(entry(r.created_at, by.clone(), Happening::Reserved(first)));
            for m in own {
                let from = visit(m.from_date, m.from_start, m.from_end);
                let to = visit(m.to_date, m.to_start, m.to_end);
                entries.push(entry(m.at, by.clone(), Happening::Changed { from, to }));
            }
            if r.status == "CANCELLED" {
                entries.push(entry(r.updated_at, by, Happening::Cancelled(now_in)));
            }
        }
        for s in scans {
            let happening =
                Happening::Scanned { action: s.action, outcome: s.outcome, device: s.device, offline: s.offline };
            entries.push(entry(s.scanned_at.unwrap_or(s.at), s.operator, happening));
        }
        entries.extend(head.expired_at.map(|at| entry(at, None, Happening::Expired)));
        for a in audits {
            let Some(action) = Action::parse(&a.action) else { continue };
            let by = Some(a.actor.unwrap_or_else(|| "command line".into()));
            entries.push(entry(a.at, by, Happening::Audit { action, summary: a.summary }));
        }
        // Stable: what happened at the same instant keeps the order it was pushed in.
        entries.sort_by_key(|e| e.at);
        TicketHistory {
            code: head.code,
            status: head.status,
            product: head.product,
            order_id: head.order_id,
            order_status: head.order_status,
            email: head.email,
            phone: head.phone,
            entries,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[tokio::test]
    async fn a_tickets_reservations_are_found_by_the_ticket_on_sqlite() {
        crate::store::plan::assert_sqlite_reads_by(super::storage::RESERVATIONS, 1, "ticket_reservations", "ticket_id")
            .await;
    }
}
