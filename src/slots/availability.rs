//! Reading slots as customers see them: a month, a range of days, one slot, the opening hours.
use super::capacity::CapacityStatus;
use super::hours::DayHours;
use super::overview::AdminSlot;
use super::{is_bookable, Month, SlotAvailability, SlotStatus};
use crate::ids::{OrgId, SlotId};
use crate::store::Db;
use crate::{bookable, on_pool};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The columns a `SlotRow` is read from.
pub(crate) const SLOT_COLUMNS: &str = "id, date, start_time, end_time, starts_at, total_capacity, booked_count, status";

#[derive(sqlx::FromRow)]
pub(crate) struct SlotRow {
    id: SlotId,
    date: NaiveDate,
    start_time: NaiveTime,
    end_time: NaiveTime,
    starts_at: DateTime<Utc>,
    total_capacity: i64,
    booked_count: i64,
    status: SlotStatus,
}

impl SlotRow {
    pub(crate) fn date(&self) -> NaiveDate {
        self.date
    }

    pub(crate) fn start_time(&self) -> NaiveTime {
        self.start_time
    }

    pub(crate) fn id(&self) -> SlotId {
        self.id
    }

    pub(crate) fn total_capacity(&self) -> i64 {
        self.total_capacity
    }

    pub(crate) fn booked_count(&self) -> i64 {
        self.booked_count
    }

    pub(crate) fn status(&self) -> SlotStatus {
        self.status
    }

    pub(crate) fn into_admin(self) -> AdminSlot {
        AdminSlot {
            id: self.id,
            date: self.date,
            start_time: self.start_time,
            end_time: self.end_time,
            total_capacity: self.total_capacity,
            booked_count: self.booked_count,
            status: self.status,
        }
    }

    pub(crate) fn into_availability(self, now: DateTime<Utc>) -> SlotAvailability {
        let status = self.status;
        let available_count = (self.total_capacity - self.booked_count).max(0);
        SlotAvailability {
            id: self.id,
            date: self.date,
            start_time: self.start_time,
            end_time: self.end_time,
            total_capacity: self.total_capacity,
            booked_count: self.booked_count,
            available_count,
            status,
            capacity_status: CapacityStatus::of(self.total_capacity, self.booked_count),
            bookable: is_bookable(status, self.booked_count, self.total_capacity, self.starts_at, now),
        }
    }
}

/// Every open slot of one organization in one month of its venue's calendar, in time order.
pub async fn month_availability(
    db: &Db,
    orq: OrgId,
    month: Month,
    now: DateTime<Utc>,
) -> Result<Vec<SlotAvailability>, sqlx::Error> {
    match (month.first_day(), month.plus(1).first_day()) {
        (Some(from), Some(to)) => availability_between(db, orq, from, to, now).await,
        _ => Ok(Vec::new()),
    }
}

/// Open slots on venue-local dates `from..to`, in time order. Closed slots are left out:
/// customers cannot act on them.
pub async fn availability_between(
    db: &Db,
    orq: OrgId,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<SlotAvailability>, sqlx::Error> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM reservation_slots
         WHERE orq = $1 AND date >= $2 AND date < $3 AND status <> 'CLOSED'
         ORDER BY date, start_time"
    );
    let rows: Vec<SlotRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(orq).bind(from).bind(to).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|r| r.into_availability(now)).collect())
}

/// The slot `slot_id` of organization `orq`, as a customer would see it now.
pub async fn slot_availability(
    db: &Db,
    orq: OrgId,
    slot_id: SlotId,
    now: DateTime<Utc>,
) -> Result<Option<SlotAvailability>, sqlx::Error> {
    let sql = format!("SELECT {SLOT_COLUMNS} FROM reservation_slots WHERE id = $1 AND orq = $2");
    let row: Option<SlotRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(slot_id).bind(orq).fetch_optional(pool).await)?;
    Ok(row.map(|r| r.into_availability(now)))
}

/// When slot `slot_id` starts.
pub async fn starts_at(db: &Db, slot_id: SlotId) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(DateTime<Utc>,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT starts_at FROM reservation_slots WHERE id = $1").bind(slot_id).fetch_optional(pool).await)?;
    Ok(row.map(|(t,)| t))
}

/// The venue-local day of the first slot of organization `orq` that can be booked at `now`:
/// where a calendar opens, so it never opens on a month with nothing to book.
pub async fn first_bookable_day(db: &Db, orq: OrgId, now: DateTime<Utc>) -> Result<Option<NaiveDate>, sqlx::Error> {
    let row: Option<(NaiveDate,)> = on_pool!(db, pool => sqlx::query_as(concat!(
        "SELECT date FROM reservation_slots WHERE orq = $1 AND ", bookable!("$2"), " ORDER BY date, start_time LIMIT 1"))
        .bind(orq).bind(now).fetch_optional(pool).await)?;
    Ok(row.map(|(d,)| d))
}

/// Each venue-local day in `from..to` with an open slot of organization `orq`, from its first
/// start to its last end: the opening hours the slots make. Closed slots are left out: a day
/// whose slots are all closed is a day the venue is closed.
pub async fn day_hours_between(
    db: &Db,
    orq: OrgId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayHours>, sqlx::Error> {
    let rows: Vec<(NaiveDate, NaiveTime, NaiveTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT date, MIN(start_time), MAX(end_time) FROM reservation_slots
         WHERE orq = $1 AND date >= $2 AND date < $3 AND status <> 'CLOSED'
         GROUP BY date ORDER BY date")
        .bind(orq).bind(from).bind(to).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(date, opens, closes)| DayHours { date, opens, closes }).collect())
}
