//! Pickup windows: generated from the store's opening hours (every 15 minutes, say), each with
//! a capacity of pickups, and shown with how busy they are to steer people off-peak.
use super::error::ShopError;
use super::input::CartId;
use crate::ids::{OrgId, PickupWindowId};
use crate::org::Venue;
use crate::slots::schedule::{timetable, DailySchedule};
use crate::store::Db;
use crate::{on_pool, on_tx};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::availability::{load, Load};

/// The store's pickup hours: windows of `length` from `first_start`, the last ending by
/// `close`, each taking at most `capacity` pickups. The same shape as a day of ticket slots.
pub type PickupHours = DailySchedule;

/// Creates the windows of `days` days from `first`, leaving existing ones as they are. Answers
/// how many were created.
pub async fn ensure_windows(
    db: &Db,
    venue: &Venue,
    hours: &PickupHours,
    first: NaiveDate,
    days: u32,
) -> Result<u64, sqlx::Error> {
    let dates = (0..days).map(|d| first + Duration::days(d.into()));
    let table = timetable(venue, hours, dates);
    let mut tx = db.begin_write().await?;
    let mut created = 0;
    for chunk in table.slots.chunks(500) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 4 + i * 5;
                format!("($1, $2, ${p}, ${}, ${}, ${}, ${}, $3, 0)", p + 1, p + 2, p + 3, p + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO shop_pickup_windows (orq, venue_id, date, start_time, end_time, starts_at, ends_at, capacity, booked)
             VALUES {} ON CONFLICT (venue_id, starts_at) DO NOTHING",
            rows.join(", ")
        );
        created += on_tx!(&mut tx, conn => {
            let mut query = sqlx::query(&sql).bind(venue.orq).bind(venue.id).bind(hours.capacity);
            for s in chunk {
                query = query.bind(s.date).bind(s.start).bind(s.end).bind(s.starts_at).bind(s.ends_at);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    tx.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PickupWindow {
    pub id: PickupWindowId,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub capacity: i64,
    /// Orders placed for it.
    pub booked: i64,
    /// Live holds of other carts.
    pub held: i64,
}

impl PickupWindow {
    /// Places the asking cart could still take.
    pub fn left(&self) -> i64 {
        (self.capacity - self.booked - self.held).max(0)
    }

    pub fn load(&self, now: DateTime<Utc>) -> Load {
        load(self.booked + self.held, self.capacity, self.starts_at <= now)
    }
}

/// The windows of venue-local `date`, in order, with the live holds of carts other than `cart`.
pub async fn windows_on(
    db: &Db,
    orq: OrgId,
    date: NaiveDate,
    cart: Option<&CartId>,
    now: DateTime<Utc>,
) -> Result<Vec<PickupWindow>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT w.id, w.date, w.start_time, w.end_time, w.starts_at, w.capacity, w.booked,
                CAST(COALESCE((SELECT SUM(o.quantity) FROM shop_holds o WHERE o.window_id = w.id AND o.expires_at > $3), 0)
                     - COALESCE((SELECT m.quantity FROM shop_holds m
                                 WHERE m.cart_id = $4 AND m.window_id = w.id AND m.expires_at > $3), 0) AS BIGINT) AS held
         FROM shop_pickup_windows w
         WHERE w.orq = $1 AND w.date = $2
         ORDER BY w.start_time")
        .bind(orq).bind(date).bind(now).bind(cart.map_or("", CartId::as_str)).fetch_all(pool).await)
}

/// Why a window could not be held or booked, read after the refusal.
pub(super) async fn refusal(
    db: &Db,
    orq: OrgId,
    window_id: PickupWindowId,
    now: DateTime<Utc>,
) -> Result<ShopError, ShopError> {
    let row: Option<(DateTime<Utc>,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT starts_at FROM shop_pickup_windows WHERE id = $1 AND orq = $2")
        .bind(window_id).bind(orq).fetch_optional(pool).await)?;
    Ok(match row {
        None => ShopError::WindowNotFound,
        Some((starts_at,)) if starts_at <= now => ShopError::WindowPast { window_id },
        Some(_) => ShopError::WindowFull { window_id },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_quiet_then_busy_then_full() {
        assert_eq!(load(0, 6, false), Load::Quiet);
        assert_eq!(load(2, 6, false), Load::Moderate);
        assert_eq!(load(4, 6, false), Load::Busy);
        assert_eq!(load(6, 6, false), Load::Full);
        assert_eq!(load(0, 6, true), Load::Past);
    }
}
