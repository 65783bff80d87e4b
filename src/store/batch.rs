//! Group commit: one writer task per engine applies the hot writes (bookings, admissions,
//! check-in log rows) in batches, one transaction and one fsync per batch, and answers each
//! caller only after the batch is committed, so an answered write is durable.
//!
//! Why: a durable commit costs an fsync (~3 ms here), so one transaction per request caps
//! SQLite near 300 writes/s. Batching keeps every rule a conditional statement, so several
//! writers (several server instances on one PostgreSQL) stay correct. A refused job writes
//! nothing: its first statement is the conditional one, and the one later refusal (a race between
//! instances) undoes the seat it took. Should a statement fail outright, the batch is rolled back and its jobs are
//! applied again one transaction each, so one bad job cannot fail the others.
use crate::admission::Door;
use crate::db::{begin_write, Db};
use crate::on_pool;
use crate::reservation::{Booking, Confirmed, SlotTimes};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use tokio::sync::{mpsc, oneshot};

/// Jobs taken into one transaction at most; bounds the latency a batch adds.
const MAX_BATCH: usize = 512;
/// Callers waiting for the writer at most; beyond it they wait for room (back-pressure).
const QUEUE: usize = 8192;

pub struct LogEntry {
    pub door: Door,
    pub ticket_id: Option<i64>,
    pub input: String,
    pub action: &'static str,
    pub outcome: &'static str,
}

enum Job {
    Reserve {
        booking: Booking,
        manage_hash: String,
        now: DateTime<Utc>,
        reply: oneshot::Sender<Result<Option<Confirmed>, sqlx::Error>>,
    },
    Admit {
        door: Door,
        ticket_id: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
        reply: oneshot::Sender<Result<Option<String>, sqlx::Error>>,
    },
    Log {
        entry: LogEntry,
        now: DateTime<Utc>,
        reply: oneshot::Sender<Result<(), sqlx::Error>>,
    },
}

enum Outcome {
    Reserved(Option<Confirmed>),
    Admitted(Option<String>),
    Logged,
}

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

fn gone() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

impl Writer {
    pub fn spawn(db: Db) -> Writer {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, queue));
        Writer { jobs }
    }

    async fn submit<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, sqlx::Error>>) -> Job,
    ) -> Result<T, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(job(reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// Ticket ACTIVATED → RESERVED with a seat taken; `None` when a rule refused it. The
    /// answer's `manage_token` is empty: the caller holds the token whose digest it passed.
    pub async fn reserve(
        &self,
        booking: Booking,
        manage_hash: String,
        now: DateTime<Utc>,
    ) -> Result<Option<Confirmed>, sqlx::Error> {
        self.submit(|reply| Job::Reserve { booking, manage_hash, now, reply }).await
    }

    /// Ticket RESERVED for `today` → VERIFIED, logged; `None` when it was not admissible.
    pub async fn admit(
        &self,
        door: Door,
        ticket_id: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, sqlx::Error> {
        self.submit(|reply| Job::Admit { door, ticket_id, today, now, reply }).await
    }

    pub async fn log(&self, entry: LogEntry, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        self.submit(|reply| Job::Log { entry, now, reply }).await
    }
}

async fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcomes = match apply(&db, &batch).await {
            Ok(outcomes) => Ok(outcomes),
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "write batch failed; applying its jobs one by one");
                let mut alone = Vec::with_capacity(batch.len());
                for job in &batch {
                    alone.push(
                        apply(&db, std::slice::from_ref(job)).await.and_then(|mut o| o.pop().unwrap_or(Err(gone()))),
                    );
                }
                Ok(alone)
            }
        };
        answer(std::mem::take(&mut batch), outcomes);
    }
}

/// Answers every job of a batch: with its own outcome once the batch committed, or with the
/// batch's failure.
fn answer(batch: Vec<Job>, outcomes: Result<Vec<Result<Outcome, sqlx::Error>>, sqlx::Error>) {
    let mut outcomes = match outcomes {
        Ok(o) => o.into_iter(),
        Err(e) => {
            tracing::error!(error = %e, jobs = batch.len(), "a write batch failed; every job in it is answered with the failure");
            Vec::new().into_iter()
        }
    };
    for job in batch {
        let outcome = outcomes.next().unwrap_or_else(|| Err(gone()));
        match job {
            Job::Reserve { reply, .. } => {
                let _ = reply.send(outcome.map(|o| if let Outcome::Reserved(r) = o { r } else { None }));
            }
            Job::Admit { reply, .. } => {
                let _ = reply.send(outcome.map(|o| if let Outcome::Admitted(r) = o { r } else { None }));
            }
            Job::Log { reply, .. } => {
                let _ = reply.send(outcome.map(|_| ()));
            }
        }
    }
}

/// Takes one seat of slot `$1` at instant `$2` when it is open, not full and not started.
pub(crate) const TAKE_SEAT: &str = "UPDATE reservation_slots
     SET booked_count = booked_count + 1,
         status = CASE WHEN booked_count + 1 >= total_capacity THEN 'FULL' ELSE status END,
         updated_at = $2
     WHERE id = $1 AND status = 'ACTIVE' AND booked_count < total_capacity AND starts_at > $2
     RETURNING date, start_time, end_time";

/// A booking's seat: [`TAKE_SEAT`] for ticket code `$3` (and ticket id `$4` when the caller sent
/// one), taken only when that ticket can be booked into the slot, so the common refusals (slot
/// full, ticket already booked, wrong id) write nothing at all.
const TAKE_SEAT_FOR_TICKET: &str = "UPDATE reservation_slots
     SET booked_count = booked_count + 1,
         status = CASE WHEN booked_count + 1 >= total_capacity THEN 'FULL' ELSE status END,
         updated_at = $2
     WHERE id = $1 AND status = 'ACTIVE' AND booked_count < total_capacity AND starts_at > $2
       AND EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_code = $3 AND t.status = 'ACTIVATED'
                   AND t.orq = reservation_slots.orq AND ($4 IS NULL OR t.id = $4))
     RETURNING date, start_time, end_time";

/// Gives a seat of slot `$1` back at instant `$2`.
pub(crate) const FREE_SEAT: &str = "UPDATE reservation_slots
     SET booked_count = booked_count - 1,
         status = CASE WHEN status = 'FULL' THEN 'ACTIVE' ELSE status END,
         updated_at = $2
     WHERE id = $1";

const LOG: &str =
    "INSERT INTO checkin_log (orq, ticket_id, code_input, action, outcome, operator_id, device, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// One transaction for the whole batch; a refused job wrote nothing, a failed statement fails the batch.
async fn apply(db: &Db, batch: &[Job]) -> Result<Vec<Result<Outcome, sqlx::Error>>, sqlx::Error> {
    on_pool!(db, pool => async {
        let mut tx = begin_write(pool).await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for job in batch {
            let outcome: Result<Outcome, sqlx::Error> = async {
                match job {
                    Job::Reserve { booking, manage_hash, now, .. } => {
                        // The seat first, and only for a bookable ticket: a refusal then writes nothing.
                        let seat: Option<(NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEAT_FOR_TICKET)
                            .bind(booking.slot_id).bind(now).bind(booking.ticket.as_str()).bind(booking.claimed_id)
                            .fetch_optional(&mut *tx).await?;
                        let Some((date, start_time, end_time)) = seat else { return Ok(Outcome::Reserved(None)) };
                        // Still conditioned: another instance may have booked the ticket meanwhile.
                        let ticket: Option<(i64, String, i64)> = sqlx::query_as(
                            "UPDATE tickets SET status = 'RESERVED', reserved_at = $2, customer_email = $3, customer_phone = $4
                             WHERE ticket_code = $1 AND status = 'ACTIVATED'
                               AND orq = (SELECT orq FROM reservation_slots WHERE id = $5)
                             RETURNING id, ticket_code, orq")
                            .bind(booking.ticket.as_str()).bind(now).bind(booking.email.as_str()).bind(booking.phone.as_str())
                            .bind(booking.slot_id).fetch_optional(&mut *tx).await?;
                        let Some((ticket_id, ticket_code, orq)) = ticket else {
                            sqlx::query(FREE_SEAT).bind(booking.slot_id).bind(now).execute(&mut *tx).await?;
                            return Ok(Outcome::Reserved(None));
                        };
                        let (reservation_id,): (i64,) = sqlx::query_as(
                            "INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                                              status, orq, created_at, updated_at, manage_hash)
                             VALUES ($1, $2, $3, $4, $5, 'RESERVED', $6, $5, $5, $7) RETURNING id")
                            .bind(ticket_id).bind(booking.slot_id).bind(booking.email.as_str())
                            .bind(booking.phone.as_str()).bind(now).bind(orq).bind(manage_hash).fetch_one(&mut *tx).await?;
                        Ok(Outcome::Reserved(Some(Confirmed {
                            reservation_id,
                            ticket_id,
                            ticket_code,
                            slot: SlotTimes { slot_id: booking.slot_id, date, start_time, end_time },
                            manage_token: String::new(),
                        })))
                    }
                    Job::Admit { door, ticket_id, today, now, .. } => {
                        // The reservation first, conditioned on its slot being today's: a change
                        // moving it at the same moment either waits for this admission and is then
                        // refused, or commits first and this re-checks the moved row and refuses.
                        let admitted: Option<(i64,)> = sqlx::query_as(
                            "UPDATE ticket_reservations SET status = 'VERIFIED', updated_at = $2
                             WHERE ticket_id = $1 AND orq = $3 AND status = 'RESERVED'
                               AND slot_id IN (SELECT id FROM reservation_slots WHERE orq = $3 AND date = $4)
                             RETURNING id")
                            .bind(ticket_id).bind(now).bind(door.orq).bind(today).fetch_optional(&mut *tx).await?;
                        let Some((reservation_id,)) = admitted else { return Ok(Outcome::Admitted(None)) };
                        let code: Option<(String,)> = sqlx::query_as(
                            "UPDATE tickets SET status = 'VERIFIED', verified_at = $2, verified_by = $3
                             WHERE id = $1 AND status = 'RESERVED' RETURNING ticket_code")
                            .bind(ticket_id).bind(now).bind(door.operator_id).fetch_optional(&mut *tx).await?;
                        let Some((code,)) = code else {
                            sqlx::query("UPDATE ticket_reservations SET status = 'RESERVED' WHERE id = $1")
                                .bind(reservation_id).execute(&mut *tx).await?;
                            return Ok(Outcome::Admitted(None));
                        };
                        sqlx::query(LOG).bind(door.orq).bind(ticket_id).bind(format!("#{ticket_id}")).bind("VERIFY")
                            .bind("VERIFIED").bind(door.operator_id).bind(&door.device).bind(now)
                            .execute(&mut *tx).await?;
                        Ok(Outcome::Admitted(Some(code)))
                    }
                    Job::Log { entry, now, .. } => {
                        sqlx::query(LOG).bind(entry.door.orq).bind(entry.ticket_id).bind(&entry.input).bind(entry.action)
                            .bind(entry.outcome).bind(entry.door.operator_id).bind(&entry.door.device).bind(now)
                            .execute(&mut *tx).await?;
                        Ok(Outcome::Logged)
                    }
                }
            }.await;
            // A statement that failed leaves the transaction unusable (PostgreSQL) or the job half
            // done: give up the batch, and `run` applies each job alone.
            let outcome = outcome?;
            outcomes.push(Ok(outcome));
        }
        tx.commit().await?;
        Ok(outcomes)
    }.await)
}
