//! Booking a slot for an ACTIVATED ticket: the batcher's hottest write.
use super::{Booking, Confirmed, ReserveError};
use crate::error::DomainError;
use crate::ids::{OrgId, ReservationId, TicketId};
use crate::notify::{self, kind::Kind};
use crate::slots::seats::FREE_SEAT;
use crate::slots::SlotTimes;
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::moves::RESERVE;
use crate::tickets::{self, TicketSummary};
use crate::{on_tx, secret, take_seat_if, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// PRD §6.1 "validate ticket before reservation": the ticket when it can be booked.
pub async fn ticket_for_reservation(db: &Db, code: &TicketCode) -> Result<TicketSummary, ReserveError> {
    let ticket = tickets::find_by_code(db, code).await?.ok_or(ReserveError::TicketNotFound)?;
    match ReserveError::for_status(ticket.status, ticket.reservation.as_ref().map(|r| r.date)) {
        None => Ok(ticket),
        Some(e) => Err(e),
    }
}

/// Books `booking.slot_id` for an ACTIVATED ticket: ticket → RESERVED, one seat taken, one
/// reservation row, all or nothing. The answer carries a new management token; only its
/// digest is stored.
pub async fn reserve(engine: &Engine, booking: &Booking) -> Result<Confirmed, ReserveError> {
    let now = engine.now();
    let full = engine.events.full_slots();
    if full.is_marked(booking.slot_id) {
        let why = Why::read(&engine.db, booking, now).await?;
        if !why.may_book(booking) {
            return Err(refused(engine, booking, now, Some(why)).await);
        }
        full.forget(booking.slot_id);
    }
    let manage_token = secret::random_token("m", 16);
    let write = Book {
        booking: booking.clone(),
        manage_hash: secret::digest(&manage_token),
        manage_token: manage_token.clone(),
        now,
    };
    match engine.batcher.write(write).await? {
        Some(confirmed) => {
            engine.events.slot_changed(confirmed.slot.slot_id);
            engine.events.outbox_written();
            engine.events.booking_attempt(booking.slot_id, "RESERVED", now);
            crate::measures::reservation_created();
            Ok(Confirmed { manage_token, ..confirmed })
        }
        None => Err(refused(engine, booking, now, None).await),
    }
}

/// A refused booking: its precise reason, counted; a slot that refused the seat is marked, so
/// the next booking for it is refused from one read without a turn in a batch. `why`: the
/// booking's ticket and slot when they were just read.
async fn refused(engine: &Engine, booking: &Booking, now: DateTime<Utc>, why: Option<Why>) -> ReserveError {
    let why = match why {
        Some(why) => why,
        None => match Why::read(&engine.db, booking, now).await {
            Ok(why) => why,
            Err(e) => return e.into(),
        },
    };
    let refusal = refusal::explain(engine, booking, now, why).await;
    if refusal.alternatives().is_some() {
        engine.events.full_slots().mark(booking.slot_id);
    }
    engine.events.booking_attempt(booking.slot_id, refusal.code(), now);
    crate::measures::reservation_refused(refusal.code());
    refusal
}

struct Book {
    booking: Booking,
    manage_hash: String,
    /// For the confirmation message only: the reservation keeps the digest.
    manage_token: String,
    now: DateTime<Utc>,
}

/// Whether ticket code `$code` (with id `$claimed` when the caller sent one, else NULL) can be
/// booked into the slot row `reservation_slots`: in status `$status` (ACTIVATED), of the slot's
/// organization, and where the organization asks visitors to confirm their address, with e-mail
/// `$email` confirmed for this ticket since `$since`.
macro_rules! ticket_can_book {
    ($code:literal, $claimed:literal, $status:literal, $email:literal, $since:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_code = ",
            $code,
            " AND t.status = ",
            $status,
            "
                     AND t.orq = reservation_slots.orq AND (",
            $claimed,
            " IS NULL OR t.id = ",
            $claimed,
            ")
                     AND (NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = t.orq AND o.verify_contact)
                          OR EXISTS (SELECT 1 FROM contact_verifications v
                                     WHERE v.ticket_id = t.id AND v.destination = ",
            $email,
            " AND v.verified_at > ",
            $since,
            ")))"
        )
    };
}

mod refusal;
mod together;

use refusal::Why;

pub(super) use refusal::slot_refusal;

/// The booking's seat, taken only when ticket code `$3` (and ticket id `$4` when the caller sent
/// one) can be booked into the slot, so the common refusals (slot full, ticket already booked,
/// wrong id) write nothing at all: see [`ticket_can_book!`], status `$5`, e-mail `$6` confirmed
/// since `$7`.
const TAKE_SEAT_FOR_TICKET: &str = take_seat_if!(ticket_can_book!("$3", "$4", "$5", "$6", "$7"));

impl Write for Book {
    /// `None` when a rule refused it; the answer's `manage_token` is empty (the caller holds it).
    type Output = Option<Confirmed>;

    fn lock_order(&self) -> Option<i64> {
        Some(self.booking.slot_id.0)
    }

    /// On PostgreSQL, a batch's bookings take their seats in one statement (see `together`);
    /// SQLite has one writer at a time, so nobody waits on its rows, and books each in turn.
    async fn apply_together(writes: &[&Book], tx: &mut Tx) -> Result<Vec<Option<Confirmed>>, sqlx::Error> {
        if let (Tx::Postgres(t), true) = (&mut *tx, writes.len() > 1) {
            return together::book(writes, t).await;
        }
        crate::store::batch::one_by_one(writes, tx).await
    }

    async fn apply(&self, tx: &mut Tx) -> Result<Option<Confirmed>, sqlx::Error> {
        let Book { booking, manage_hash, manage_token, now } = self;
        on_tx!(tx, conn => async {
            let seat: Option<(NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEAT_FOR_TICKET)
                .bind(booking.slot_id).bind(now).bind(booking.ticket.as_str()).bind(booking.claimed_id)
                .bind(RESERVE.from).bind(booking.email.as_str()).bind(*now - super::verify::CONFIRMED_FOR)
                .fetch_optional(&mut *conn).await?;
            let Some((date, start_time, end_time)) = seat else { return Ok(None) };
            // Still conditioned: another instance may have booked the ticket meanwhile.
            let ticket: Option<(TicketId, String, OrgId)> = sqlx::query_as(
                "UPDATE tickets SET status = $6, reserved_at = $2, customer_email = $3, customer_phone = $4
                 WHERE ticket_code = $1 AND status = $7
                   AND orq = (SELECT orq FROM reservation_slots WHERE id = $5)
                 RETURNING id, ticket_code, orq")
                .bind(booking.ticket.as_str()).bind(now).bind(booking.email.as_str()).bind(booking.phone.as_str())
                .bind(booking.slot_id).bind(RESERVE.to).bind(RESERVE.from).fetch_optional(&mut *conn).await?;
            let Some((ticket_id, ticket_code, orq)) = ticket else {
                sqlx::query(FREE_SEAT).bind(booking.slot_id).bind(now).execute(&mut *conn).await?;
                return Ok(None);
            };
            let (reservation_id,): (ReservationId,) = sqlx::query_as(
                "INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                                  status, orq, created_at, updated_at, manage_hash)
                 VALUES ($1, $2, $3, $4, $5, 'RESERVED', $6, $5, $5, $7) RETURNING id")
                .bind(ticket_id).bind(booking.slot_id).bind(booking.email.as_str())
                .bind(booking.phone.as_str()).bind(now).bind(orq).bind(manage_hash).fetch_one(&mut *conn).await?;
            let key = notify::queue::reservation_key(Kind::Booked, reservation_id, booking.slot_id, None);
            sqlx::query(notify::queue::FOR_RESERVATION)
                .bind(reservation_id).bind(key).bind(Kind::Booked).bind(manage_token).bind(now)
                .bind(Kind::Booked.texts()).execute(&mut *conn).await?;
            Ok(Some(Confirmed {
                reservation_id,
                ticket_id,
                ticket_code,
                slot: SlotTimes { slot_id: booking.slot_id, date, start_time, end_time },
                manage_token: String::new(),
            }))
        }.await)
    }
}
