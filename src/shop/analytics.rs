//! What the shop's owner plans with: the most reserved products, when people pick up (by
//! weekday and hour, for seasonal planning), and how many reservations are collected. Each is
//! one grouped query over a range of pickup days.
use super::status::OrderStatus;
use crate::ids::{OrgId, ShopProductId};
use crate::on_pool;
use crate::store::Db;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ProductDemand {
    pub product_id: ShopProductId,
    pub name: String,
    pub quantity: i64,
    pub orders: i64,
}

/// Products by units reserved for pickup on `from..=to` (cancelled orders left out), most first.
pub async fn most_reserved(
    db: &Db,
    orq: OrgId,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<ProductDemand>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT p.id AS product_id, p.name, CAST(SUM(i.quantity) AS BIGINT) AS quantity,
                COUNT(DISTINCT i.order_id) AS orders
         FROM shop_order_items i
         JOIN shop_orders o ON o.id = i.order_id
         JOIN shop_pickup_windows w ON w.id = o.window_id
         JOIN shop_products p ON p.id = i.product_id
         WHERE o.orq = $1 AND w.date >= $2 AND w.date <= $3 AND o.status <> 'CANCELLED'
         GROUP BY p.id, p.name
         ORDER BY quantity DESC, p.name
         LIMIT $4")
        .bind(orq).bind(from).bind(to).bind(limit).fetch_all(pool).await)
}

/// Orders by the weekday (Monday first) and venue-local hour of their pickup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupPattern {
    pub by_weekday_hour: [[i64; 24]; 7],
}

impl PickupPattern {
    /// The busiest (weekday from Monday = 0, hour) with its count; `None` without orders.
    pub fn peak(&self) -> Option<(usize, usize, i64)> {
        let mut peak = None;
        for (day, hours) in self.by_weekday_hour.iter().enumerate() {
            for (hour, &n) in hours.iter().enumerate() {
                if n > 0 && peak.is_none_or(|(_, _, best)| n > best) {
                    peak = Some((day, hour, n));
                }
            }
        }
        peak
    }
}

pub async fn pickup_pattern(db: &Db, orq: OrgId, from: NaiveDate, to: NaiveDate) -> Result<PickupPattern, sqlx::Error> {
    let rows: Vec<(NaiveDate, NaiveTime, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT w.date, w.start_time, COUNT(*) FROM shop_orders o JOIN shop_pickup_windows w ON w.id = o.window_id
         WHERE o.orq = $1 AND w.date >= $2 AND w.date <= $3 AND o.status <> 'CANCELLED'
         GROUP BY w.date, w.start_time")
        .bind(orq).bind(from).bind(to).fetch_all(pool).await)?;
    let mut pattern = PickupPattern { by_weekday_hour: [[0; 24]; 7] };
    for (date, start, n) in rows {
        pattern.by_weekday_hour[date.weekday().num_days_from_monday() as usize][start.hour() as usize] += n;
    }
    Ok(pattern)
}

/// How reservations for pickup on a range of days ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fulfilment {
    pub completed: i64,
    pub no_show: i64,
    pub cancelled: i64,
    /// Pending, confirmed or ready: not decided yet.
    pub open: i64,
}

impl Fulfilment {
    /// Collected out of those that were due and not cancelled, in percent; `None` before any.
    pub fn rate_percent(&self) -> Option<f64> {
        let due = self.completed + self.no_show;
        (due > 0).then(|| 100.0 * self.completed as f64 / due as f64)
    }
}

pub async fn fulfilment(db: &Db, orq: OrgId, from: NaiveDate, to: NaiveDate) -> Result<Fulfilment, sqlx::Error> {
    let rows: Vec<(OrderStatus, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT o.status, COUNT(*) FROM shop_orders o JOIN shop_pickup_windows w ON w.id = o.window_id
         WHERE o.orq = $1 AND w.date >= $2 AND w.date <= $3 GROUP BY o.status")
        .bind(orq).bind(from).bind(to).fetch_all(pool).await)?;
    let mut f = Fulfilment::default();
    for (status, n) in rows {
        match status {
            OrderStatus::Completed => f.completed += n,
            OrderStatus::NoShow => f.no_show += n,
            OrderStatus::Cancelled => f.cancelled += n,
            _ => f.open += n,
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_collected_out_of_due() {
        let f = Fulfilment { completed: 9, no_show: 1, cancelled: 5, open: 3 };
        assert_eq!(f.rate_percent(), Some(90.0));
        assert_eq!(Fulfilment::default().rate_percent(), None);
    }

    #[test]
    fn the_peak_is_the_busiest_hour_of_the_week() {
        let mut p = PickupPattern { by_weekday_hour: [[0; 24]; 7] };
        p.by_weekday_hour[5][11] = 7;
        p.by_weekday_hour[1][9] = 3;
        assert_eq!(p.peak(), Some((5, 11, 7)));
    }
}
