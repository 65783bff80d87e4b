//! Reading the live snapshot: a fixed handful of queries, whatever the day's traffic (today's
//! slots; the door's attempts today by outcome; the last 15 minutes' scans; the latest
//! check-ins; today's conflicts; the booking attempts counted by `events::tally`).
use super::{
    alerts, mask_code, CheckIn, MinuteCount, Rate, ReasonCount, SlotLine, SlotWhen, Snapshot, ACCEPTED, LATEST,
    RECENT_MINUTES,
};
use crate::events::tally::minute_of;
use crate::ids::{OrgId, SlotId};
use crate::slots::SlotStatus;
use crate::store::Db;
use crate::{on_pool, org};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// `orq`'s day at its main venue as of `now`; `None` when it has no venue.
pub async fn snapshot(db: &Db, orq: OrgId, now: DateTime<Utc>) -> Result<Option<Snapshot>, sqlx::Error> {
    let Some(venue) = org::main_venue(db, orq).await? else { return Ok(None) };
    let tz = venue.tz();
    let today = venue.today(now);
    let (day_start, day_end) = (start_of(tz, today), start_of(tz, today + Duration::days(1)));
    let since = minute_of(now) - Duration::minutes(RECENT_MINUTES - 1);
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).time();

    let slots: Vec<SlotRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT s.id, s.start_time, s.end_time, s.starts_at, s.ends_at, s.total_capacity, s.booked_count, s.status,
                (SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = s.id AND r.status = 'VERIFIED') AS admitted
         FROM reservation_slots s WHERE s.orq = $1 AND s.date = $2 ORDER BY s.start_time")
        .bind(orq).bind(today).fetch_all(pool).await)?;
    let slots: Vec<SlotLine> = slots.into_iter().map(|row| row.line(now)).collect();

    let door_day: Vec<(String, i32, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT outcome, CASE WHEN action = 'VALIDATE' OR offline THEN 1 ELSE 0 END, COUNT(*)
         FROM checkin_log WHERE orq = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1, 2")
        .bind(orq).bind(day_start).bind(day_end).fetch_all(pool).await)?;
    let recent: Vec<Attempt> = on_pool!(db, pool => sqlx::query_as(
        "SELECT created_at, outcome, action = 'VALIDATE' OR offline AS scan
         FROM checkin_log WHERE orq = $1 AND created_at >= $2 AND created_at <= $3")
        .bind(orq).bind(since).bind(now).fetch_all(pool).await)?;
    let latest = checkins(db, orq, day_start, None).await?;
    let conflicts = checkins(db, orq, day_start, Some(crate::admission::offline::CONFLICT)).await?;
    let bookings: Vec<(String, i32, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT b.outcome, CASE WHEN b.minute >= $3 THEN 1 ELSE 0 END, CAST(SUM(b.attempts) AS BIGINT)
         FROM booking_attempts b JOIN reservation_slots s ON s.id = b.slot_id
         WHERE s.orq = $1 AND b.minute >= $2 AND b.minute < $4 GROUP BY 1, 2")
        .bind(orq).bind(day_start).bind(since).bind(day_end).fetch_all(pool).await)?;

    let door_today = rate(door_day.iter().filter(|(_, scan, _)| *scan == 1).map(|(o, _, n)| (o.as_str(), *n)));
    let refusals_today = by_reason(door_day.iter().map(|(o, _, n)| (o.as_str(), *n)));
    let door_recent = rate(recent.iter().filter(|a| a.scan).map(|a| (a.outcome.as_str(), 1)));
    let refusals_recent = by_reason(recent.iter().map(|a| (a.outcome.as_str(), 1)));
    let bookings_today = rate(bookings.iter().map(|(o, _, n)| (booking_outcome(o), *n)));
    let bookings_recent =
        rate(bookings.iter().filter(|(_, recent, _)| *recent == 1).map(|(o, _, n)| (booking_outcome(o), *n)));
    let scans: Vec<DateTime<Utc>> = recent.iter().filter(|a| a.scan).map(|a| a.created_at).collect();
    let conflicts_today = refusals_today.iter().find(|r| r.reason == "CONFLICT").map_or(0, |r| r.count);
    Ok(Some(Snapshot {
        today,
        as_of: local(now),
        occupancy: occupancy(&slots),
        scans_per_minute: per_minute(&scans, now)
            .into_iter()
            .map(|(m, scans)| MinuteCount { minute: local(m), scans })
            .collect(),
        alerts: alerts(&slots, door_recent, bookings_recent),
        slots,
        door_recent,
        door_today,
        refusals_recent,
        refusals_today,
        bookings_recent,
        bookings_today,
        latest: latest.into_iter().map(|c| c.shown(tz)).collect(),
        conflicts: conflicts.into_iter().map(|c| c.shown(tz)).collect(),
        conflicts_today,
    }))
}

/// When `day` begins at a venue in `tz`, in UTC (midnight, or the first instant after it on a
/// day whose midnight a clock change skips).
fn start_of(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    (0..=2)
        .find_map(|hour| tz.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?)).earliest())
        .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
}

#[derive(sqlx::FromRow)]
struct SlotRow {
    id: SlotId,
    start_time: NaiveTime,
    end_time: NaiveTime,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    total_capacity: i64,
    booked_count: i64,
    status: SlotStatus,
    admitted: i64,
}

impl SlotRow {
    fn line(self, now: DateTime<Utc>) -> SlotLine {
        let when = if now < self.starts_at {
            SlotWhen::Upcoming
        } else if now < self.ends_at {
            SlotWhen::Running
        } else {
            SlotWhen::Ended
        };
        SlotLine {
            slot_id: self.id,
            start: self.start_time,
            end: self.end_time,
            capacity: self.total_capacity,
            booked: self.booked_count,
            admitted: self.admitted,
            closed: self.status == SlotStatus::Closed,
            when,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Attempt {
    created_at: DateTime<Utc>,
    outcome: String,
    scan: bool,
}

#[derive(sqlx::FromRow)]
struct CheckInRow {
    created_at: DateTime<Utc>,
    code: String,
    action: String,
    outcome: String,
    offline: bool,
    operator: Option<String>,
}

impl CheckInRow {
    fn shown(self, tz: Tz) -> CheckIn {
        CheckIn {
            at: self.created_at.with_timezone(&tz).time(),
            code: mask_code(&self.code),
            action: self.action,
            outcome: self.outcome,
            operator: self.operator,
            offline: self.offline,
        }
    }
}

/// The latest of `orq`'s attempts at the door since `since` (only those with `outcome`, if given).
async fn checkins(
    db: &Db,
    orq: OrgId,
    since: DateTime<Utc>,
    outcome: Option<&str>,
) -> Result<Vec<CheckInRow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT c.created_at, COALESCE(t.ticket_code, c.code_input) AS code, c.action, c.outcome, c.offline,
                u.display_name AS operator
         FROM checkin_log c LEFT JOIN tickets t ON t.id = c.ticket_id LEFT JOIN users u ON u.id = c.operator_id
         WHERE c.orq = $1 AND c.created_at >= $2 AND ($3 IS NULL OR c.outcome = $3)
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4")
        .bind(orq).bind(since).bind(outcome).bind(LATEST).fetch_all(pool).await)
}

/// Whether a booking outcome is a refusal reads like a door outcome's: `RESERVED` is accepted.
fn booking_outcome(outcome: &str) -> &str {
    if outcome == "RESERVED" {
        "VERIFIED"
    } else {
        outcome
    }
}

/// Attempts and refusals from counts by outcome.
fn rate<'a>(counts: impl Iterator<Item = (&'a str, i64)>) -> Rate {
    counts.fold(Rate::default(), |r, (outcome, n)| Rate {
        total: r.total + n,
        refused: r.refused + if ACCEPTED.contains(&outcome) { 0 } else { n },
    })
}

/// Refusals by reason, most frequent first (then by name, so the order is stable).
fn by_reason<'a>(counts: impl Iterator<Item = (&'a str, i64)>) -> Vec<ReasonCount> {
    let mut reasons: Vec<ReasonCount> = Vec::new();
    for (outcome, n) in counts.filter(|(o, _)| !ACCEPTED.contains(o)) {
        match reasons.iter_mut().find(|r| r.reason == outcome) {
            Some(r) => r.count += n,
            None => reasons.push(ReasonCount { reason: outcome.to_string(), count: n }),
        }
    }
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    reasons
}

/// Admitted for the slots running now.
fn occupancy(slots: &[SlotLine]) -> i64 {
    slots.iter().filter(|s| s.when == SlotWhen::Running).map(|s| s.admitted).sum()
}

/// Scans in each of the last 15 minutes (the current one last), by the start of each minute.
fn per_minute(scans: &[DateTime<Utc>], now: DateTime<Utc>) -> Vec<(DateTime<Utc>, i64)> {
    let current = minute_of(now);
    (0..RECENT_MINUTES)
        .rev()
        .map(|back| {
            let minute = current - Duration::minutes(back);
            (minute, scans.iter().filter(|at| minute_of(**at) == minute).count() as i64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, s).unwrap()
    }

    #[test]
    fn scans_fall_in_their_minute_and_the_window_is_the_last_fifteen() {
        let now = at(15, 0, 30);
        let scans = [at(15, 0, 1), at(15, 0, 29), at(14, 59, 59), at(14, 46, 0), at(14, 45, 59)];
        let minutes = per_minute(&scans, now);
        assert_eq!(minutes.len(), 15);
        assert_eq!(minutes.first(), Some(&(at(14, 46, 0), 1)));
        assert_eq!(minutes[13], (at(14, 59, 0), 1));
        assert_eq!(minutes.last(), Some(&(at(15, 0, 0), 2)));
        assert_eq!(minutes.iter().map(|(_, n)| n).sum::<i64>(), 4, "14:45:59 is outside the window");
    }

    #[test]
    fn occupancy_counts_those_admitted_to_the_slots_running_now() {
        let line = |admitted, when| SlotLine {
            slot_id: SlotId(1),
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
            capacity: 10,
            booked: 10,
            admitted,
            closed: false,
            when,
        };
        let slots = [
            line(4, SlotWhen::Ended),
            line(3, SlotWhen::Running),
            line(2, SlotWhen::Running),
            line(1, SlotWhen::Upcoming),
        ];
        assert_eq!(occupancy(&slots), 5);
    }

    #[test]
    fn refusals_are_counted_by_reason_most_frequent_first_and_accepted_outcomes_are_not_refusals() {
        let counts = [("VALID", 5), ("WRONG_DATE", 1), ("CONFLICT", 2), ("WRONG_DATE", 2), ("VERIFIED", 4)];
        assert_eq!(
            by_reason(counts.into_iter()),
            vec![
                ReasonCount { reason: "WRONG_DATE".into(), count: 3 },
                ReasonCount { reason: "CONFLICT".into(), count: 2 }
            ]
        );
        assert_eq!(rate(counts.into_iter()), Rate { total: 14, refused: 5 });
    }

    #[test]
    fn a_booking_is_accepted_and_its_refusals_are_refused() {
        let counts = [("RESERVED", 9), ("SLOT_FULL", 2)];
        assert_eq!(rate(counts.iter().map(|(o, n)| (booking_outcome(o), *n))), Rate { total: 11, refused: 2 });
    }

    #[test]
    fn a_venue_day_starts_at_its_midnight() {
        let ny = chrono_tz::America::New_York;
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(start_of(ny, day), at(5, 0, 0));
    }
}
