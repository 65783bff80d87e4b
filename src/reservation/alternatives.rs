//! Slots to offer instead of one that could not be booked.
use super::AlternativeSlot;
use crate::ids::{OrgId, SlotId};
use crate::store::Db;
use crate::{bookable, on_pool};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The three nearest bookable slots before `$3` and the three after, of organization `$1` but
/// not slot `$2`, bookable at `$4`.
const NEAREST: &str = concat!(
    "SELECT * FROM (SELECT id, date, start_time, end_time, total_capacity - booked_count AS available, starts_at
                    FROM reservation_slots
                    WHERE orq = $1 AND id <> $2 AND ",
    bookable!("$4"),
    " AND starts_at >= $3
                    ORDER BY starts_at LIMIT 3) AS later
     UNION ALL
     SELECT * FROM (SELECT id, date, start_time, end_time, total_capacity - booked_count AS available, starts_at
                    FROM reservation_slots
                    WHERE orq = $1 AND id <> $2 AND ",
    bookable!("$4"),
    " AND starts_at < $3
                    ORDER BY starts_at DESC LIMIT 3) AS earlier"
);

/// Up to three bookable slots nearest in time to `around`, in time order: the three nearest
/// before and after in one query, then the closest three of those.
pub async fn alternatives(
    db: &Db,
    orq: OrgId,
    except: SlotId,
    around: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<AlternativeSlot>, sqlx::Error> {
    type Row = (SlotId, NaiveDate, NaiveTime, NaiveTime, i64, DateTime<Utc>);
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(NEAREST)
        .bind(orq).bind(except).bind(around).bind(now).fetch_all(pool).await)?;
    let mut rows = rows;
    rows.sort_by_key(|r| (r.5 - around).num_seconds().abs());
    rows.truncate(3);
    rows.sort_by_key(|r| r.5);
    Ok(rows
        .into_iter()
        .map(|(slot_id, date, start_time, end_time, available_count, _)| AlternativeSlot {
            slot_id,
            date,
            start_time,
            end_time,
            available_count,
        })
        .collect())
}
