//! Booking a slot for a ticket, moving it, and cancelling it. Each is one transaction whose
//! capacity rule is a conditional UPDATE the database enforces, so concurrent requests and
//! several server instances can never oversell.
use crate::contact::{ContactError, Email, PhoneE164};
use crate::lifecycle::TicketStatus;
use crate::ticket_code::TicketCode;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A slot offered instead of a full one (PRD §6.1 `alternative_slots`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlternativeSlot {
    pub slot_id: i64,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    pub available_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotTimes {
    pub slot_id: i64,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confirmed {
    pub reservation_id: i64,
    pub ticket_id: i64,
    pub ticket_code: String,
    pub slot: SlotTimes,
    /// The secret that changes or cancels this reservation: shown to the booker once.
    pub manage_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    #[error("Invalid ticket code. Please check and try again.")]
    TicketNotFound,
    #[error("Send the ticket code (ticket_code) to book with a ticket.")]
    TicketCodeRequired,
    /// The caller named a ticket id as well as a code, and they are not one ticket. Which of the
    /// two is wrong is not said: ids are guessable, codes are not.
    #[error("The ticket id and ticket code do not belong to one ticket.")]
    TicketMismatch,
    #[error("Changing or cancelling a visit needs the management link from the booking confirmation.")]
    ManageTokenRequired,
    #[error("This management link is not valid for this ticket's reservation.")]
    ManageTokenInvalid,
    #[error("This ticket is not activated yet. Please complete payment.")]
    TicketNotActivated,
    #[error("This ticket is already reserved for {}.", .reserved_date.map(|d| d.to_string()).unwrap_or_else(|| "another date".into()))]
    TicketAlreadyReserved { reserved_date: Option<NaiveDate> },
    #[error("This ticket has already been used for entry.")]
    TicketAlreadyUsed,
    #[error("This ticket has expired.")]
    TicketExpired,
    #[error("This ticket has no reservation to change.")]
    NoReservation,
    #[error("That time slot does not exist.")]
    SlotNotFound,
    #[error("This time slot is full. Please select another time.")]
    SlotFull { alternatives: Vec<AlternativeSlot> },
    #[error("This time slot is closed. Please select another time.")]
    SlotClosed { alternatives: Vec<AlternativeSlot> },
    #[error("This time slot has already started. Please select a later time.")]
    SlotStarted { alternatives: Vec<AlternativeSlot> },
    #[error("The ticket is already reserved for this time slot.")]
    SameSlot,
    #[error("Reservations can be changed or cancelled up to {hours} hours before the visit.")]
    CutoffPassed { hours: i64 },
    #[error("{0}")]
    Contact(#[from] ContactError),
    #[error("storage failure")]
    Storage(#[from] StorageError),
}

/// A database failure: logged in full on the server, answered generically. In the browser,
/// where there is no storage, it cannot be built.
#[cfg(feature = "ssr")]
pub type StorageError = sqlx::Error;
#[cfg(not(feature = "ssr"))]
#[derive(Debug, thiserror::Error)]
#[error("storage failure")]
pub enum StorageError {}

impl ReserveError {
    /// The PRD's machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TicketNotFound => "TICKET_NOT_FOUND",
            Self::TicketCodeRequired => "TICKET_CODE_REQUIRED",
            Self::TicketMismatch => "TICKET_MISMATCH",
            Self::ManageTokenRequired => "MANAGE_TOKEN_REQUIRED",
            Self::ManageTokenInvalid => "MANAGE_TOKEN_INVALID",
            Self::TicketNotActivated => "TICKET_NOT_ACTIVATED",
            Self::TicketAlreadyReserved { .. } => "TICKET_ALREADY_RESERVED",
            Self::TicketAlreadyUsed => "TICKET_ALREADY_VERIFIED",
            Self::TicketExpired => "TICKET_EXPIRED",
            Self::NoReservation => "NO_RESERVATION",
            Self::SlotNotFound => "SLOT_NOT_FOUND",
            Self::SlotFull { .. } => "SLOT_FULL",
            Self::SlotClosed { .. } => "SLOT_CLOSED",
            Self::SlotStarted { .. } => "SLOT_IN_PAST",
            Self::SameSlot => "SAME_SLOT",
            Self::CutoffPassed { .. } => "CHANGE_CUTOFF_PASSED",
            Self::Contact(e) => e.code(),
            Self::Storage(_) => "INTERNAL",
        }
    }

    /// The HTTP status the REST API and server functions answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::TicketNotFound | Self::SlotNotFound => 404,
            Self::TicketAlreadyReserved { .. } | Self::SlotFull { .. } | Self::SameSlot => 409,
            Self::ManageTokenRequired | Self::ManageTokenInvalid => 403,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    pub fn alternatives(&self) -> Option<&[AlternativeSlot]> {
        match self {
            Self::SlotFull { alternatives }
            | Self::SlotClosed { alternatives }
            | Self::SlotStarted { alternatives } => Some(alternatives),
            _ => None,
        }
    }

    /// Why a ticket in `status` cannot be reserved (PRD §4.2.1); `None` when it can.
    pub fn for_status(status: TicketStatus, reserved_date: Option<NaiveDate>) -> Option<ReserveError> {
        match status {
            TicketStatus::Activated => None,
            TicketStatus::PendingPayment => Some(Self::TicketNotActivated),
            TicketStatus::Reserved => Some(Self::TicketAlreadyReserved { reserved_date }),
            TicketStatus::Verified => Some(Self::TicketAlreadyUsed),
            TicketStatus::Expired => Some(Self::TicketExpired),
        }
    }
}

/// What a customer submits to book: parsed, so an operation never sees bad contact details.
/// The ticket is named by its code, the secret its holder holds; an id alone is guessable.
#[derive(Debug, Clone)]
pub struct Booking {
    pub ticket: TicketCode,
    /// A ticket id the caller sent as well (the PRD's request shape): it must be the code's.
    pub claimed_id: Option<i64>,
    pub slot_id: i64,
    pub email: Email,
    pub phone: PhoneE164,
}

impl Booking {
    pub fn parse(
        ticket: TicketCode,
        claimed_id: Option<i64>,
        slot_id: i64,
        email: &str,
        phone: &str,
    ) -> Result<Booking, ContactError> {
        Ok(Booking { ticket, claimed_id, slot_id, email: Email::parse(email)?, phone: PhoneE164::parse(phone)? })
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::{begin_write, Db};
    use crate::on_pool;
    use crate::secret;
    use crate::tickets::{self, TicketSummary};
    use crate::writer::{FREE_SEAT, TAKE_SEAT};
    use crate::Engine;
    use chrono::{DateTime, Utc};

    /// PRD §6.1 "validate ticket before reservation": the ticket when it can be booked.
    pub async fn ticket_for_reservation(db: &Db, code: &TicketCode) -> Result<TicketSummary, ReserveError> {
        let ticket = tickets::find_by_code(db, code).await?.ok_or(ReserveError::TicketNotFound)?;
        match ReserveError::for_status(ticket.status, ticket.reservation.as_ref().map(|r| r.date)) {
            None => Ok(ticket),
            Some(e) => Err(e),
        }
    }

    /// Books `booking.slot_id` for an ACTIVATED ticket: ticket → RESERVED, one seat taken, one
    /// reservation row, all or nothing — applied by the engine's group-commit writer. The answer
    /// carries a new management token; only its digest is stored.
    pub async fn reserve(engine: &Engine, booking: &Booking) -> Result<Confirmed, ReserveError> {
        let now = engine.now();
        let manage_token = secret::random_token("m", 16);
        let outcome = engine.writer.reserve(booking.clone(), secret::digest(&manage_token), now).await;
        match outcome? {
            Some(confirmed) => {
                engine.events.slot_changed(confirmed.slot.slot_id);
                Ok(Confirmed { manage_token, ..confirmed })
            }
            None => Err(explain_refusal(engine, booking, now).await),
        }
    }

    /// After a refused booking: the precise reason, read once the transaction is gone.
    async fn explain_refusal(engine: &Engine, booking: &Booking, now: DateTime<Utc>) -> ReserveError {
        match refusal_reason(engine, booking, now).await {
            Ok(e) | Err(e) => e,
        }
    }

    async fn refusal_reason(
        engine: &Engine,
        booking: &Booking,
        now: DateTime<Utc>,
    ) -> Result<ReserveError, ReserveError> {
        let ticket: Option<(i64, String, i64, Option<NaiveDate>)> = on_pool!(&engine.db, pool => sqlx::query_as(
            "SELECT t.id, t.status, t.orq, s.date FROM tickets t
             LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
             LEFT JOIN reservation_slots s ON s.id = r.slot_id
             WHERE t.ticket_code = $1")
            .bind(booking.ticket.as_str()).fetch_optional(pool).await)?;
        let Some((ticket_id, status, orq, reserved_date)) = ticket else {
            return Ok(ReserveError::TicketNotFound);
        };
        if booking.claimed_id.is_some_and(|claimed| claimed != ticket_id) {
            return Ok(ReserveError::TicketMismatch);
        }
        if let Some(e) = ReserveError::for_status(status.parse().unwrap_or(TicketStatus::Expired), reserved_date) {
            return Ok(e);
        }
        slot_refusal(&engine.db, orq, booking.slot_id, now).await
    }

    /// Why a seat in `slot_id` could not be taken for a ticket of organization `orq`.
    async fn slot_refusal(db: &Db, orq: i64, slot_id: i64, now: DateTime<Utc>) -> Result<ReserveError, ReserveError> {
        let slot: Option<(i64, String, DateTime<Utc>)> = on_pool!(db, pool => sqlx::query_as(
            "SELECT orq, status, starts_at FROM reservation_slots WHERE id = $1")
            .bind(slot_id).fetch_optional(pool).await)?;
        let Some((_, status, starts_at)) = slot.filter(|(slot_orq, ..)| *slot_orq == orq) else {
            return Ok(ReserveError::SlotNotFound);
        };
        let alternatives = alternatives(db, orq, slot_id, starts_at, now).await?;
        Ok(if status == "CLOSED" {
            ReserveError::SlotClosed { alternatives }
        } else if starts_at <= now {
            ReserveError::SlotStarted { alternatives }
        } else {
            ReserveError::SlotFull { alternatives }
        })
    }

    /// Up to three bookable slots nearest in time to `around`, in time order: the three nearest
    /// before and after in one query, then the closest three of those.
    pub async fn alternatives(
        db: &Db,
        orq: i64,
        except: i64,
        around: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AlternativeSlot>, sqlx::Error> {
        type Row = (i64, NaiveDate, NaiveTime, NaiveTime, i64, DateTime<Utc>);
        let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(
            "SELECT * FROM (SELECT id, date, start_time, end_time, total_capacity - booked_count AS available, starts_at
                            FROM reservation_slots
                            WHERE orq = $1 AND id <> $2 AND status = 'ACTIVE' AND booked_count < total_capacity
                              AND starts_at > $4 AND starts_at >= $3
                            ORDER BY starts_at LIMIT 3) AS later
             UNION ALL
             SELECT * FROM (SELECT id, date, start_time, end_time, total_capacity - booked_count AS available, starts_at
                            FROM reservation_slots
                            WHERE orq = $1 AND id <> $2 AND status = 'ACTIVE' AND booked_count < total_capacity
                              AND starts_at > $4 AND starts_at < $3
                            ORDER BY starts_at DESC LIMIT 3) AS earlier")
            .bind(orq).bind(except).bind(around).bind(now).fetch_all(pool).await)?;
        let mut rows = rows;
        rows.sort_by_key(|r| (r.5 - around).num_seconds().abs());
        rows.truncate(3);
        rows.sort_by_key(|r| r.5);
        Ok(rows
            .into_iter()
            .map(|(slot_id, date, start_time, end_time, available_count, _)| AlternativeSlot {
                slot_id,
                date,
                start_time,
                end_time,
                available_count,
            })
            .collect())
    }

    /// The live reservation of a ticket, as change and cancel need it.
    struct Live {
        reservation_id: i64,
        ticket_id: i64,
        orq: i64,
        slot_id: i64,
    }

    /// The reservation `manage` may change or cancel. The cut-off is checked before the token:
    /// it is no secret, and a holder without the link learns that no link would help.
    async fn live_reservation(engine: &Engine, code: &TicketCode, manage: Option<&str>) -> Result<Live, ReserveError> {
        type Row = (i64, String, i64, Option<i64>, Option<i64>, Option<DateTime<Utc>>, Option<String>);
        let row: Option<Row> = on_pool!(&engine.db, pool => sqlx::query_as(
                "SELECT t.id, t.status, t.orq, r.id, r.slot_id, s.starts_at, r.manage_hash FROM tickets t
                 LEFT JOIN ticket_reservations r ON r.ticket_id = t.id AND r.status <> 'CANCELLED'
                 LEFT JOIN reservation_slots s ON s.id = r.slot_id
                 WHERE t.ticket_code = $1")
                .bind(code.as_str()).fetch_optional(pool).await)?;
        let (ticket_id, status, orq, reservation, slot, starts_at, manage_hash) =
            row.ok_or(ReserveError::TicketNotFound)?;
        match status.parse().unwrap_or(TicketStatus::Expired) {
            TicketStatus::Reserved => {}
            TicketStatus::Activated => return Err(ReserveError::NoReservation),
            other => return Err(ReserveError::for_status(other, None).unwrap_or(ReserveError::NoReservation)),
        }
        let (Some(reservation_id), Some(slot_id), Some(starts_at)) = (reservation, slot, starts_at) else {
            return Err(ReserveError::NoReservation);
        };
        check_cutoff(engine, starts_at)?;
        let manage = manage.filter(|m| !m.trim().is_empty()).ok_or(ReserveError::ManageTokenRequired)?;
        if !manage_hash.is_some_and(|stored| secret::matches(manage.trim(), &stored)) {
            return Err(ReserveError::ManageTokenInvalid);
        }
        Ok(Live { reservation_id, ticket_id, orq, slot_id })
    }

    /// Whether `manage` is the management token of the ticket's live reservation (for showing
    /// the contact details in full and offering change and cancel).
    pub async fn may_manage(db: &Db, ticket_id: i64, manage: &str) -> Result<bool, sqlx::Error> {
        let stored: Option<(Option<String>,)> = on_pool!(db, pool => sqlx::query_as(
            "SELECT manage_hash FROM ticket_reservations WHERE ticket_id = $1 AND status = 'RESERVED'")
            .bind(ticket_id).fetch_optional(pool).await)?;
        Ok(stored.and_then(|(h,)| h).is_some_and(|h| secret::matches(manage.trim(), &h)))
    }

    fn check_cutoff(engine: &Engine, starts_at: DateTime<Utc>) -> Result<(), ReserveError> {
        if engine.can_still_change(starts_at) {
            Ok(())
        } else {
            Err(ReserveError::CutoffPassed { hours: engine.change_cutoff.num_hours() })
        }
    }

    /// The ticket of the booking flow, in one look-up: an ACTIVATED ticket to book, or a RESERVED
    /// one whose visit may still be moved (before the change cut-off, with its management token).
    pub async fn ticket_to_book_or_move(
        engine: &Engine,
        code: &TicketCode,
        manage: Option<&str>,
    ) -> Result<TicketSummary, ReserveError> {
        let ticket = tickets::find_by_code(&engine.db, code).await?.ok_or(ReserveError::TicketNotFound)?;
        match (ticket.status, &ticket.reservation) {
            (TicketStatus::Reserved, Some(slot)) => {
                check_cutoff(engine, slot.starts_at)?;
                let manage = manage.ok_or(ReserveError::TicketAlreadyReserved { reserved_date: Some(slot.date) })?;
                if may_manage(&engine.db, ticket.ticket_id, manage).await? {
                    Ok(ticket)
                } else {
                    Err(ReserveError::ManageTokenInvalid)
                }
            }
            (status, slot) => match ReserveError::for_status(status, slot.as_ref().map(|s| s.date)) {
                None => Ok(ticket),
                Some(e) => Err(e),
            },
        }
    }

    /// Moves a reservation to another slot. The old seat is freed only once the new one is taken,
    /// in the same transaction.
    pub async fn reschedule(
        engine: &Engine,
        code: &TicketCode,
        manage: Option<&str>,
        new_slot_id: i64,
    ) -> Result<Confirmed, ReserveError> {
        let now = engine.now();
        let live = live_reservation(engine, code, manage).await?;
        if live.slot_id == new_slot_id {
            return Err(ReserveError::SameSlot);
        }
        // A slot never changes organization, so this check needs no transaction.
        let slot_orq: Option<(i64,)> = on_pool!(&engine.db, pool => sqlx::query_as(
            "SELECT orq FROM reservation_slots WHERE id = $1").bind(new_slot_id).fetch_optional(pool).await)?;
        if slot_orq.map(|(o,)| o) != Some(live.orq) {
            return Err(ReserveError::SlotNotFound);
        }
        let moved: Option<(NaiveDate, NaiveTime, NaiveTime)> = on_pool!(&engine.db, pool => async {
            let mut tx = begin_write(pool).await?;
            let seat: Option<(NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEAT)
                .bind(new_slot_id).bind(now).fetch_optional(&mut *tx).await?;
            let Some(seat) = seat else { return Ok::<_, sqlx::Error>(None) };
            let repointed = sqlx::query(
                "UPDATE ticket_reservations SET slot_id = $3, updated_at = $4
                 WHERE id = $1 AND slot_id = $2 AND status = 'RESERVED'")
                .bind(live.reservation_id).bind(live.slot_id).bind(new_slot_id).bind(now)
                .execute(&mut *tx).await?.rows_affected();
            if repointed == 0 {
                return Ok(None);
            }
            sqlx::query(FREE_SEAT).bind(live.slot_id).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(seat))
        }.await)?;
        match moved {
            Some((date, start_time, end_time)) => {
                engine.events.slot_changed(live.slot_id);
                engine.events.slot_changed(new_slot_id);
                Ok(Confirmed {
                    reservation_id: live.reservation_id,
                    ticket_id: live.ticket_id,
                    ticket_code: code.to_string(),
                    slot: SlotTimes { slot_id: new_slot_id, date, start_time, end_time },
                    manage_token: manage.unwrap_or_default().trim().to_string(),
                })
            }
            None => {
                // Either the new slot refused the seat or the reservation changed meanwhile.
                live_reservation(engine, code, manage).await?;
                Err(slot_refusal(&engine.db, live.orq, new_slot_id, now).await.unwrap_or_else(|e| e))
            }
        }
    }

    /// Cancels a reservation: its seat is freed and the ticket is ACTIVATED again, to book anew.
    /// A change that moves the reservation at the same moment makes one attempt refuse; the
    /// next one reads where the reservation is now.
    pub async fn cancel(engine: &Engine, code: &TicketCode, manage: Option<&str>) -> Result<(), ReserveError> {
        for _ in 0..3 {
            let live = live_reservation(engine, code, manage).await?;
            if cancel_live(engine, &live).await? {
                engine.events.slot_changed(live.slot_id);
                return Ok(());
            }
        }
        // Admitted, expired or cancelled meanwhile: report what it is now.
        live_reservation(engine, code, manage).await.map(|_| ()).and(Err(ReserveError::NoReservation))
    }

    async fn cancel_live(engine: &Engine, live: &Live) -> Result<bool, ReserveError> {
        let now = engine.now();
        // Conditioned on the reservation still being live *in the slot whose seat is freed*: a
        // change that moved it meanwhile makes this refuse, never free the wrong slot's seat.
        let done = on_pool!(&engine.db, pool => async {
            let mut tx = begin_write(pool).await?;
            let cancelled = sqlx::query(
                "UPDATE ticket_reservations SET status = 'CANCELLED', updated_at = $2
                 WHERE id = $1 AND slot_id = $3 AND status = 'RESERVED'")
                .bind(live.reservation_id).bind(now).bind(live.slot_id).execute(&mut *tx).await?.rows_affected();
            if cancelled == 0 {
                return Ok::<_, sqlx::Error>(false);
            }
            let released = sqlx::query(
                "UPDATE tickets SET status = 'ACTIVATED', reserved_at = NULL, customer_email = NULL, customer_phone = NULL
                 WHERE id = $1 AND status = 'RESERVED'")
                .bind(live.ticket_id).execute(&mut *tx).await?.rows_affected();
            if released == 0 {
                return Ok(false);
            }
            sqlx::query(FREE_SEAT).bind(live.slot_id).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await)?;
        Ok(done)
    }
}
