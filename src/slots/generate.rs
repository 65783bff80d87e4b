//! Making slots from an admin's rules: a preview that writes nothing, then one transaction that
//! creates what is missing, so applying the same rules twice creates nothing the second time.
use super::rules::{Applied, PlannedSlot, Preview, PreviewDay, SlotRules};
use super::schedule::{insert_slots, timetable, Timetable};
use crate::audit::{self, Action, Change, Subject};
use crate::ids::{OrgId, UserId};
use crate::on_pool;
use crate::org::Venue;
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::wording::clock_time;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use std::collections::{BTreeMap, HashSet};

/// The slots `rules` would make at `venue`, each marked if it exists already; days in order.
pub async fn preview(db: &Db, orq: OrgId, venue: &Venue, rules: &SlotRules) -> Result<Preview, sqlx::Error> {
    let table = timetable(venue, &rules.schedule(), rules.dates());
    let existing = existing_starts(db, orq, venue, rules.from, rules.until).await?;
    let mut days: BTreeMap<NaiveDate, PreviewDay> = rules
        .dates()
        .map(|date| (date, PreviewDay { date, slots: Vec::new(), not_on_the_clock: Vec::new() }))
        .collect();
    for slot in &table.slots {
        if let Some(day) = days.get_mut(&slot.date) {
            day.slots.push(PlannedSlot {
                start_time: slot.start,
                end_time: slot.end,
                capacity: rules.capacity,
                exists: existing.contains(&(slot.date, slot.start)),
            });
        }
    }
    for (date, start) in &table.not_on_the_clock {
        if let Some(day) = days.get_mut(date) {
            day.not_on_the_clock.push(clock_time(*start));
        }
    }
    let days: Vec<PreviewDay> = days.into_values().collect();
    let existing = days.iter().flat_map(|d| &d.slots).filter(|s| s.exists).count();
    let to_create = table.slots.len() - existing;
    Ok(Preview { days, to_create, existing })
}

async fn existing_starts(
    db: &Db,
    orq: OrgId,
    venue: &Venue,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<HashSet<(NaiveDate, NaiveTime)>, sqlx::Error> {
    let rows: Vec<(NaiveDate, NaiveTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT date, start_time FROM reservation_slots
         WHERE orq = $1 AND venue_id = $2 AND date >= $3 AND date <= $4")
        .bind(orq).bind(venue.id).bind(from).bind(until).fetch_all(pool).await)?;
    Ok(rows.into_iter().collect())
}

/// Creates the slots `rules` make at the organization's main venue that do not exist yet, in
/// one transaction with its audit entry; slots that exist keep their capacity and bookings.
pub async fn apply(
    engine: &crate::Engine,
    orq: OrgId,
    venue: &Venue,
    actor: Option<UserId>,
    rules: &SlotRules,
) -> Result<Applied, sqlx::Error> {
    let table = timetable(venue, &rules.schedule(), rules.dates());
    let planned = table.slots.len();
    let job = Generate { orq, venue: venue.clone(), actor, rules: rules.clone(), table, now: engine.now() };
    let created = engine.batcher.write(job).await?;
    for id in &created {
        engine.events.slot_changed(*id);
    }
    Ok(Applied { created: created.len(), skipped_existing: planned - created.len() })
}

struct Generate {
    orq: OrgId,
    venue: Venue,
    actor: Option<UserId>,
    rules: SlotRules,
    table: Timetable,
    now: DateTime<Utc>,
}

impl Write for Generate {
    type Output = Vec<crate::ids::SlotId>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        let created = insert_slots(tx, &self.venue, &self.table.slots, self.rules.capacity, self.now).await?;
        let skipped = self.table.slots.len() - created.len();
        let change = Change {
            actor: self.actor,
            action: Action::SlotsGenerated,
            subject: Subject::Many,
            summary: format!(
                "{} slots created from {} to {} ({skipped} existed already)",
                created.len(),
                self.rules.from,
                self.rules.until,
            ),
            before: None,
            after: serde_json::to_value(&self.rules).ok(),
        };
        audit::record(tx, self.orq, &change, self.now).await?;
        Ok(created)
    }
}
