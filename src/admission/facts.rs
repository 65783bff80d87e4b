//! What the door needs to know about a ticket, read in one query.
use super::{EntryFacts, EntryReservation};
use crate::ids::{OrgId, TicketId, UserId};
use crate::store::{Db, Tx};
use crate::tickets::lifecycle::TicketStatus;
use crate::{on_pool, on_tx, org, ticket_with_live_reservation};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Which ticket a request names: a scanned or typed code, or an id from an earlier answer.
pub enum TicketRef<'a> {
    Code(&'a str),
    Id(TicketId),
}

#[derive(Clone, sqlx::FromRow)]
pub(super) struct FactsRow {
    id: TicketId,
    ticket_code: String,
    orq: OrgId,
    status: TicketStatus,
    customer_email: Option<String>,
    customer_phone: Option<String>,
    verified_at: Option<DateTime<Utc>>,
    verified_by: Option<UserId>,
    operator_name: Option<String>,
    date: Option<NaiveDate>,
    start_time: Option<NaiveTime>,
    end_time: Option<NaiveTime>,
    booked_count: Option<i64>,
    total_capacity: Option<i64>,
    time_zone: Option<String>,
}

macro_rules! facts {
    ($condition:literal) => {
        concat!(
            "SELECT t.id, t.ticket_code, t.orq, t.status, t.customer_email, t.customer_phone,
                    t.verified_at, t.verified_by, u.display_name AS operator_name,
                    s.date, s.start_time, s.end_time, s.booked_count, s.total_capacity, v.time_zone
             FROM ",
            ticket_with_live_reservation!(),
            " LEFT JOIN users u ON u.id = t.verified_by
              LEFT JOIN venues v ON v.id = s.venue_id WHERE ",
            $condition
        )
    };
}

/// The facts about a ticket of organization `orq`; another organization's ticket is not found.
pub async fn entry_facts(
    db: &Db,
    orq: OrgId,
    ticket: &TicketRef<'_>,
    now: DateTime<Utc>,
) -> Result<Option<EntryFacts>, sqlx::Error> {
    let row: Option<FactsRow> = match ticket {
        TicketRef::Code(code) => on_pool!(db, pool => sqlx::query_as(facts!("t.ticket_code = $1 AND t.orq = $2"))
            .bind(*code).bind(orq).fetch_optional(pool).await)?,
        TicketRef::Id(id) => on_pool!(db, pool => sqlx::query_as(facts!("t.id = $1 AND t.orq = $2"))
            .bind(*id).bind(orq).fetch_optional(pool).await)?,
    };
    Ok(row.map(|r| r.at(now)))
}

/// The facts about the tickets of `orq` with these codes, in one query; each as of any instant
/// ([`FactsRow::at`]).
pub(super) async fn entry_facts_by_codes(db: &Db, orq: OrgId, codes: &[&str]) -> Result<Vec<FactsRow>, sqlx::Error> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(facts!("t.orq = "));
        query.push_bind(orq).push(" AND t.ticket_code IN (");
        let mut list = query.separated(", ");
        for code in codes {
            list.push_bind(*code);
        }
        list.push_unseparated(")");
        query.build_query_as().fetch_all(pool).await
    })
}

/// The facts about ticket `id` of `orq` as a write's open transaction sees them, at `now`.
pub(super) async fn entry_facts_in(
    tx: &mut Tx,
    orq: OrgId,
    id: TicketId,
    now: DateTime<Utc>,
) -> Result<Option<EntryFacts>, sqlx::Error> {
    let row: Option<FactsRow> = on_tx!(tx, conn => sqlx::query_as(facts!("t.id = $1 AND t.orq = $2"))
        .bind(id).bind(orq).fetch_optional(&mut *conn).await)?;
    Ok(row.map(|r| r.at(now)))
}

impl FactsRow {
    pub(super) fn ticket_code(&self) -> &str {
        &self.ticket_code
    }

    /// The facts as of `now`: "today" is the venue's date at that instant.
    pub(super) fn at(self, now: DateTime<Utc>) -> EntryFacts {
        let r = self;
        let verified_at_venue = match (r.verified_at, &r.time_zone) {
            (Some(at), Some(zone)) => Some(at.with_timezone(&org::zone(zone)).naive_local()),
            _ => None,
        };
        let reservation =
            match (r.date, r.start_time, r.end_time, r.booked_count, r.total_capacity, r.time_zone.clone()) {
                (
                    Some(date),
                    Some(start_time),
                    Some(end_time),
                    Some(booked_count),
                    Some(total_capacity),
                    Some(zone),
                ) => Some(EntryReservation {
                    date,
                    start_time,
                    end_time,
                    booked_count,
                    total_capacity,
                    venue_today: org::today_in(&zone, now),
                }),
                _ => None,
            };
        EntryFacts {
            ticket_id: r.id,
            ticket_code: r.ticket_code,
            orq: r.orq,
            status: r.status,
            customer_email: r.customer_email,
            customer_phone: r.customer_phone,
            reservation,
            verified_at: r.verified_at,
            verified_by: r.verified_by,
            verified_at_venue,
            operator_name: r.operator_name,
        }
    }
}
