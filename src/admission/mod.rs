//! At the door: is this ticket good for entry today, and admitting its holder exactly once.
//! Every attempt, whatever its outcome, is written to the check-in log.
use crate::lifecycle::TicketStatus;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// What the door needs to know about a ticket, read in one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryFacts {
    pub ticket_id: i64,
    pub ticket_code: String,
    pub orq: i64,
    pub status: TicketStatus,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub reservation: Option<EntryReservation>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<i64>,
    pub operator_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryReservation {
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub booked_count: i64,
    pub total_capacity: i64,
    /// "Today" at the slot's venue, whatever the server's own time zone.
    pub venue_today: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("Ticket code not found.")]
    TicketNotFound,
    #[error("This ticket is not activated yet.")]
    TicketNotActivated,
    #[error("This ticket has expired.")]
    TicketExpired,
    #[error("Ticket is activated but has no reservation")]
    NoReservation { ticket_status: TicketStatus },
    #[error("This ticket was already verified")]
    AlreadyVerified { verified_at: Option<DateTime<Utc>>, verified_by: Option<i64>, operator_name: Option<String> },
    #[error("Ticket reserved for {reservation_date}, not today")]
    WrongDate { reservation_date: NaiveDate, today: NaiveDate, days_away: i64 },
    #[error("storage failure")]
    Storage(#[from] crate::reservation::StorageError),
}

impl EntryError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::TicketNotActivated => "TICKET_NOT_ACTIVATED",
            Self::TicketExpired => "TICKET_EXPIRED",
            Self::NoReservation { .. } => "NO_RESERVATION",
            Self::AlreadyVerified { .. } => "ALREADY_VERIFIED",
            Self::WrongDate { .. } => "WRONG_DATE",
            Self::Storage(_) => "INTERNAL",
        }
    }

    /// PRD §6.2: refusals at the door answer 400, an unknown code 404.
    pub fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound => 404,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }
}

/// The PRD's validation logic (§6.2), as a pure function of the facts and the venue's today.
pub fn entry_verdict(facts: &EntryFacts) -> Result<&EntryReservation, EntryError> {
    match facts.status {
        TicketStatus::PendingPayment => Err(EntryError::TicketNotActivated),
        TicketStatus::Expired => Err(EntryError::TicketExpired),
        TicketStatus::Verified => Err(EntryError::AlreadyVerified {
            verified_at: facts.verified_at,
            verified_by: facts.verified_by,
            operator_name: facts.operator_name.clone(),
        }),
        TicketStatus::Activated => Err(EntryError::NoReservation { ticket_status: facts.status }),
        TicketStatus::Reserved => {
            let r = facts.reservation.as_ref().ok_or(EntryError::NoReservation { ticket_status: facts.status })?;
            if r.date == r.venue_today {
                Ok(r)
            } else {
                Err(EntryError::WrongDate {
                    reservation_date: r.date,
                    today: r.venue_today,
                    days_away: (r.date - r.venue_today).num_days(),
                })
            }
        }
    }
}

/// Who is at the door, for the log.
#[derive(Debug, Clone)]
pub struct Door {
    pub operator_id: i64,
    pub orq: i64,
    pub device: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Admitted {
    pub ticket_id: i64,
    pub ticket_code: String,
    pub verified_at: DateTime<Utc>,
    pub verified_by: i64,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::on_pool;
    use crate::writer::LogEntry;
    use crate::Engine;

    /// Which ticket a request names: a scanned or typed code, or an id from an earlier answer.
    pub enum TicketRef<'a> {
        Code(&'a str),
        Id(i64),
    }

    #[derive(sqlx::FromRow)]
    struct FactsRow {
        id: i64,
        ticket_code: String,
        orq: i64,
        status: String,
        customer_email: Option<String>,
        customer_phone: Option<String>,
        verified_at: Option<DateTime<Utc>>,
        verified_by: Option<i64>,
        operator_name: Option<String>,
        date: Option<NaiveDate>,
        start_time: Option<NaiveTime>,
        end_time: Option<NaiveTime>,
        booked_count: Option<i64>,
        total_capacity: Option<i64>,
        time_zone: Option<String>,
    }

    const FACTS: &str = "SELECT t.id, t.ticket_code, t.orq, t.status, t.customer_email, t.customer_phone,
                t.verified_at, t.verified_by, u.display_name AS operator_name,
                s.date, s.start_time, s.end_time, s.booked_count, s.total_capacity, v.time_zone
         FROM tickets t
         LEFT JOIN users u ON u.id = t.verified_by
         LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
         LEFT JOIN reservation_slots s ON s.id = r.slot_id
         LEFT JOIN venues v ON v.id = s.venue_id";

    /// The facts about a ticket of organization `orq`; another organization's ticket is not found.
    pub async fn entry_facts(
        db: &Db,
        orq: i64,
        ticket: &TicketRef<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<EntryFacts>, sqlx::Error> {
        let row: Option<FactsRow> = match ticket {
            TicketRef::Code(code) => {
                on_pool!(db, pool => sqlx::query_as(&format!("{FACTS} WHERE t.ticket_code = $1 AND t.orq = $2"))
                .bind(*code).bind(orq).fetch_optional(pool).await)?
            }
            TicketRef::Id(id) => {
                on_pool!(db, pool => sqlx::query_as(&format!("{FACTS} WHERE t.id = $1 AND t.orq = $2"))
                .bind(*id).bind(orq).fetch_optional(pool).await)?
            }
        };
        Ok(row.map(|r| {
            let reservation = match (r.date, r.start_time, r.end_time, r.booked_count, r.total_capacity) {
                (Some(date), Some(start_time), Some(end_time), Some(booked_count), Some(total_capacity)) => {
                    let tz: chrono_tz::Tz =
                        r.time_zone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC);
                    Some(EntryReservation {
                        date,
                        start_time,
                        end_time,
                        booked_count,
                        total_capacity,
                        venue_today: now.with_timezone(&tz).date_naive(),
                    })
                }
                _ => None,
            };
            EntryFacts {
                ticket_id: r.id,
                ticket_code: r.ticket_code,
                orq: r.orq,
                status: r.status.parse().unwrap_or(TicketStatus::Expired),
                customer_email: r.customer_email,
                customer_phone: r.customer_phone,
                reservation,
                verified_at: r.verified_at,
                verified_by: r.verified_by,
                operator_name: r.operator_name,
            }
        }))
    }

    async fn log_attempt(
        engine: &Engine,
        door: &Door,
        ticket_id: Option<i64>,
        input: &str,
        action: &'static str,
        outcome: &'static str,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let entry = LogEntry { door: door.clone(), ticket_id, input: input.to_string(), action, outcome };
        engine.writer.log(entry, now).await
    }

    /// Validates a ticket for entry today (PRD §6.2) and logs the attempt.
    pub async fn validate_entry(engine: &Engine, door: &Door, ticket: TicketRef<'_>) -> Result<EntryFacts, EntryError> {
        let now = engine.now();
        let input = match ticket {
            TicketRef::Code(c) => c.to_string(),
            TicketRef::Id(id) => format!("#{id}"),
        };
        let facts = entry_facts(&engine.db, door.orq, &ticket, now).await.map_err(storage)?;
        let verdict = match &facts {
            None => Err(EntryError::TicketNotFound),
            Some(f) => entry_verdict(f).map(|_| ()),
        };
        let outcome = verdict.as_ref().map_or_else(|e| e.code(), |_| "VALID");
        log_attempt(engine, door, facts.as_ref().map(|f| f.ticket_id), &input, "VALIDATE", outcome, now)
            .await
            .map_err(storage)?;
        verdict?;
        facts.ok_or(EntryError::TicketNotFound)
    }

    /// Admits the holder: RESERVED → VERIFIED on the reserved day, exactly once under any
    /// concurrency (the UPDATE is conditional on the status). A repeat answers ALREADY_VERIFIED
    /// and changes nothing but the log.
    pub async fn verify(engine: &Engine, door: &Door, ticket_id: i64) -> Result<Admitted, EntryError> {
        let now = engine.now();
        let result = admit(engine, door, ticket_id, now).await;
        // A success is logged with the admission itself, in the same transaction.
        if let Err(e) = &result {
            if !matches!(e, EntryError::Storage(_)) {
                let known = (!matches!(e, EntryError::TicketNotFound)).then_some(ticket_id);
                log_attempt(engine, door, known, &format!("#{ticket_id}"), "VERIFY", e.code(), now)
                    .await
                    .map_err(storage)?;
            }
        }
        result
    }

    async fn admit(engine: &Engine, door: &Door, ticket_id: i64, now: DateTime<Utc>) -> Result<Admitted, EntryError> {
        let facts = entry_facts(&engine.db, door.orq, &TicketRef::Id(ticket_id), now).await.map_err(storage)?;
        let facts = facts.ok_or(EntryError::TicketNotFound)?;
        let today = entry_verdict(&facts)?.venue_today;
        match engine.writer.admit(door.clone(), ticket_id, today, now).await.map_err(storage)? {
            Some(ticket_code) => {
                Ok(Admitted { ticket_id, ticket_code, verified_at: now, verified_by: door.operator_id })
            }
            // Someone admitted it between our read and our write: say so, from fresh facts.
            None => {
                let fresh = entry_facts(&engine.db, door.orq, &TicketRef::Id(ticket_id), now).await.map_err(storage)?;
                Err(fresh.map_or(EntryError::TicketNotFound, |f| {
                    entry_verdict(&f).err().unwrap_or(EntryError::NoReservation { ticket_status: f.status })
                }))
            }
        }
    }

    fn storage(e: sqlx::Error) -> EntryError {
        EntryError::Storage(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: TicketStatus, date: Option<(u32, u32)>) -> EntryFacts {
        EntryFacts {
            ticket_id: 1,
            ticket_code: "TKT".into(),
            orq: 1,
            status,
            customer_email: None,
            customer_phone: None,
            reservation: date.map(|(day, today)| EntryReservation {
                date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
                start_time: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                end_time: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                booked_count: 150,
                total_capacity: 200,
                venue_today: NaiveDate::from_ymd_opt(2026, 11, today).unwrap(),
            }),
            verified_at: None,
            verified_by: None,
            operator_name: None,
        }
    }

    #[test]
    fn a_reserved_ticket_on_its_day_is_valid() {
        assert!(entry_verdict(&facts(TicketStatus::Reserved, Some((23, 23)))).is_ok());
    }

    #[test]
    fn a_reserved_ticket_on_another_day_says_how_far_away_its_day_is() {
        match entry_verdict(&facts(TicketStatus::Reserved, Some((29, 23)))) {
            Err(EntryError::WrongDate { days_away, .. }) => assert_eq!(days_away, 6),
            other => panic!("{other:?}"),
        }
        match entry_verdict(&facts(TicketStatus::Reserved, Some((22, 23)))) {
            Err(EntryError::WrongDate { days_away, .. }) => assert_eq!(days_away, -1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_other_status_is_refused_with_its_own_code() {
        let code = |s| entry_verdict(&facts(s, Some((23, 23)))).err().map(|e| e.code());
        assert_eq!(code(TicketStatus::PendingPayment), Some("TICKET_NOT_ACTIVATED"));
        assert_eq!(code(TicketStatus::Activated), Some("NO_RESERVATION"));
        assert_eq!(code(TicketStatus::Verified), Some("ALREADY_VERIFIED"));
        assert_eq!(code(TicketStatus::Expired), Some("TICKET_EXPIRED"));
    }
}
