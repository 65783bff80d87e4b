//! Orders after checkout: the customer's lookup, the counter's list of today's pickups, and
//! the status changes staff make. Cancelling and marking a no-show give the units back to the
//! stock and the place back to the window, in the same conditional write.
use super::code::ReservationCode;
use super::error::ShopError;
use super::input::CartId;
use super::status::{OrderStatus, PaymentStatus};
use crate::contact::PhoneE164;
use crate::ids::{OrgId, PickupWindowId, ShopOrderId, ShopProductId};
use crate::notify::{self, kind::Kind};
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::{on_pool, on_tx, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Order {
    pub id: ShopOrderId,
    pub code: String,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: Option<String>,
    pub instructions: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub window_id: PickupWindowId,
    pub pickup_date: NaiveDate,
    pub pickup_start: NaiveTime,
    pub pickup_end: NaiveTime,
    pub created_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OrderItem {
    #[serde(skip_serializing)]
    pub order_id: ShopOrderId,
    pub item_kind: String,
    pub product_id: Option<ShopProductId>,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
}

/// The columns of [`Order`] over `shop_orders o` joined with its window `w`.
macro_rules! order_query {
    ($where:literal) => {
        concat!(
            "SELECT o.id, o.code, o.status, o.payment_status, o.customer_name, o.customer_phone, o.customer_email,
                    o.instructions, o.currency, o.subtotal_minor, o.discount_minor, o.total_minor, o.window_id,
                    w.date AS pickup_date, w.start_time AS pickup_start, w.end_time AS pickup_end, o.created_at
             FROM shop_orders o JOIN shop_pickup_windows w ON w.id = o.window_id
             WHERE ",
            $where
        )
    };
}

/// Fills in the items of `orders` with one query.
async fn with_items(db: &Db, mut orders: Vec<Order>) -> Result<Vec<Order>, sqlx::Error> {
    if orders.is_empty() {
        return Ok(orders);
    }
    let ids: Vec<i64> = orders.iter().map(|o| o.id.0).collect();
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT order_id, item_kind, product_id, name, quantity, unit_price_minor, line_total_minor
         FROM shop_order_items WHERE order_id IN ({}) ORDER BY order_id, id",
        placeholders.join(", ")
    );
    let items: Vec<OrderItem> = on_pool!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for id in &ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })?;
    for item in items {
        if let Some(order) = orders.iter_mut().find(|o| o.id == item.order_id) {
            order.items.push(item);
        }
    }
    Ok(orders)
}

/// The order a customer looks up with its code and the phone given at checkout. A wrong code
/// and a wrong phone get the same answer, so the lookup tells a guesser nothing.
pub async fn lookup(db: &Db, orq: OrgId, code: &ReservationCode, phone: &PhoneE164) -> Result<Order, ShopError> {
    let order: Option<Order> = on_pool!(db, pool => sqlx::query_as(order_query!(
        "o.orq = $1 AND o.code = $2 AND o.customer_phone = $3"))
        .bind(orq).bind(code.as_str()).bind(phone.as_str()).fetch_optional(pool).await)?;
    let order = order.ok_or(ShopError::OrderNotFound)?;
    Ok(with_items(db, vec![order]).await?.remove(0))
}

/// An order placed from `cart`: the browser that placed it sees it again by its code alone.
pub async fn placed_from(
    db: &Db,
    orq: OrgId,
    code: &ReservationCode,
    cart: &CartId,
) -> Result<Option<Order>, sqlx::Error> {
    let order: Option<Order> = on_pool!(db, pool => sqlx::query_as(order_query!(
        "o.orq = $1 AND o.code = $2 AND o.cart_id = $3"))
        .bind(orq).bind(code.as_str()).bind(cart.as_str()).fetch_optional(pool).await)?;
    with_items_of(db, order).await
}

/// `order` with its items, when there is one.
async fn with_items_of(db: &Db, order: Option<Order>) -> Result<Option<Order>, sqlx::Error> {
    match order {
        Some(order) => Ok(with_items(db, vec![order]).await?.pop()),
        None => Ok(None),
    }
}

/// An order by its code alone, for staff (the counter's scanner or search).
pub async fn by_code(db: &Db, orq: OrgId, code: &ReservationCode) -> Result<Option<Order>, sqlx::Error> {
    let order: Option<Order> = on_pool!(db, pool => sqlx::query_as(order_query!("o.orq = $1 AND o.code = $2"))
        .bind(orq).bind(code.as_str()).fetch_optional(pool).await)?;
    with_items_of(db, order).await
}

/// An order by its id, for the messages about it.
pub async fn by_id(db: &Db, orq: OrgId, id: i64) -> Result<Option<Order>, sqlx::Error> {
    let order: Option<Order> = on_pool!(db, pool => sqlx::query_as(order_query!("o.orq = $1 AND o.id = $2"))
        .bind(orq).bind(id).fetch_optional(pool).await)?;
    with_items_of(db, order).await
}

/// One pickup window of the day with its orders (cancelled ones left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowPickups {
    pub window_id: PickupWindowId,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub orders: Vec<Order>,
}

/// The counter's day: venue-local `date`'s windows that have orders, in order, each with its
/// orders and their items (two queries, whatever the number of orders).
pub async fn pickups_on(db: &Db, orq: OrgId, date: NaiveDate) -> Result<Vec<WindowPickups>, sqlx::Error> {
    let orders: Vec<Order> = on_pool!(db, pool => sqlx::query_as(order_query!(
        "o.orq = $1 AND w.date = $2 AND o.status <> 'CANCELLED' ORDER BY w.start_time, o.created_at, o.id"))
        .bind(orq).bind(date).fetch_all(pool).await)?;
    let mut windows: Vec<WindowPickups> = Vec::new();
    for order in with_items(db, orders).await? {
        match windows.last_mut() {
            Some(w) if w.window_id == order.window_id => w.orders.push(order),
            _ => windows.push(WindowPickups {
                window_id: order.window_id,
                start_time: order.pickup_start,
                end_time: order.pickup_end,
                orders: vec![order],
            }),
        }
    }
    Ok(windows)
}

/// Moves order `$1` of organization `$2` to status `$3` at `$4` when it is in one of the
/// allowed previous statuses (`$5`–`$7`).
const MOVE: &str = "
    UPDATE shop_orders SET status = $3, updated_at = $4
    WHERE id = $1 AND orq = $2 AND status IN ($5, $6, $7)
    RETURNING window_id";

/// Gives back the units of order `$1`'s items to their products' stock.
const RETURN_STOCK: &str = "
    UPDATE shop_products SET stock = stock + (SELECT CAST(SUM(i.quantity) AS BIGINT) FROM shop_order_items i
                                              WHERE i.order_id = $1 AND i.product_id = shop_products.id),
                             updated_at = $2
    WHERE id IN (SELECT product_id FROM shop_order_items WHERE order_id = $1 AND product_id IS NOT NULL)";

#[derive(Clone)]
struct Move {
    orq: OrgId,
    order: ShopOrderId,
    /// The statuses the order may be in (at most three).
    from: &'static [OrderStatus],
    to: OrderStatus,
    now: DateTime<Utc>,
}

impl Write for Move {
    /// Whether the order moved.
    type Output = bool;

    async fn apply(&self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        let from = self.from;
        let Some(&first) = from.first() else { return Ok(false) };
        let at = |i: usize| from.get(i).copied().unwrap_or(first);
        on_tx!(tx, conn => async {
            let moved: Option<(PickupWindowId,)> = sqlx::query_as(MOVE)
                .bind(self.order).bind(self.orq).bind(self.to).bind(self.now)
                .bind(at(0)).bind(at(1)).bind(at(2)).fetch_optional(&mut *conn).await?;
            let Some((window_id,)) = moved else { return Ok(false) };
            let message = match self.to {
                OrderStatus::Ready => Some(Kind::OrderReady),
                OrderStatus::Cancelled => Some(Kind::OrderCancelled),
                _ => None,
            };
            if let Some(kind) = message {
                sqlx::query(notify::queue::FOR_ORDER)
                    .bind(self.order).bind(notify::queue::order_key(kind, self.order.0)).bind(kind).bind(None::<String>)
                    .bind(self.now).bind(kind.texts()).execute(&mut *conn).await?;
            }
            if !self.to.holds_stock() {
                sqlx::query(RETURN_STOCK).bind(self.order).bind(self.now).execute(&mut *conn).await?;
                sqlx::query("UPDATE shop_pickup_windows SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                    .bind(window_id).execute(&mut *conn).await?;
            }
            Ok(true)
        }.await)
    }
}

/// Moves an order to `to` (confirmed, ready, completed, cancelled, no-show), by staff.
pub async fn set_status(engine: &Engine, orq: OrgId, order: ShopOrderId, to: OrderStatus) -> Result<(), ShopError> {
    move_order(engine, orq, order, OrderStatus::predecessors(to), to).await
}

async fn move_order(
    engine: &Engine,
    orq: OrgId,
    order: ShopOrderId,
    from: &'static [OrderStatus],
    to: OrderStatus,
) -> Result<(), ShopError> {
    let now = engine.now();
    if super::retry::write(engine, Move { orq, order, from, to, now }).await? {
        // A cancel or a no-show gives stock back.
        engine.events.shop(orq);
        engine.events.outbox_written();
        return Ok(());
    }
    let current: Option<(OrderStatus,)> = on_pool!(&engine.db, pool => sqlx::query_as(
        "SELECT status FROM shop_orders WHERE id = $1 AND orq = $2")
        .bind(order).bind(orq).fetch_optional(pool).await)?;
    Err(match current {
        None => ShopError::OrderNotFound,
        Some((from,)) => ShopError::StatusChange { from, to },
    })
}

/// Cancels a reservation the customer looked up with its code and phone, while it is not yet
/// ready: the same transaction gives its stock and pickup place back.
pub async fn cancel_by_customer(
    engine: &Engine,
    orq: OrgId,
    code: &ReservationCode,
    phone: &PhoneE164,
) -> Result<(), ShopError> {
    let order = lookup(&engine.db, orq, code, phone).await?;
    // Conditioned in the write too: staff may mark it ready meanwhile.
    const CUSTOMER_MAY_CANCEL: &[OrderStatus] = &[OrderStatus::Pending, OrderStatus::Confirmed];
    move_order(engine, orq, order.id, CUSTOMER_MAY_CANCEL, OrderStatus::Cancelled).await
}
