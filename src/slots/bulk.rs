//! Editing many slots at once: over a date range, optionally only some weekdays and some start
//! times, set the capacity and/or close or reopen them. All or nothing: one slot whose bookings
//! exceed the new capacity refuses the whole edit, and nothing changes.
use super::availability::{SlotRow, SLOT_COLUMNS};
use super::closure::OPEN_STATUS;
use super::rules::{date_range, number_field, time_field, weekdays_field, RulesError};
use super::{capacity::MAX_CAPACITY, SlotStatus};
use crate::audit::{self, Action, Change, Subject};
use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, SlotId, UserId};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::wording::{clock_time, short_date};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use serde_json::{json, Map, Value};

/// The bulk-edit form as sent, every field as typed; empty optional fields change or filter nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkInput {
    pub from: String,
    pub until: String,
    /// None chosen: every weekday.
    pub weekdays: Vec<String>,
    /// Slots starting at or after this time (`HH:MM`), if given.
    pub starts_from: String,
    /// Slots starting at or before this time, if given.
    pub starts_until: String,
    pub capacity: String,
    /// "close", "reopen", or empty to leave open and closed slots as they are.
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Close,
    Reopen,
}

/// A checked bulk edit.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkEdit {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub weekdays: Vec<Weekday>,
    pub starts_from: Option<NaiveTime>,
    pub starts_until: Option<NaiveTime>,
    pub capacity: Option<i64>,
    pub opening: Option<Opening>,
}

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Invalid(#[from] RulesError),
    #[error("Choose a new capacity, or to close or reopen the slots.")]
    NothingToChange,
    #[error("Status: “{0}” is neither close nor reopen.")]
    UnknownStatus(String),
    #[error("No slot matches: nothing was changed.")]
    NoSlots,
    #[error("{day} {start} has {booked} booked; capacity cannot go below that. Nothing was changed.")]
    BelowBooked { slot_id: SlotId, day: String, start: String, booked: i64 },
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for BulkError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(e) => e.code(),
            Self::NothingToChange => "NOTHING_TO_CHANGE",
            Self::UnknownStatus(_) => "INVALID_RULES_FIELD",
            Self::NoSlots => "NO_MATCHING_SLOTS",
            Self::BelowBooked { .. } => "CAPACITY_BELOW_BOOKED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::NoSlots => 404,
            Self::BelowBooked { .. } => 409,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::Invalid(e) => e.details(),
            Self::BelowBooked { slot_id, booked, .. } => {
                details([("slot_id", detail(slot_id)), ("booked_count", detail(booked))])
            }
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

impl BulkEdit {
    pub fn parse(input: &BulkInput) -> Result<BulkEdit, BulkError> {
        let (from, until) = date_range(&input.from, &input.until)?;
        let weekdays = weekdays_field(&input.weekdays)?;
        let optional_time = |name, s: &str| (!s.trim().is_empty()).then(|| time_field(name, s)).transpose();
        let starts_from = optional_time("Starting from", &input.starts_from)?;
        let starts_until = optional_time("Starting until", &input.starts_until)?;
        let capacity = match input.capacity.trim() {
            "" => None,
            typed => Some(number_field("Capacity", typed)?),
        };
        if let Some(capacity) = capacity.filter(|c| !(0..=MAX_CAPACITY).contains(c)) {
            return Err(RulesError::Capacity { capacity }.into());
        }
        let opening = match input.status.trim() {
            "" => None,
            "close" => Some(Opening::Close),
            "reopen" => Some(Opening::Reopen),
            other => return Err(BulkError::UnknownStatus(other.to_string())),
        };
        if capacity.is_none() && opening.is_none() {
            return Err(BulkError::NothingToChange);
        }
        Ok(BulkEdit { from, until, weekdays, starts_from, starts_until, capacity, opening })
    }

    /// The days in range on a chosen weekday (every day when none is chosen).
    fn dates(&self) -> Vec<NaiveDate> {
        self.from
            .iter_days()
            .take_while(|d| *d <= self.until)
            .filter(|d| self.weekdays.is_empty() || self.weekdays.contains(&d.weekday()))
            .collect()
    }

    /// The slots' condition, its placeholders numbered from `$first`: bound by [`bind_filter!`].
    fn condition(&self, first: usize, dates: usize) -> String {
        let mut n = first;
        let mut next = || {
            n += 1;
            format!("${}", n - 1)
        };
        let list: Vec<String> = (0..dates).map(|_| next()).collect();
        let mut sql = format!("date IN ({})", list.join(", "));
        if self.starts_from.is_some() {
            sql += &format!(" AND start_time >= {}", next());
        }
        if self.starts_until.is_some() {
            sql += &format!(" AND start_time <= {}", next());
        }
        sql
    }
}

/// Binds what [`BulkEdit::condition`] names, in its order.
macro_rules! bind_filter {
    ($query:expr, $edit:expr, $dates:expr) => {{
        let mut query = $query;
        for date in $dates {
            query = query.bind(*date);
        }
        if let Some(t) = $edit.starts_from {
            query = query.bind(t);
        }
        if let Some(t) = $edit.starts_until {
            query = query.bind(t);
        }
        query
    }};
}

/// Applies `edit` to organization `orq`'s slots in one transaction with one audit entry.
/// Returns how many slots matched (each is now as the edit says).
pub async fn bulk_edit(
    engine: &crate::Engine,
    orq: OrgId,
    actor: Option<UserId>,
    edit: BulkEdit,
) -> Result<usize, BulkError> {
    let dates = edit.dates();
    if dates.is_empty() {
        return Err(BulkError::NoSlots);
    }
    let job = Bulk { orq, actor, edit, dates, now: engine.now() };
    match engine.batcher.write(job).await? {
        Outcome::Edited(ids) => {
            for id in &ids {
                engine.events.slot_changed(*id);
            }
            Ok(ids.len())
        }
        Outcome::NoSlots => Err(BulkError::NoSlots),
        Outcome::BelowBooked(row) => Err(BulkError::BelowBooked {
            slot_id: row.id(),
            day: short_date(row.date()),
            start: clock_time(row.start_time()),
            booked: row.booked_count(),
        }),
    }
}

struct Bulk {
    orq: OrgId,
    actor: Option<UserId>,
    edit: BulkEdit,
    dates: Vec<NaiveDate>,
    now: DateTime<Utc>,
}

enum Outcome {
    Edited(Vec<SlotId>),
    NoSlots,
    BelowBooked(SlotRow),
}

impl Write for Bulk {
    type Output = Outcome;

    async fn apply(&self, tx: &mut Tx) -> Result<Outcome, sqlx::Error> {
        let (edit, dates) = (&self.edit, &self.dates);
        // Read first and refuse before writing anything: a refused write leaves the shared
        // transaction as it found it. A booking that lands in between fails the capacity
        // CHECK below, and the batcher applies this edit again alone, which then refuses.
        let sql = format!(
            "SELECT {SLOT_COLUMNS} FROM reservation_slots WHERE orq = $1 AND {} ORDER BY date, start_time",
            edit.condition(2, dates.len())
        );
        let slots: Vec<SlotRow> = on_tx!(tx, conn =>
            bind_filter!(sqlx::query_as(&sql).bind(self.orq), edit, dates).fetch_all(&mut *conn).await)?;
        if slots.is_empty() {
            return Ok(Outcome::NoSlots);
        }
        if let Some(capacity) = edit.capacity {
            if let Some(i) = slots.iter().position(|s| s.booked_count() > capacity) {
                let mut slots = slots;
                return Ok(Outcome::BelowBooked(slots.swap_remove(i)));
            }
            let sql = format!(
                "UPDATE reservation_slots
                 SET total_capacity = $2,
                     status = CASE WHEN status = 'CLOSED' THEN status WHEN booked_count >= $2 THEN 'FULL' ELSE 'ACTIVE' END,
                     updated_at = $3
                 WHERE orq = $1 AND {}",
                edit.condition(4, dates.len())
            );
            on_tx!(tx, conn => bind_filter!(sqlx::query(&sql).bind(self.orq).bind(capacity).bind(self.now), edit, dates)
                .execute(&mut *conn).await.map(|_| ()))?;
        }
        if let Some(opening) = edit.opening {
            let (status, unless) = match opening {
                Opening::Close => ("'CLOSED'", "status <> 'CLOSED'"),
                Opening::Reopen => (OPEN_STATUS, "status = 'CLOSED'"),
            };
            let sql = format!(
                "UPDATE reservation_slots SET status = {status}, updated_at = $2 WHERE orq = $1 AND {unless} AND {}",
                edit.condition(3, dates.len())
            );
            on_tx!(tx, conn => bind_filter!(sqlx::query(&sql).bind(self.orq).bind(self.now), edit, dates)
                .execute(&mut *conn).await.map(|_| ()))?;
        }
        let change = Change {
            actor: self.actor,
            action: Action::SlotsBulkEdited,
            subject: Subject::Many,
            summary: self.summary(slots.len()),
            before: Some(
                json!({ "slots": slots.iter().map(|s| json!([s.id(), s.total_capacity(), s.status()])).collect::<Vec<_>>() }),
            ),
            after: Some(json!({
                "total_capacity": edit.capacity,
                "status": edit.opening.map(|o| match o { Opening::Close => SlotStatus::Closed.as_str(), Opening::Reopen => "OPEN" }),
            })),
        };
        audit::record(tx, self.orq, &change, self.now).await?;
        Ok(Outcome::Edited(slots.iter().map(SlotRow::id).collect()))
    }
}

impl Bulk {
    /// "12 slots from 2026-12-01 to 2026-12-31 (Sat, Sun; starting 10:00–14:00): capacity 150, closed".
    fn summary(&self, slots: usize) -> String {
        let edit = &self.edit;
        let mut filters = Vec::new();
        if !edit.weekdays.is_empty() {
            filters.push(edit.weekdays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "));
        }
        if edit.starts_from.is_some() || edit.starts_until.is_some() {
            let from = edit.starts_from.map(clock_time).unwrap_or_default();
            let until = edit.starts_until.map(clock_time).unwrap_or_default();
            filters.push(format!("starting {from}–{until}"));
        }
        let mut changes = Vec::new();
        if let Some(c) = edit.capacity {
            changes.push(format!("capacity {c}"));
        }
        match edit.opening {
            Some(Opening::Close) => changes.push("closed".to_string()),
            Some(Opening::Reopen) => changes.push("reopened".to_string()),
            None => {}
        }
        let filters = if filters.is_empty() { String::new() } else { format!(" ({})", filters.join("; ")) };
        format!("{slots} slots from {} to {}{filters}: {}", edit.from, edit.until, changes.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> BulkInput {
        BulkInput {
            from: "2026-12-01".into(),
            until: "2026-12-31".into(),
            capacity: "150".into(),
            ..BulkInput::default()
        }
    }

    #[test]
    fn a_bulk_edit_needs_something_to_change_and_a_known_status() {
        let none = BulkEdit::parse(&BulkInput { capacity: String::new(), ..input() });
        assert!(matches!(none, Err(BulkError::NothingToChange)));
        let status = BulkEdit::parse(&BulkInput { status: "delete".into(), ..input() });
        assert!(matches!(status, Err(BulkError::UnknownStatus(_))));
        let edit = BulkEdit::parse(&BulkInput { status: "close".into(), starts_from: "10:00".into(), ..input() });
        let edit = edit.expect("valid");
        assert_eq!((edit.capacity, edit.opening), (Some(150), Some(Opening::Close)));
        assert_eq!(edit.condition(4, 2), "date IN ($4, $5) AND start_time >= $6");
    }

    #[test]
    fn a_weekday_filter_keeps_only_those_days() {
        let edit = BulkEdit::parse(&BulkInput { weekdays: vec!["Sat".into()], ..input() }).expect("valid");
        let days: Vec<u32> = edit.dates().iter().map(|d| d.day()).collect();
        assert_eq!(days, vec![5, 12, 19, 26]);
    }
}
