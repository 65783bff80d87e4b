//! Creating slots from a daily opening pattern, in the venue's time zone.
use crate::on_tx;
use crate::org::Venue;
use crate::store::Db;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

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
    let mut tx = db.begin_write().await?;
    let mut created = 0;
    for date in from.iter_days().take(days as usize) {
        for &(start, end) in &times {
            let (Some(starts_at), Some(ends_at)) = (instant(venue, date, start), instant(venue, date, end)) else {
                continue;
            };
            created += on_tx!(&mut tx, conn => sqlx::query(
                "INSERT INTO reservation_slots
                   (orq, venue_id, date, start_time, end_time, starts_at, ends_at, total_capacity,
                    booked_count, status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'ACTIVE', $9, $9)
                 ON CONFLICT (venue_id, date, start_time) DO NOTHING")
                .bind(venue.orq).bind(venue.id).bind(date).bind(start).bind(end)
                .bind(starts_at).bind(ends_at).bind(schedule.capacity).bind(now)
                .execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        }
    }
    tx.commit().await?;
    Ok(created)
}
