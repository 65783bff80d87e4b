//! Changing how many places a slot has.
use super::availability::{slot_availability, SlotRow, SLOT_COLUMNS};
pub use super::capacity::MAX_CAPACITY;
use super::SlotAvailability;
use crate::audit::{self, Action, Change, Subject};
use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, SlotId, UserId};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    #[error("That time slot does not exist.")]
    SlotNotFound,
    #[error("Capacity must be between 0 and {max}.")]
    OutOfRange { max: i64 },
    #[error("{booked} places are already booked in this slot; capacity cannot go below that.")]
    BelowBooked { booked: i64 },
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for CapacityError {
    fn code(&self) -> &'static str {
        match self {
            Self::SlotNotFound => "SLOT_NOT_FOUND",
            Self::OutOfRange { .. } => "INVALID_CAPACITY",
            Self::BelowBooked { .. } => "CAPACITY_BELOW_BOOKED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::SlotNotFound => 404,
            Self::OutOfRange { .. } => 400,
            Self::BelowBooked { .. } => 409,
            Self::Storage(_) => 500,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::BelowBooked { booked } => details([("booked_count", detail(booked))]),
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

/// Sets how many places a slot has. One conditional statement, so it can never go below what
/// is booked, even while bookings arrive; FULL follows the new capacity, CLOSED stays closed.
/// `actor`: the staff member making the change, for the audit log (`None` from the command line).
pub async fn set_capacity(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    slot_id: SlotId,
    capacity: i64,
) -> Result<SlotAvailability, CapacityError> {
    if !(0..=MAX_CAPACITY).contains(&capacity) {
        return Err(CapacityError::OutOfRange { max: MAX_CAPACITY });
    }
    let now = engine.now();
    if let Some(row) = engine.batcher.write(Resize { orq, actor, slot_id, capacity, now }).await? {
        engine.events.slot_changed(slot_id);
        return Ok(row.into_availability(now));
    }
    match slot_availability(&engine.db, orq, slot_id, now).await? {
        Some(slot) => Err(CapacityError::BelowBooked { booked: slot.booked_count }),
        None => Err(CapacityError::SlotNotFound),
    }
}

struct Resize {
    orq: OrgId,
    actor: Option<UserId>,
    slot_id: SlotId,
    capacity: i64,
    now: DateTime<Utc>,
}

impl Write for Resize {
    type Output = Option<SlotRow>;

    async fn apply(&self, tx: &mut Tx) -> Result<Option<SlotRow>, sqlx::Error> {
        let before: Option<(i64,)> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT total_capacity FROM reservation_slots WHERE id = $1 AND orq = $2")
            .bind(self.slot_id).bind(self.orq).fetch_optional(&mut *conn).await)?;
        let Some((before,)) = before else { return Ok(None) };
        let sql = format!(
            "UPDATE reservation_slots
             SET total_capacity = $3,
                 status = CASE WHEN status = 'CLOSED' THEN status WHEN booked_count >= $3 THEN 'FULL' ELSE 'ACTIVE' END,
                 updated_at = $4
             WHERE id = $1 AND orq = $2 AND booked_count <= $3
             RETURNING {SLOT_COLUMNS}"
        );
        let row: Option<SlotRow> = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(self.slot_id).bind(self.orq).bind(self.capacity).bind(self.now).fetch_optional(&mut *conn).await)?;
        if let Some(row) = &row {
            let change = Change {
                actor: self.actor,
                action: Action::SlotCapacity,
                subject: Subject::Slot(self.slot_id.0),
                summary: format!(
                    "Capacity {before} → {} for {}, {}",
                    self.capacity,
                    crate::wording::short_date(row.date()),
                    crate::wording::clock_time(row.start_time())
                ),
                before: Some(serde_json::json!({ "total_capacity": before })),
                after: Some(serde_json::json!({ "total_capacity": self.capacity })),
            };
            audit::record(tx, self.orq, &change, self.now).await?;
        }
        Ok(row)
    }
}
