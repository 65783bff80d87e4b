//! Closing a slot to new bookings and opening it again. A closed slot keeps its reservations:
//! the people who booked still come; closing only stops new bookings.
use super::availability::{SlotRow, SLOT_COLUMNS};
use super::overview::AdminSlot;
use super::SlotStatus;
use crate::audit::{self, Action, Change, Subject};
use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, SlotId, UserId};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::wording::{clock_time, short_date};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// The status an open slot has: full when its bookings reach its capacity.
pub(crate) const OPEN_STATUS: &str = "CASE WHEN booked_count >= total_capacity THEN 'FULL' ELSE 'ACTIVE' END";

#[derive(Debug, thiserror::Error)]
pub enum ClosureError {
    #[error("That time slot does not exist.")]
    SlotNotFound,
    #[error("This slot is closed already.")]
    AlreadyClosed,
    #[error("This slot is open already.")]
    NotClosed { status: SlotStatus },
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ClosureError {
    fn code(&self) -> &'static str {
        match self {
            Self::SlotNotFound => "SLOT_NOT_FOUND",
            Self::AlreadyClosed => "SLOT_ALREADY_CLOSED",
            Self::NotClosed { .. } => "SLOT_NOT_CLOSED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::SlotNotFound => 404,
            Self::AlreadyClosed | Self::NotClosed { .. } => 409,
            Self::Storage(_) => 500,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::NotClosed { status } => details([("status", detail(status))]),
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Closes slot `slot_id` to new bookings; its reservations stay.
pub async fn close_slot(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    slot_id: SlotId,
) -> Result<AdminSlot, ClosureError> {
    set_open(engine, Closure { orq, actor, slot_id, open: false, now: engine.now() }).await
}

/// Opens a closed slot again: ACTIVE, or FULL if its bookings reach its capacity.
pub async fn reopen_slot(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    slot_id: SlotId,
) -> Result<AdminSlot, ClosureError> {
    set_open(engine, Closure { orq, actor, slot_id, open: true, now: engine.now() }).await
}

async fn set_open(engine: &crate::Engine, job: Closure) -> Result<AdminSlot, ClosureError> {
    let slot_id = job.slot_id;
    match engine.batcher.write(job).await? {
        Outcome::Done(row) => {
            engine.events.slot_changed(slot_id);
            Ok(row.into_admin())
        }
        Outcome::NotFound => Err(ClosureError::SlotNotFound),
        Outcome::Already(SlotStatus::Closed) => Err(ClosureError::AlreadyClosed),
        Outcome::Already(status) => Err(ClosureError::NotClosed { status }),
    }
}

struct Closure {
    orq: OrgId,
    actor: Option<UserId>,
    slot_id: SlotId,
    open: bool,
    now: DateTime<Utc>,
}

enum Outcome {
    Done(SlotRow),
    NotFound,
    Already(SlotStatus),
}

impl Write for Closure {
    type Output = Outcome;

    async fn apply(&self, tx: &mut Tx) -> Result<Outcome, sqlx::Error> {
        let before: Option<(SlotStatus,)> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT status FROM reservation_slots WHERE id = $1 AND orq = $2")
            .bind(self.slot_id).bind(self.orq).fetch_optional(&mut *conn).await)?;
        let Some((before,)) = before else { return Ok(Outcome::NotFound) };
        if (before == SlotStatus::Closed) != self.open {
            return Ok(Outcome::Already(before));
        }
        let (new_status, wanted_before) =
            if self.open { (OPEN_STATUS, "status = 'CLOSED'") } else { ("'CLOSED'", "status <> 'CLOSED'") };
        let sql = format!(
            "UPDATE reservation_slots SET status = {new_status}, updated_at = $3
             WHERE id = $1 AND orq = $2 AND {wanted_before}
             RETURNING {SLOT_COLUMNS}"
        );
        let row: Option<SlotRow> = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(self.slot_id).bind(self.orq).bind(self.now).fetch_optional(&mut *conn).await)?;
        let Some(row) = row else { return Ok(Outcome::Already(before)) };
        let when = format!("{} {}", short_date(row.date()), clock_time(row.start_time()));
        let (action, summary) = if self.open {
            (Action::SlotReopened, format!("Reopened {when}"))
        } else {
            (Action::SlotClosed, format!("Closed {when} ({} reservations kept)", row.booked_count()))
        };
        let change = Change {
            actor: self.actor,
            action,
            subject: Subject::Slot(self.slot_id.0),
            summary,
            before: Some(json!({ "status": before })),
            after: Some(json!({ "status": row.status(), "booked_count": row.booked_count() })),
        };
        audit::record(tx, self.orq, &change, self.now).await?;
        Ok(Outcome::Done(row))
    }
}
