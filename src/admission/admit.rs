//! Validating a ticket at the door and admitting its holder exactly once.
use super::facts::{entry_facts, TicketRef};
use super::log::Attempt;
use super::{entry_verdict, Admitted, Door, EntryError, EntryFacts};
use crate::error::DomainError;
use crate::ids::{ReservationId, TicketId};
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::lifecycle::moves::ADMIT;
use crate::{on_tx, Engine};
use chrono::{DateTime, NaiveDate, Utc};

/// Validates a ticket for entry today (PRD §6.2) and logs the attempt.
pub async fn validate_entry(engine: &Engine, door: &Door, ticket: TicketRef<'_>) -> Result<EntryFacts, EntryError> {
    let now = engine.now();
    let input = match ticket {
        TicketRef::Code(c) => c.to_string(),
        TicketRef::Id(id) => format!("#{id}"),
    };
    let facts = entry_facts(&engine.db, door.orq, &ticket, now).await?;
    let verdict = match &facts {
        None => Err(EntryError::TicketNotFound),
        Some(f) => entry_verdict(f).map(|_| ()),
    };
    let outcome = verdict.as_ref().map_or_else(|e| e.code(), |_| "VALID");
    let ticket_id = facts.as_ref().map(|f| f.ticket_id);
    Attempt { door: door.clone(), ticket_id, input, action: "VALIDATE", outcome, at: now }.record(engine).await?;
    crate::measures::door_check("VALIDATE", outcome);
    verdict?;
    facts.ok_or(EntryError::TicketNotFound)
}

/// Admits the holder: RESERVED → VERIFIED on the reserved day, exactly once under any
/// concurrency (the UPDATE is conditional on the status). A repeat answers ALREADY_VERIFIED
/// and changes nothing but the log.
pub async fn verify(engine: &Engine, door: &Door, ticket_id: TicketId) -> Result<Admitted, EntryError> {
    let now = engine.now();
    let started = std::time::Instant::now();
    let result = admit(engine, door, ticket_id, now).await;
    crate::measures::admission(started.elapsed());
    crate::measures::door_check("VERIFY", result.as_ref().map_or_else(|e| e.code(), |_| "VERIFIED"));
    // A success is logged with the admission itself, in the same transaction.
    if let Err(e) = &result {
        if !matches!(e, EntryError::Storage(_)) {
            let known = (!matches!(e, EntryError::TicketNotFound)).then_some(ticket_id);
            let input = format!("#{ticket_id}");
            Attempt { door: door.clone(), ticket_id: known, input, action: "VERIFY", outcome: e.code(), at: now }
                .record(engine)
                .await?;
        }
    }
    result
}

async fn admit(engine: &Engine, door: &Door, ticket_id: TicketId, now: DateTime<Utc>) -> Result<Admitted, EntryError> {
    let facts = entry_facts(&engine.db, door.orq, &TicketRef::Id(ticket_id), now).await?;
    let facts = facts.ok_or(EntryError::TicketNotFound)?;
    let today = entry_verdict(&facts)?.venue_today;
    match engine.batcher.write(Admit { door: door.clone(), ticket_id, today, now }).await? {
        Some(ticket_code) => {
            engine.events.door(door.orq);
            Ok(Admitted { ticket_id, ticket_code, verified_at: now, verified_by: door.operator_id })
        }
        // Someone admitted it between our read and our write: say so, from fresh facts.
        None => {
            let fresh = entry_facts(&engine.db, door.orq, &TicketRef::Id(ticket_id), now).await?;
            Err(fresh.map_or(EntryError::TicketNotFound, |f| {
                entry_verdict(&f).err().unwrap_or(EntryError::NoReservation { ticket_status: f.status })
            }))
        }
    }
}

struct Admit {
    door: Door,
    ticket_id: TicketId,
    /// The venue's today: the reservation must be for a slot on it.
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Write for Admit {
    /// The ticket's code; `None` when it was not admissible (any more).
    type Output = Option<String>;

    async fn apply(&self, tx: &mut Tx) -> Result<Option<String>, sqlx::Error> {
        let Admit { door, ticket_id, today, now } = self;
        let code = take_admission(tx, door, *ticket_id, *today, *now).await?;
        if code.is_some() {
            let input = format!("#{ticket_id}");
            let success = Attempt {
                door: door.clone(),
                ticket_id: Some(*ticket_id),
                input,
                action: "VERIFY",
                outcome: "VERIFIED",
                at: *now,
            };
            success.insert(tx).await?;
        }
        Ok(code)
    }
}

/// The statements that admit: the ticket's reservation for a slot on `today` and the ticket
/// itself, RESERVED → VERIFIED at `at`, by `door`'s operator. The ticket's code, or `None`
/// (nothing changed) when it was not admissible.
pub(super) async fn take_admission(
    tx: &mut Tx,
    door: &Door,
    ticket_id: TicketId,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    on_tx!(tx, conn => async {
        // The reservation first, conditioned on its slot being today's: a change moving it
        // at the same moment either waits for this admission and is then refused, or
        // commits first and this re-checks the moved row and refuses.
        let admitted: Option<(ReservationId,)> = sqlx::query_as(
            "UPDATE ticket_reservations SET status = 'VERIFIED', updated_at = $2
             WHERE ticket_id = $1 AND orq = $3 AND status = 'RESERVED'
               AND slot_id IN (SELECT id FROM reservation_slots WHERE orq = $3 AND date = $4)
             RETURNING id")
            .bind(ticket_id).bind(at).bind(door.orq).bind(today).fetch_optional(&mut *conn).await?;
        let Some((reservation_id,)) = admitted else { return Ok::<_, sqlx::Error>(None) };
        let code: Option<(String,)> = sqlx::query_as(
            "UPDATE tickets SET status = $4, verified_at = $2, verified_by = $3
             WHERE id = $1 AND status = $5 RETURNING ticket_code")
            .bind(ticket_id).bind(at).bind(door.operator_id).bind(ADMIT.to).bind(ADMIT.from)
            .fetch_optional(&mut *conn).await?;
        if code.is_none() {
            sqlx::query("UPDATE ticket_reservations SET status = 'RESERVED' WHERE id = $1")
                .bind(reservation_id).execute(&mut *conn).await?;
        }
        Ok(code.map(|(c,)| c))
    }.await)
}
