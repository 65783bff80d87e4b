//! A cart's holds: adding a product (or choosing a pickup window) holds it for the cart until
//! `expires_at`. Each write is one conditional statement: the hold is written only when the
//! stock (or the window's places) less the live holds of other carts covers it.
use super::catalogue::{self, Product};
use super::error::ShopError;
use super::input::{CartId, Quantity, MAX_QUANTITY};
use super::{held, lock, retry};
use crate::ids::{OrgId, PickupWindowId, ShopProductId};
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::{on_pool, on_tx, Engine};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A hold as written: how many, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Held {
    pub quantity: i64,
    pub expires_at: DateTime<Utc>,
}

/// The cart's counted hold of product `$1` (after reclaiming, a counted hold is a live one).
macro_rules! own {
    () => {
        "COALESCE((SELECT h.quantity FROM shop_holds h WHERE h.cart_id = $3 AND h.product_id = $1 AND h.counted), 0)"
    };
}

/// The quantity the cart asks to hold: `$4`, on top of what it holds when `$5` (adding).
macro_rules! wanted {
    () => {
        concat!("($4 + CASE WHEN $5 THEN ", own!(), " ELSE 0 END)")
    };
}

/// The statement that decides a product hold: the product's `held` grows by what the cart's
/// hold grows, only when the stock not held by others covers it (`$6` caps a cart's quantity).
const TAKE_HELD: &str = concat!(
    "UPDATE shop_products SET held = held + ",
    wanted!(),
    " - ",
    own!(),
    "
     WHERE id = $1 AND orq = $2 AND active AND ",
    wanted!(),
    " <= $6
       AND stock - held >= ",
    wanted!(),
    " - ",
    own!(),
    "
     RETURNING id"
);

/// The cart's hold row once `TAKE_HELD` has counted it. A hold that was not counted (new, or
/// expired and reclaimed) starts afresh; a live one keeps its start and cap.
const WRITE_HOLD: &str = concat!(
    "INSERT INTO shop_holds (orq, cart_id, product_id, quantity, created_at, expires_at, cap_at, counted)
     VALUES ($2, $3, $1, ",
    wanted!(),
    ", $7, $8, $9, TRUE)
     ON CONFLICT (cart_id, product_id) DO UPDATE SET
         quantity = excluded.quantity,
         counted = TRUE,
         created_at = CASE WHEN shop_holds.counted THEN shop_holds.created_at ELSE excluded.created_at END,
         cap_at = CASE WHEN shop_holds.counted THEN shop_holds.cap_at ELSE excluded.cap_at END,
         expires_at = CASE WHEN shop_holds.counted AND shop_holds.cap_at < excluded.expires_at
                           THEN shop_holds.cap_at ELSE excluded.expires_at END
     RETURNING quantity, expires_at"
);

/// Pushes the live holds of cart `$1` to `$2` (never past their cap) at instant `$3`.
const EXTEND: &str = "
    UPDATE shop_holds SET expires_at = CASE WHEN cap_at < $2 THEN cap_at ELSE $2 END
    WHERE cart_id = $1 AND expires_at > $3";

/// The instants a write at `now` gives a hold: (expires_at, cap_at).
fn hold_until(engine: &Engine, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let cap = now + engine.shop.hold_cap;
    (std::cmp::min(now + engine.shop.hold, cap), cap)
}

#[derive(Clone)]
struct HoldProduct {
    orq: OrgId,
    cart: CartId,
    product: ShopProductId,
    quantity: i64,
    add: bool,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    cap_at: DateTime<Utc>,
}

impl Write for HoldProduct {
    /// `None` when the stock left does not cover it (or the product is not on sale).
    type Output = Option<Held>;

    /// Reclaiming expired holds first is no change a refusal must undo: it only brings the
    /// counter up to date.
    async fn apply(&self, tx: &mut Tx) -> Result<Option<Held>, sqlx::Error> {
        lock::lock(tx, lock::PRODUCT, self.product.0).await?;
        held::reclaim_product(tx, self.product.0, self.now).await?;
        on_tx!(tx, conn => async {
            let taken: Option<(ShopProductId,)> = sqlx::query_as(TAKE_HELD)
                .bind(self.product).bind(self.orq).bind(self.cart.as_str()).bind(self.quantity).bind(self.add)
                .bind(MAX_QUANTITY).fetch_optional(&mut *conn).await?;
            if taken.is_none() {
                return Ok(None);
            }
            let held: Held = sqlx::query_as(WRITE_HOLD)
                .bind(self.product).bind(self.orq).bind(self.cart.as_str()).bind(self.quantity).bind(self.add)
                .bind(MAX_QUANTITY).bind(self.now).bind(self.expires_at).bind(self.cap_at)
                .fetch_one(&mut *conn).await?;
            // Adding to the cart is activity: the rest of the cart is kept too.
            sqlx::query(EXTEND).bind(self.cart.as_str()).bind(self.expires_at).bind(self.now)
                .execute(&mut *conn).await?;
            Ok(Some(held))
        }.await)
    }
}

/// Adds `quantity` of a product to the cart (on top of what it holds).
pub async fn add(
    engine: &Engine,
    orq: OrgId,
    cart: &CartId,
    product: ShopProductId,
    quantity: Quantity,
) -> Result<Held, ShopError> {
    hold(engine, orq, cart, product, quantity.get(), true).await
}

/// Sets how many of a product the cart holds; 0 removes it.
pub async fn set_quantity(
    engine: &Engine,
    orq: OrgId,
    cart: &CartId,
    product: ShopProductId,
    quantity: i64,
) -> Result<Option<Held>, ShopError> {
    if quantity == 0 {
        remove(engine, cart, product).await?;
        return Ok(None);
    }
    let quantity = Quantity::new(quantity)?;
    hold(engine, orq, cart, product, quantity.get(), false).await.map(Some)
}

async fn hold(
    engine: &Engine,
    orq: OrgId,
    cart: &CartId,
    product: ShopProductId,
    quantity: i64,
    add: bool,
) -> Result<Held, ShopError> {
    let now = engine.now();
    let (expires_at, cap_at) = hold_until(engine, now);
    let write = HoldProduct { orq, cart: cart.clone(), product, quantity, add, now, expires_at, cap_at };
    match retry::write(engine, write).await? {
        Some(held) => {
            engine.events.shop(orq);
            Ok(held)
        }
        None => Err(hold_refusal(&engine.db, orq, cart, product, quantity, add, now).await?),
    }
}

/// Why a product hold was refused, read after the write.
async fn hold_refusal(
    db: &Db,
    orq: OrgId,
    cart: &CartId,
    product: ShopProductId,
    quantity: i64,
    add: bool,
    now: DateTime<Utc>,
) -> Result<ShopError, ShopError> {
    let Some(p) = catalogue::product(db, orq, product, Some(cart), now).await? else {
        return Ok(ShopError::ProductNotFound);
    };
    let own = if add { held_quantity(db, cart, product, now).await? } else { 0 };
    if own + quantity > MAX_QUANTITY {
        return Ok(ShopError::InvalidQuantity { max: MAX_QUANTITY });
    }
    Ok(not_enough(&p))
}

fn not_enough(p: &Product) -> ShopError {
    ShopError::NotEnoughStock { product_id: p.id, name: p.name.clone(), available: p.available.max(0) }
}

async fn held_quantity(db: &Db, cart: &CartId, product: ShopProductId, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT quantity FROM shop_holds WHERE cart_id = $1 AND product_id = $2 AND expires_at > $3")
        .bind(cart.as_str()).bind(product).bind(now).fetch_optional(pool).await)?;
    Ok(row.map_or(0, |(q,)| q))
}

/// Deletes holds of one cart: one product, or everything (`product` `None`). Releasing needs
/// no condition: it only gives back.
#[derive(Clone)]
struct Release {
    cart: CartId,
    product: Option<ShopProductId>,
}

impl Write for Release {
    /// The organizations whose holds were let go (one, or none for an empty cart).
    type Output = Vec<OrgId>;

    async fn apply(&self, tx: &mut Tx) -> Result<Vec<OrgId>, sqlx::Error> {
        let product = self.product.map(|p| p.0);
        on_tx!(tx, conn => async {
            sqlx::query(
                "UPDATE shop_products SET held = held - (SELECT h.quantity FROM shop_holds h
                     WHERE h.cart_id = $1 AND h.product_id = shop_products.id AND h.counted)
                 WHERE id IN (SELECT h.product_id FROM shop_holds h
                              WHERE h.cart_id = $1 AND h.counted AND h.product_id = COALESCE($2, h.product_id))")
                .bind(self.cart.as_str()).bind(product).execute(&mut *conn).await?;
            let mut released: Vec<OrgId> = match product {
                Some(product) => sqlx::query_scalar("DELETE FROM shop_holds WHERE cart_id = $1 AND product_id = $2 RETURNING orq")
                    .bind(self.cart.as_str()).bind(product).fetch_all(&mut *conn).await?,
                None => sqlx::query_scalar("DELETE FROM shop_holds WHERE cart_id = $1 RETURNING orq")
                    .bind(self.cart.as_str()).fetch_all(&mut *conn).await?,
            };
            released.dedup();
            Ok(released)
        }.await)
    }
}

/// Takes a product out of the cart; its stock is free for others at once.
pub async fn remove(engine: &Engine, cart: &CartId, product: ShopProductId) -> Result<(), ShopError> {
    let released = retry::write(engine, Release { cart: cart.clone(), product: Some(product) }).await?;
    released.into_iter().for_each(|orq| engine.events.shop(orq));
    Ok(())
}

/// Empties the cart, its pickup window included.
pub async fn empty(engine: &Engine, cart: &CartId) -> Result<(), ShopError> {
    let released = retry::write(engine, Release { cart: cart.clone(), product: None }).await?;
    released.into_iter().for_each(|orq| engine.events.shop(orq));
    Ok(())
}

#[derive(Clone)]
struct Extend {
    cart: CartId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Write for Extend {
    type Output = u64;

    async fn apply(&self, tx: &mut Tx) -> Result<u64, sqlx::Error> {
        on_tx!(tx, conn => async {
            Ok(sqlx::query(EXTEND).bind(self.cart.as_str()).bind(self.until).bind(self.now)
                .execute(&mut *conn).await?.rows_affected())
        }.await)
    }
}

/// Activity on the cart: its live holds run for another hold time, up to their cap. An expired
/// hold stays expired (it must be placed again, against the stock left). Answers how many
/// holds were extended.
pub async fn extend(engine: &Engine, cart: &CartId) -> Result<u64, ShopError> {
    let now = engine.now();
    let (until, _) = hold_until(engine, now);
    Ok(retry::write(engine, Extend { cart: cart.clone(), now, until }).await?)
}

/// Holds a place in pickup window `$1` for cart `$2`, replacing the window it held: written
/// only when the window has not started and its capacity covers the orders booked and the live
/// holds of other carts.
const HOLD_WINDOW: &str = "
    INSERT INTO shop_holds (orq, cart_id, window_id, quantity, created_at, expires_at, cap_at)
    SELECT w.orq, $2, w.id, 1, $3, $4, $5
    FROM shop_pickup_windows w
    WHERE w.id = $1 AND w.orq = $6 AND w.starts_at > $3
      AND w.capacity - w.booked - COALESCE((SELECT SUM(o.quantity) FROM shop_holds o
              WHERE o.window_id = w.id AND o.expires_at > $3), 0)
          + COALESCE((SELECT m.quantity FROM shop_holds m
                      WHERE m.cart_id = $2 AND m.window_id = w.id AND m.expires_at > $3), 0) >= 1
    ON CONFLICT (cart_id) WHERE window_id IS NOT NULL DO UPDATE SET
        window_id = excluded.window_id,
        created_at = excluded.created_at,
        cap_at = excluded.cap_at,
        expires_at = excluded.expires_at
    RETURNING quantity, expires_at";

#[derive(Clone)]
struct HoldWindow {
    orq: OrgId,
    cart: CartId,
    window: PickupWindowId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    cap_at: DateTime<Utc>,
}

impl Write for HoldWindow {
    type Output = Option<Held>;

    async fn apply(&self, tx: &mut Tx) -> Result<Option<Held>, sqlx::Error> {
        lock::lock(tx, lock::WINDOW, self.window.0).await?;
        on_tx!(tx, conn => async {
            sqlx::query_as(HOLD_WINDOW)
                .bind(self.window).bind(self.cart.as_str()).bind(self.now).bind(self.expires_at)
                .bind(self.cap_at).bind(self.orq).fetch_optional(&mut *conn).await
        }.await)
    }
}

/// Holds a place for the cart in a pickup window (one window per cart: choosing another
/// moves the hold).
pub async fn hold_window(
    engine: &Engine,
    orq: OrgId,
    cart: &CartId,
    window: PickupWindowId,
) -> Result<Held, ShopError> {
    let now = engine.now();
    let (expires_at, cap_at) = hold_until(engine, now);
    let write = HoldWindow { orq, cart: cart.clone(), window, now, expires_at, cap_at };
    match retry::write(engine, write).await? {
        Some(held) => Ok(held),
        None => Err(super::windows::refusal(&engine.db, orq, window, now).await?),
    }
}

/// A product in a cart, with what this cart could hold of it at most now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct CartLine {
    pub product_id: ShopProductId,
    pub name: String,
    pub image_path: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub quantity: i64,
    pub expires_at: DateTime<Utc>,
    /// Stock less the live holds of other carts.
    pub available: i64,
}

impl CartLine {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct HeldWindow {
    pub window_id: PickupWindowId,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub window: Option<HeldWindow>,
    /// When the first live hold runs out (what the cart's countdown shows).
    pub expires_at: Option<DateTime<Utc>>,
}

impl Cart {
    /// The lines still held at `now`, as the live price takes them.
    pub fn live_lines(&self, now: DateTime<Utc>) -> Vec<super::price::Line> {
        self.lines
            .iter()
            .filter(|l| !l.is_expired(now))
            .map(|l| super::price::Line {
                product_id: l.product_id,
                name: l.name.clone(),
                unit_price_minor: l.unit_price_minor,
                quantity: l.quantity,
            })
            .collect()
    }
}

/// The cart as its owner sees it, expired lines included (so the page can offer them again).
pub async fn cart(db: &Db, orq: OrgId, cart: &CartId, now: DateTime<Utc>) -> Result<Cart, ShopError> {
    let (lines, window): (Vec<CartLine>, Option<HeldWindow>) = on_pool!(db, pool => async {
        let lines = sqlx::query_as(concat!(
            "SELECT p.id AS product_id, p.name, p.image_path, p.price_minor AS unit_price_minor, p.currency,
                    h.quantity, h.expires_at, ", crate::shop_available!("p", "$3", "$1"), " AS available
             FROM shop_holds h JOIN shop_products p ON p.id = h.product_id
             WHERE h.cart_id = $1 AND h.orq = $2 ORDER BY p.position, p.name"))
            .bind(cart.as_str()).bind(orq).bind(now).fetch_all(pool).await?;
        let window = sqlx::query_as(
            "SELECT w.id AS window_id, w.date, w.start_time, w.end_time, h.expires_at
             FROM shop_holds h JOIN shop_pickup_windows w ON w.id = h.window_id
             WHERE h.cart_id = $1 AND h.orq = $2 AND h.expires_at > $3")
            .bind(cart.as_str()).bind(orq).bind(now).fetch_optional(pool).await?;
        Ok::<_, sqlx::Error>((lines, window))
    }.await)?;
    let expires_at =
        lines.iter().map(|l| l.expires_at).chain(window.iter().map(|w| w.expires_at)).filter(|t| *t > now).min();
    Ok(Cart { lines, window, expires_at })
}

#[derive(Clone)]
struct Cleanup {
    now: DateTime<Utc>,
    grace: Duration,
}

impl Write for Cleanup {
    type Output = u64;

    async fn apply(&self, tx: &mut Tx) -> Result<u64, sqlx::Error> {
        // Reclaimed first: a hold still counted must leave `held` before its row goes.
        held::reclaim_all(tx, self.now).await?;
        on_tx!(tx, conn => sqlx::query("DELETE FROM shop_holds WHERE expires_at <= $1 AND NOT counted")
            .bind(self.now - self.grace).execute(&mut *conn).await.map(|r| r.rows_affected()))
    }
}

/// Reclaims every expired hold and deletes those that expired more than `grace` ago (for the
/// minute job). Correctness never depends on it: reads and writes already see expiry. The
/// grace keeps an expired line visible in its cart for a while, so the page can say what ran
/// out.
pub async fn cleanup_expired(engine: &Engine, grace: Duration) -> Result<u64, ShopError> {
    let now = engine.now();
    Ok(retry::write(engine, Cleanup { now, grace }).await?)
}

/// A live hold, for the admins' view of what carts are holding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ActiveHold {
    /// The cart's id shortened: enough to tell carts apart, not enough to act as one.
    pub cart: String,
    pub product_id: Option<ShopProductId>,
    pub window_id: Option<PickupWindowId>,
    /// The product's name, or the window's date and start.
    pub what: String,
    pub quantity: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct HoldRow {
    cart_id: String,
    product_id: Option<ShopProductId>,
    window_id: Option<PickupWindowId>,
    name: Option<String>,
    date: Option<NaiveDate>,
    start_time: Option<NaiveTime>,
    quantity: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// The organization's live holds, soonest to expire first.
pub async fn active_holds(db: &Db, orq: OrgId, now: DateTime<Utc>) -> Result<Vec<ActiveHold>, sqlx::Error> {
    let rows: Vec<HoldRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT h.cart_id, h.product_id, h.window_id, p.name, w.date, w.start_time, h.quantity, h.created_at, h.expires_at
         FROM shop_holds h
         LEFT JOIN shop_products p ON p.id = h.product_id
         LEFT JOIN shop_pickup_windows w ON w.id = h.window_id
         WHERE h.orq = $1 AND h.expires_at > $2
         ORDER BY h.expires_at, h.id")
        .bind(orq).bind(now).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(
            |HoldRow {
                 cart_id: cart,
                 product_id,
                 window_id,
                 name,
                 date,
                 start_time: start,
                 quantity,
                 created_at,
                 expires_at,
             }| ActiveHold {
                cart: cart.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect(),
                product_id,
                window_id,
                what: match (name, date, start) {
                    (Some(name), ..) => name,
                    (None, Some(date), Some(start)) => format!("Pickup {date} {}", start.format("%H:%M")),
                    _ => String::new(),
                },
                quantity,
                created_at,
                expires_at,
            },
        )
        .collect())
}
