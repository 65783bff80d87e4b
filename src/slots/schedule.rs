//! Creating slots from a daily opening pattern, in the venue's time zone: the one place slots
//! are timed and inserted, for the demo's schedule and for an admin's rules alike.
use chrono::{Duration, NaiveTime};
#[cfg(feature = "ssr")]
use {
    crate::ids::SlotId,
    crate::on_tx,
    crate::org::Venue,
    crate::store::{Db, Tx},
    chrono::{DateTime, LocalResult, NaiveDate, Offset, TimeZone, Utc},
};

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

/// The instant a venue-local wall-clock time happens. Where clocks fall back and the time comes
/// twice, the first; where they spring forward and it never comes, none.
#[cfg(feature = "ssr")]
pub(crate) fn instant(venue: &Venue, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    match venue.tz().from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// A slot placed on the venue's calendar and on the clock.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimedSlot {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// What a schedule makes on some days: the slots, and the wall-clock starts that do not exist
/// on their day (a DST gap), which get no slot.
#[cfg(feature = "ssr")]
#[derive(Debug, Default)]
pub(crate) struct Timetable {
    pub slots: Vec<TimedSlot>,
    pub not_on_the_clock: Vec<(NaiveDate, NaiveTime)>,
}

#[cfg(feature = "ssr")]
pub(crate) fn timetable(venue: &Venue, schedule: &DailySchedule, dates: impl Iterator<Item = NaiveDate>) -> Timetable {
    let times = schedule.slot_times();
    let mut table = Timetable::default();
    for date in dates {
        for &(start, end) in &times {
            let Some(starts_at) = instant(venue, date, start) else {
                table.not_on_the_clock.push((date, start));
                continue;
            };
            // An end inside the spring-forward gap is read on the start's clock (02:00 EST is
            // 03:00 EDT): the slot ends when the clocks jump.
            let ends_at = instant(venue, date, end).unwrap_or_else(|| {
                let offset = venue.tz().offset_from_utc_datetime(&starts_at.naive_utc()).fix();
                (date.and_time(end) - Duration::seconds(offset.local_minus_utc().into())).and_utc()
            });
            table.slots.push(TimedSlot { date, start, end, starts_at, ends_at });
        }
    }
    table
}

/// Rows one INSERT carries: five placeholders each, well under both engines' limits.
#[cfg(feature = "ssr")]
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `slots` with `capacity`, leaving any that exist (same venue, date and start) as they
/// are. Returns the ids of the slots created.
#[cfg(feature = "ssr")]
pub(crate) async fn insert_slots(
    tx: &mut Tx,
    venue: &Venue,
    slots: &[TimedSlot],
    capacity: i64,
    now: DateTime<Utc>,
) -> Result<Vec<SlotId>, sqlx::Error> {
    let status = if capacity > 0 { "ACTIVE" } else { "FULL" };
    let mut created = Vec::new();
    for chunk in slots.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 6 + i * 5;
                format!("($1, $2, ${p}, ${}, ${}, ${}, ${}, $3, 0, $4, $5, $5)", p + 1, p + 2, p + 3, p + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO reservation_slots
               (orq, venue_id, date, start_time, end_time, starts_at, ends_at, total_capacity,
                booked_count, status, created_at, updated_at)
             VALUES {}
             ON CONFLICT (venue_id, date, start_time) DO NOTHING
             RETURNING id",
            rows.join(", ")
        );
        let ids: Vec<(SlotId,)> = on_tx!(tx, conn => {
            let mut query = sqlx::query_as(&sql).bind(venue.orq).bind(venue.id).bind(capacity).bind(status).bind(now);
            for s in chunk {
                query = query.bind(s.date).bind(s.start).bind(s.end).bind(s.starts_at).bind(s.ends_at);
            }
            query.fetch_all(&mut *conn).await
        })?;
        created.extend(ids.into_iter().map(|(id,)| id));
    }
    Ok(created)
}

/// Creates the schedule's slots for `days` days from `from`, skipping slots that exist.
/// Returns how many were created.
#[cfg(feature = "ssr")]
pub async fn ensure_slots(
    db: &Db,
    venue: &Venue,
    schedule: DailySchedule,
    from: NaiveDate,
    days: u32,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let table = timetable(venue, &schedule, from.iter_days().take(days as usize));
    let mut tx = db.begin_write().await?;
    let created = insert_slots(&mut tx, venue, &table.slots, schedule.capacity, now).await?;
    tx.commit().await?;
    Ok(created.len() as u64)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::ids::{OrgId, VenueId};

    fn venue(zone: &str) -> Venue {
        Venue { id: VenueId(1), orq: OrgId(1), name: "V".into(), time_zone: zone.into(), address: String::new() }
    }

    fn night(first: u32, close: u32) -> DailySchedule {
        DailySchedule {
            first_start: NaiveTime::from_hms_opt(first, 0, 0).expect("time"),
            close: NaiveTime::from_hms_opt(close, 0, 0).expect("time"),
            length: Duration::hours(1),
            capacity: 10,
        }
    }

    fn utc(table: &Timetable) -> Vec<(String, String, String)> {
        let at = |t: DateTime<Utc>| t.format("%H:%M").to_string();
        table.slots.iter().map(|s| (s.start.format("%H:%M").to_string(), at(s.starts_at), at(s.ends_at))).collect()
    }

    #[test]
    fn on_new_yorks_spring_forward_day_the_skipped_hour_gets_no_slot_and_the_rest_are_in_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 8).expect("date");
        let table = timetable(&venue("America/New_York"), &night(0, 4), std::iter::once(day));
        assert_eq!(table.not_on_the_clock, vec![(day, NaiveTime::from_hms_opt(2, 0, 0).expect("time"))]);
        let expected = [("00:00", "05:00", "06:00"), ("01:00", "06:00", "07:00"), ("03:00", "07:00", "08:00")];
        assert_eq!(utc(&table), expected.map(|(a, b, c)| (a.into(), b.into(), c.into())).to_vec());
    }

    #[test]
    fn on_new_yorks_fall_back_day_the_repeated_hour_starts_at_its_first_occurrence() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let table = timetable(&venue("America/New_York"), &night(0, 4), std::iter::once(day));
        assert!(table.not_on_the_clock.is_empty());
        let expected = [
            ("00:00", "04:00", "05:00"),
            ("01:00", "05:00", "07:00"),
            ("02:00", "07:00", "08:00"),
            ("03:00", "08:00", "09:00"),
        ];
        assert_eq!(utc(&table), expected.map(|(a, b, c)| (a.into(), b.into(), c.into())).to_vec());
    }

    #[test]
    fn in_berlin_the_clocks_change_at_two_and_three_in_the_morning() {
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).expect("date");
        let table = timetable(&venue("Europe/Berlin"), &night(1, 4), std::iter::once(spring));
        let expected = [("01:00", "00:00", "01:00"), ("03:00", "01:00", "02:00")];
        assert_eq!(utc(&table), expected.map(|(a, b, c)| (a.into(), b.into(), c.into())).to_vec());
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).expect("date");
        let table = timetable(&venue("Europe/Berlin"), &night(2, 3), std::iter::once(autumn));
        // 02:00 CEST is 00:00 UTC; the slot ends at 03:00 CET, two hours later.
        assert_eq!(utc(&table), vec![("02:00".into(), "00:00".into(), "02:00".into())]);
    }
}
