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
    let mut job = Admit { door: door.clone(), ticket_id, today, now, held: Held::Skip };
    let mut taken = engine.batcher.write(job.clone()).await?;
    if matches!(taken, Taken::Held) {
        // Another transaction is deciding this ticket (the same ticket scanned at another door,
        // through another instance): wait for its decision alone, not inside a batch.
        job.held = Held::Wait;
        taken = crate::store::batch::alone(&engine.db, &job).await?;
    }
    match taken {
        Taken::Admitted(ticket_code) => {
            engine.events.door(door.orq);
            Ok(Admitted { ticket_id, ticket_code, verified_at: now, verified_by: door.operator_id })
        }
        // Someone admitted it between our read and our write: say so, from fresh facts.
        Taken::NotAdmissible | Taken::Held => {
            let fresh = entry_facts(&engine.db, door.orq, &TicketRef::Id(ticket_id), now).await?;
            Err(fresh.map_or(EntryError::TicketNotFound, |f| {
                entry_verdict(&f).err().unwrap_or(EntryError::NoReservation { ticket_status: f.status })
            }))
        }
    }
}

#[derive(Clone)]
struct Admit {
    door: Door,
    ticket_id: TicketId,
    /// The venue's today: the reservation must be for a slot on it.
    today: NaiveDate,
    now: DateTime<Utc>,
    held: Held,
}

impl Write for Admit {
    type Output = Taken;

    async fn apply(&self, tx: &mut Tx) -> Result<Taken, sqlx::Error> {
        let Admit { door, ticket_id, today, now, held } = self;
        let taken = take_admission(tx, door, *ticket_id, *today, *now, *held).await?;
        if matches!(taken, Taken::Admitted(_)) {
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
        Ok(taken)
    }
}

/// What an admission does when another transaction holds the ticket's reservation row (on
/// PostgreSQL; SQLite has one writer, so a row is never held by another).
#[derive(Clone, Copy, Debug)]
pub(super) enum Held {
    /// Leave it and answer [`Taken::Held`]. In a batch: a batch that waited on a row held by
    /// another instance's batch would hold every lock it had taken meanwhile, so the two
    /// instances' batches queued on each other and, holding rows in different orders,
    /// deadlocked until PostgreSQL's deadlock check (one second) broke the tie.
    Skip,
    /// Wait for the other transaction's decision, then decide on what it left.
    Wait,
}

/// What became of an admission.
#[derive(Debug)]
pub(super) enum Taken {
    /// RESERVED → VERIFIED; the ticket's code.
    Admitted(String),
    /// Not admissible (any more): nothing changed.
    NotAdmissible,
    /// Another transaction holds the reservation ([`Held::Skip`]): nothing changed, nothing decided.
    Held,
}

/// The ticket's reservation for a slot of `$3` on day `$4`, still RESERVED. The organization is
/// the slot's, not the reservation's `orq`: SQLite, offered `orq = ?` here, searched by an index
/// of the organization's reservations (`ticket_reservations_orq_email`) and read every one of
/// them, 100,000 on a busy day, for each admission.
macro_rules! reserved_today {
    () => {
        "ticket_id = $1 AND status = 'RESERVED'
         AND slot_id IN (SELECT id FROM reservation_slots WHERE orq = $3 AND date = $4)"
    };
}

const ADMIT_RESERVATION: &str = concat!(
    "UPDATE ticket_reservations SET status = 'VERIFIED', updated_at = $2 WHERE ",
    reserved_today!(),
    " RETURNING id"
);

/// [`ADMIT_RESERVATION`] that leaves a row another transaction holds (PostgreSQL only).
const ADMIT_RESERVATION_UNLESS_HELD: &str = concat!(
    "UPDATE ticket_reservations SET status = 'VERIFIED', updated_at = $2
     WHERE status = 'RESERVED' AND id = (SELECT id FROM ticket_reservations WHERE ",
    reserved_today!(),
    " LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED) RETURNING id"
);

/// Whether the reservation [`ADMIT_RESERVATION_UNLESS_HELD`] found nothing to take is there all
/// the same, so held by another transaction (`$2` unused: the same binds).
const RESERVED_TODAY: &str = concat!("SELECT id FROM ticket_reservations WHERE ", reserved_today!());

/// The statements that admit: the ticket's reservation for a slot on `today` and the ticket
/// itself, RESERVED → VERIFIED at `at`, by `door`'s operator.
pub(super) async fn take_admission(
    tx: &mut Tx,
    door: &Door,
    ticket_id: TicketId,
    today: NaiveDate,
    at: DateTime<Utc>,
    held: Held,
) -> Result<Taken, sqlx::Error> {
    let skip = matches!((&*tx, held), (Tx::Postgres(_), Held::Skip));
    let admit_reservation = if skip { ADMIT_RESERVATION_UNLESS_HELD } else { ADMIT_RESERVATION };
    on_tx!(tx, conn => async {
        // The reservation first, conditioned on its slot being today's: a change moving it
        // at the same moment either waits for this admission and is then refused, or
        // commits first and this re-checks the moved row and refuses.
        let admitted: Option<(ReservationId,)> = sqlx::query_as(admit_reservation)
            .bind(ticket_id).bind(at).bind(door.orq).bind(today).fetch_optional(&mut *conn).await?;
        let Some((reservation_id,)) = admitted else {
            if !skip {
                return Ok::<_, sqlx::Error>(Taken::NotAdmissible);
            }
            let there: Option<(ReservationId,)> = sqlx::query_as(RESERVED_TODAY)
                .bind(ticket_id).bind(at).bind(door.orq).bind(today).fetch_optional(&mut *conn).await?;
            return Ok(if there.is_some() { Taken::Held } else { Taken::NotAdmissible });
        };
        let code: Option<(String,)> = sqlx::query_as(
            "UPDATE tickets SET status = $4, verified_at = $2, verified_by = $3
             WHERE id = $1 AND status = $5 RETURNING ticket_code")
            .bind(ticket_id).bind(at).bind(door.operator_id).bind(ADMIT.to).bind(ADMIT.from)
            .fetch_optional(&mut *conn).await?;
        if code.is_none() {
            sqlx::query("UPDATE ticket_reservations SET status = 'RESERVED' WHERE id = $1")
                .bind(reservation_id).execute(&mut *conn).await?;
        }
        Ok(code.map_or(Taken::NotAdmissible, |(c,)| Taken::Admitted(c)))
    }.await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::plan::assert_sqlite_reads_by;

    #[tokio::test]
    async fn every_admission_statement_finds_the_reservation_by_its_ticket_on_sqlite() {
        for statement in [ADMIT_RESERVATION, RESERVED_TODAY] {
            assert_sqlite_reads_by(statement, 4, "ticket_reservations", "ticket_id").await;
        }
    }
}
