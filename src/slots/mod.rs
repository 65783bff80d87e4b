//! Reservation slots: when a venue admits people, and how many.
use crate::capacity::CapacityStatus;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlotStatus {
    Active,
    Full,
    Closed,
}

/// A slot as a customer's calendar sees it; field names are the PRD's (§6.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotAvailability {
    pub id: i64,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    pub total_capacity: i64,
    pub booked_count: i64,
    pub available_count: i64,
    pub status: SlotStatus,
    pub capacity_status: CapacityStatus,
    /// Open, not full and not yet started.
    pub bookable: bool,
}

/// A month of a venue's calendar (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("month must look like 2026-11")]
pub struct MonthError;

impl Month {
    pub fn parse(s: &str) -> Result<Month, MonthError> {
        let (y, m) = s.trim().split_once('-').ok_or(MonthError)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(MonthError);
        }
        let month = Month { year: y.parse().map_err(|_| MonthError)?, month: m.parse().map_err(|_| MonthError)? };
        month.first_day().ok_or(MonthError)?;
        Ok(month)
    }

    pub fn of(date: NaiveDate) -> Month {
        use chrono::Datelike;
        Month { year: date.year(), month: date.month() }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    pub fn plus(self, months: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + months;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// Whole months from `self` to `other` (negative when `other` is earlier).
    pub fn months_until(self, other: Month) -> i32 {
        (other.year * 12 + other.month as i32) - (self.year * 12 + self.month as i32)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::on_pool;
    use crate::org::Venue;
    use chrono::{DateTime, Duration, LocalResult, TimeZone, Utc};

    /// The columns a `SlotRow` is read from.
    const SLOT_COLUMNS: &str = "id, date, start_time, end_time, starts_at, total_capacity, booked_count, status";

    #[derive(sqlx::FromRow)]
    struct SlotRow {
        id: i64,
        date: NaiveDate,
        start_time: NaiveTime,
        end_time: NaiveTime,
        starts_at: DateTime<Utc>,
        total_capacity: i64,
        booked_count: i64,
        status: String,
    }

    impl SlotRow {
        fn into_availability(self, now: DateTime<Utc>) -> SlotAvailability {
            let status = match self.status.as_str() {
                "CLOSED" => SlotStatus::Closed,
                "FULL" => SlotStatus::Full,
                _ => SlotStatus::Active,
            };
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
                bookable: status != SlotStatus::Closed && available_count > 0 && self.starts_at > now,
            }
        }
    }

    /// Every open slot of one organization in one month of its venue's calendar, in time order.
    pub async fn month_availability(
        db: &Db,
        orq: i64,
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
        orq: i64,
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
        orq: i64,
        slot_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<SlotAvailability>, sqlx::Error> {
        let sql = format!("SELECT {SLOT_COLUMNS} FROM reservation_slots WHERE id = $1 AND orq = $2");
        let row: Option<SlotRow> = on_pool!(db, pool => sqlx::query_as(&sql)
            .bind(slot_id).bind(orq).fetch_optional(pool).await)?;
        Ok(row.map(|r| r.into_availability(now)))
    }

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

    impl CapacityError {
        pub fn code(&self) -> &'static str {
            match self {
                Self::SlotNotFound => "SLOT_NOT_FOUND",
                Self::OutOfRange { .. } => "INVALID_CAPACITY",
                Self::BelowBooked { .. } => "CAPACITY_BELOW_BOOKED",
                Self::Storage(_) => "INTERNAL",
            }
        }

        pub fn status(&self) -> u16 {
            match self {
                Self::SlotNotFound => 404,
                Self::OutOfRange { .. } => 400,
                Self::BelowBooked { .. } => 409,
                Self::Storage(_) => 500,
            }
        }
    }

    /// The most places one slot can have; guards against a typo of a few extra digits.
    pub const MAX_CAPACITY: i64 = 100_000;

    /// Sets how many places a slot has. One conditional statement, so it can never go below what
    /// is booked, even while bookings arrive; FULL follows the new capacity, CLOSED stays closed.
    pub async fn set_capacity(
        engine: &crate::Engine,
        orq: i64,
        slot_id: i64,
        capacity: i64,
    ) -> Result<SlotAvailability, CapacityError> {
        if !(0..=MAX_CAPACITY).contains(&capacity) {
            return Err(CapacityError::OutOfRange { max: MAX_CAPACITY });
        }
        let now = engine.now();
        let sql = format!(
            "UPDATE reservation_slots
             SET total_capacity = $3,
                 status = CASE WHEN status = 'CLOSED' THEN status WHEN booked_count >= $3 THEN 'FULL' ELSE 'ACTIVE' END,
                 updated_at = $4
             WHERE id = $1 AND orq = $2 AND booked_count <= $3
             RETURNING {SLOT_COLUMNS}"
        );
        let row: Option<SlotRow> = on_pool!(&engine.db, pool => sqlx::query_as(&sql)
            .bind(slot_id).bind(orq).bind(capacity).bind(now).fetch_optional(pool).await)?;
        if let Some(row) = row {
            engine.events.slot_changed(slot_id);
            return Ok(row.into_availability(now));
        }
        match slot_availability(&engine.db, orq, slot_id, now).await? {
            Some(slot) => Err(CapacityError::BelowBooked { booked: slot.booked_count }),
            None => Err(CapacityError::SlotNotFound),
        }
    }

    /// A daily opening pattern: slots of `length` from `first_start`, the last one ending by `close`.
    #[derive(Debug, Clone, Copy)]
    pub struct DailySchedule {
        pub first_start: NaiveTime,
        pub close: NaiveTime,
        pub length: Duration,
        pub capacity: i64,
    }

    impl DailySchedule {
        pub fn slot_times(&self) -> Vec<(NaiveTime, NaiveTime)> {
            let mut times = Vec::new();
            let mut start = self.first_start;
            loop {
                let (end, wrapped_days) = start.overflowing_add_signed(self.length);
                if wrapped_days != 0 || end <= start || end > self.close {
                    break;
                }
                times.push((start, end));
                start = end;
            }
            times
        }
    }

    fn instant(venue: &Venue, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        match venue.tz().from_local_datetime(&date.and_time(time)) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
            // A wall-clock time skipped by a DST change does not exist: no slot then.
            LocalResult::None => None,
        }
    }

    /// Creates the schedule's slots for `days` days from `from`, skipping slots that exist.
    /// Returns how many were created.
    pub async fn ensure_slots(
        db: &Db,
        venue: &Venue,
        schedule: DailySchedule,
        from: NaiveDate,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, sqlx::Error> {
        let times = schedule.slot_times();
        on_pool!(db, pool => {
            let mut tx = pool.begin().await?;
            let mut created = 0;
            for date in from.iter_days().take(days as usize) {
                for &(start, end) in &times {
                    let (Some(starts_at), Some(ends_at)) = (instant(venue, date, start), instant(venue, date, end)) else {
                        continue;
                    };
                    created += sqlx::query(
                        "INSERT INTO reservation_slots
                           (orq, venue_id, date, start_time, end_time, starts_at, ends_at, total_capacity,
                            booked_count, status, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'ACTIVE', $9, $9)
                         ON CONFLICT (venue_id, date, start_time) DO NOTHING")
                        .bind(venue.orq).bind(venue.id).bind(date).bind(start).bind(end)
                        .bind(starts_at).bind(ends_at).bind(schedule.capacity).bind(now)
                        .execute(&mut *tx).await?.rows_affected();
                }
            }
            tx.commit().await?;
            Ok(created)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_unicode_month_is_answered_without_a_panic(input in proptest::prelude::any::<String>()) {
            let _ = Month::parse(&input);
            let _ = Month::parse(&format!("2026-{input}"));
        }
    }

    #[test]
    fn months_parse_only_in_the_iso_form() {
        assert_eq!(Month::parse("2026-11"), Ok(Month { year: 2026, month: 11 }));
        assert_eq!(Month::parse("2026-13"), Err(MonthError));
        assert_eq!(Month::parse("2026-1"), Err(MonthError));
        assert_eq!(Month::parse("November"), Err(MonthError));
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        let nov = Month { year: 2026, month: 11 };
        assert_eq!(nov.plus(3), Month { year: 2027, month: 2 });
        assert_eq!(nov.plus(-11), Month { year: 2025, month: 12 });
        assert_eq!(nov.months_until(Month { year: 2027, month: 2 }), 3);
        assert_eq!(nov.plus(2).to_string(), "2027-01");
    }
}

/// One calendar day at a glance: how much can still be booked across its slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    pub slots: usize,
    pub bookable_slots: usize,
    pub available: i64,
    /// Over bookable slots only; `Full` when none can be booked (full, closed or past).
    pub capacity_status: CapacityStatus,
}

/// Groups slots (in time order, as [`month_availability`] returns them) into days.
pub fn day_summaries(slots: &[SlotAvailability]) -> Vec<DaySummary> {
    let mut days: Vec<DaySummary> = Vec::new();
    let mut totals: Vec<i64> = Vec::new();
    for slot in slots {
        if days.last().map(|d| d.date) != Some(slot.date) {
            days.push(DaySummary {
                date: slot.date,
                slots: 0,
                bookable_slots: 0,
                available: 0,
                capacity_status: CapacityStatus::Full,
            });
            totals.push(0);
        }
        let (day, total) = (days.last_mut(), totals.last_mut());
        let (Some(day), Some(total)) = (day, total) else {
            continue;
        };
        day.slots += 1;
        if slot.bookable {
            day.bookable_slots += 1;
            day.available += slot.available_count;
            *total += slot.total_capacity;
        }
        day.capacity_status = CapacityStatus::of(*total, *total - day.available);
    }
    days
}

#[cfg(test)]
mod day_tests {
    use super::*;

    fn slot(day: u32, hour: u32, total: i64, booked: i64, bookable: bool) -> SlotAvailability {
        SlotAvailability {
            id: (day * 100 + hour) as i64,
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            start_time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(hour + 2, 0, 0).unwrap(),
            total_capacity: total,
            booked_count: booked,
            available_count: total - booked,
            status: SlotStatus::Active,
            capacity_status: CapacityStatus::of(total, booked),
            bookable,
        }
    }

    #[test]
    fn a_day_sums_its_bookable_slots_only() {
        let days =
            day_summaries(&[slot(24, 10, 200, 200, false), slot(24, 12, 200, 150, true), slot(24, 14, 200, 0, false)]);
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].slots, days[0].bookable_slots, days[0].available), (3, 1, 50));
        assert_eq!(days[0].capacity_status, CapacityStatus::Limited);
    }

    #[test]
    fn a_day_with_nothing_bookable_is_full() {
        let days = day_summaries(&[slot(24, 10, 200, 200, false), slot(25, 10, 200, 10, true)]);
        assert_eq!(days[0].capacity_status, CapacityStatus::Full);
        assert_eq!(days[1].capacity_status, CapacityStatus::Available);
    }
}
