//! Booking attempts counted by outcome, for the reservation failure rate of the live page.
//!
//! A booking only adds one to a counter in memory; [`flush`], about once a second, adds this
//! instance's counts to its own rows of `booking_attempts` (one job for the batcher, so it rides
//! in a batch's commit) and then tells watchers which organizations' figures moved. Rows are per
//! instance, so several instances on one PostgreSQL never wait on each other's rows, and the
//! figures are their sum. A count not yet flushed (at most a second's) is missing from the page
//! until the next flush; a failed flush keeps its counts for the next one.
use super::Change;
use crate::ids::{OrgId, SlotId};
use crate::store::batch::Write;
use crate::store::Tx;
use crate::{on_tx, Engine};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

type Key = (DateTime<Utc>, SlotId, &'static str);

#[derive(Default)]
pub(super) struct Tally {
    counts: Mutex<HashMap<Key, i64>>,
}

impl Tally {
    pub(super) fn count(&self, slot_id: SlotId, outcome: &'static str, at: DateTime<Utc>) {
        let key = (minute_of(at), slot_id, outcome);
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_insert(0) += 1;
    }

    fn take(&self) -> HashMap<Key, i64> {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts back counts a failed flush could not write.
    fn restore(&self, counts: HashMap<Key, i64>) {
        let mut held = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, n) in counts {
            *held.entry(key).or_insert(0) += n;
        }
    }
}

/// The start of `at`'s minute.
pub fn minute_of(at: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = at.timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(60), 0).unwrap_or(at)
}

/// How long counts are kept: the live page reads today's, nothing reads older ones, and a week
/// is left for a look at a bad day after the fact.
pub const KEPT: chrono::Duration = chrono::Duration::days(8);

/// Deletes counts older than [`KEPT`] (a range of the primary key). Several instances may run
/// it at once. Returns how many rows went.
pub async fn prune(db: &crate::store::Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query("DELETE FROM booking_attempts WHERE minute < $1")
        .bind(minute_of(now - KEPT)).execute(pool).await.map(|r| r.rows_affected()))
}

/// Writes the counts made since the last flush and publishes [`Change::Bookings`] for each
/// organization they concern.
pub async fn flush(engine: &Engine) -> Result<(), sqlx::Error> {
    let counts = engine.events.tally.take();
    if counts.is_empty() {
        return Ok(());
    }
    let rows: Vec<(Key, i64)> = counts.iter().map(|(k, n)| (*k, *n)).collect();
    match engine.batcher.write(AddCounts { instance: engine.events.instance, rows }).await {
        Ok(organizations) => {
            organizations.into_iter().for_each(|orq| engine.events.publish(Change::Bookings(orq)));
            Ok(())
        }
        Err(e) => {
            engine.events.tally.restore(counts);
            Err(e)
        }
    }
}

struct AddCounts {
    instance: i64,
    rows: Vec<(Key, i64)>,
}

impl Write for AddCounts {
    /// The organizations whose slots were counted.
    type Output = Vec<OrgId>;

    async fn apply(&self, tx: &mut Tx) -> Result<Vec<OrgId>, sqlx::Error> {
        on_tx!(tx, conn => async {
            for ((minute, slot_id, outcome), n) in &self.rows {
                sqlx::query(
                    "INSERT INTO booking_attempts (minute, slot_id, outcome, instance, attempts)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (minute, slot_id, outcome, instance)
                     DO UPDATE SET attempts = booking_attempts.attempts + excluded.attempts")
                    .bind(minute).bind(slot_id).bind(*outcome).bind(self.instance).bind(n)
                    .execute(&mut *conn).await?;
            }
            let mut query = sqlx::QueryBuilder::new("SELECT DISTINCT orq FROM reservation_slots WHERE id IN (");
            let mut list = query.separated(", ");
            for ((_, slot_id, _), _) in &self.rows {
                list.push_bind(*slot_id);
            }
            list.push_unseparated(")");
            let organizations: Vec<(OrgId,)> = query.build_query_as().fetch_all(&mut *conn).await?;
            Ok(organizations.into_iter().map(|(orq,)| orq).collect())
        }.await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn attempts_in_one_minute_share_a_counter() {
        let tally = Tally::default();
        let at = |s| Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, s).unwrap();
        tally.count(SlotId(1), "RESERVED", at(0));
        tally.count(SlotId(1), "RESERVED", at(59));
        tally.count(SlotId(1), "SLOT_FULL", at(59));
        let counts = tally.take();
        assert_eq!(counts.get(&(at(0), SlotId(1), "RESERVED")), Some(&2));
        assert_eq!(counts.get(&(at(0), SlotId(1), "SLOT_FULL")), Some(&1));
        assert!(tally.take().is_empty());
    }

    #[test]
    fn counts_a_flush_could_not_write_are_kept_for_the_next() {
        let tally = Tally::default();
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap();
        tally.count(SlotId(1), "RESERVED", at);
        let failed = tally.take();
        tally.count(SlotId(1), "RESERVED", at);
        tally.restore(failed);
        assert_eq!(tally.take().get(&(at, SlotId(1), "RESERVED")), Some(&2));
    }

    #[test]
    fn a_minute_starts_on_the_minute() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 15, 7, 42).unwrap();
        assert_eq!(minute_of(at), Utc.with_ymd_and_hms(2026, 11, 23, 15, 7, 0).unwrap());
    }
}
