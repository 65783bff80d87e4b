//! The analysis's reads: four aggregate queries, run side by side, over indexes that keep each
//! one to the range (migration 0012). Slot days are the slots' stored venue-local dates; door
//! and activation instants are compared with the range's first and last local midnights in UTC.
use super::figures::{self, Analytics, Conversion, SlotUse};
use super::DateRange;
use crate::error::DomainError;
use crate::ids::{OrgId, SlotId};
use crate::org::{main_venue, zone};
use crate::store::Db;
use crate::{on_pool, Engine};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for AnalyticsError {
    fn code(&self) -> &'static str {
        "INTERNAL"
    }

    fn status(&self) -> u16 {
        500
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        let Self::Storage(e) = self;
        Some(e)
    }
}

/// The organization's figures for `range`, in its main venue's time zone, as of `engine.now()`.
pub async fn analyze(engine: &Engine, orq: OrgId, range: DateRange) -> Result<Analytics, AnalyticsError> {
    let db = &engine.db;
    let time_zone = main_venue(db, orq).await?.map_or_else(|| "UTC".to_string(), |v| v.time_zone);
    let tz = zone(&time_zone);
    let (start, end) = (midnight(tz, range.from()), midnight(tz, range.until() + chrono::Duration::days(1)));
    let (slots, lead, conversion, refusals) = tokio::try_join!(
        slot_use(db, orq, range, engine.now()),
        lead_hours(db, orq, range),
        conversion(db, orq, start, end),
        refusals(db, orq, start, end),
    )?;
    Ok(Analytics {
        range,
        time_zone,
        days: figures::days(&range, &slots),
        heatmap: figures::heatmap(&slots),
        no_shows: figures::no_shows(&slots),
        lead_time: figures::lead_time(lead),
        refusals: figures::refusals(refusals),
        conversion,
        slots,
    })
}

/// The first instant of `date` at the venue (a midnight skipped by a DST change: the instant the
/// day begins after it).
fn midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => local += chrono::Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

type SlotRow = (SlotId, NaiveDate, NaiveTime, NaiveTime, i64, i64, String, DateTime<Utc>, i64);

async fn slot_use(db: &Db, orq: OrgId, range: DateRange, now: DateTime<Utc>) -> Result<Vec<SlotUse>, sqlx::Error> {
    let rows: Vec<SlotRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT s.id, s.date, s.start_time, s.end_time, s.total_capacity, s.booked_count, s.status, s.ends_at,
                (SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = s.id AND r.status = 'VERIFIED')
         FROM reservation_slots s
         WHERE s.orq = $1 AND s.date >= $2 AND s.date <= $3
         ORDER BY s.date, s.start_time")
        .bind(orq).bind(range.from()).bind(range.until()).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(slot_id, date, start_time, end_time, capacity, booked, status, ends_at, admitted)| SlotUse {
            slot_id,
            date,
            start_time,
            end_time,
            capacity,
            booked,
            admitted,
            closed: status == "CLOSED",
            ended: ends_at <= now,
        })
        .collect())
}

/// Whole hours from booking to the slot's start for the range's live reservations, counted by
/// hour. The only engine-specific SQL here: how each engine subtracts two stored instants.
async fn lead_hours(db: &Db, orq: OrgId, range: DateRange) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let hours = match db {
        Db::Sqlite(_) => {
            "(CAST(strftime('%s', s.starts_at) AS INTEGER) - CAST(strftime('%s', r.reserved_at) AS INTEGER)) / 3600"
        }
        Db::Postgres(_) => "CAST(FLOOR(EXTRACT(EPOCH FROM s.starts_at - r.reserved_at) / 3600) AS BIGINT)",
    };
    let sql = format!(
        "SELECT {hours}, COUNT(*) FROM reservation_slots s JOIN ticket_reservations r ON r.slot_id = s.id
         WHERE s.orq = $1 AND s.date >= $2 AND s.date <= $3 AND r.status <> 'CANCELLED'
         GROUP BY 1"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(orq).bind(range.from()).bind(range.until()).fetch_all(pool).await)
}

/// Tickets activated in the range, and those of them that were booked for a visit: a ticket
/// reserved, admitted or expired after its visit ended has been through a reservation.
async fn conversion(db: &Db, orq: OrgId, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Conversion, sqlx::Error> {
    let (activated, reserved): (i64, i64) = on_pool!(db, pool => sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status IN ('RESERVED', 'VERIFIED', 'EXPIRED') THEN 1 ELSE 0 END), 0)
         FROM tickets WHERE orq = $1 AND activated_at >= $2 AND activated_at < $3")
        .bind(orq).bind(start).bind(end).fetch_one(pool).await)?;
    Ok(Conversion { activated, reserved })
}

/// Attempts at the door in the range that were turned away, by reason: every outcome but a good
/// check (`VALID`) and an admission (`VERIFIED`).
async fn refusals(
    db: &Db,
    orq: OrgId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT outcome, COUNT(*) FROM checkin_log
         WHERE orq = $1 AND created_at >= $2 AND created_at < $3 AND outcome NOT IN ('VALID', 'VERIFIED')
         GROUP BY outcome")
        .bind(orq).bind(start).bind(end).fetch_all(pool).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_the_venues_midnight() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(midnight(chrono_tz::America::New_York, date).to_rfc3339(), "2026-11-23T05:00:00+00:00");
    }

    #[test]
    fn a_midnight_skipped_by_daylight_saving_starts_the_day_when_the_clock_resumes() {
        // Santiago moves 00:00 → 01:00 on 2026-09-06.
        let date = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(midnight(chrono_tz::America::Santiago, date).to_rfc3339(), "2026-09-06T04:00:00+00:00");
    }
}
