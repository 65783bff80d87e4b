//! Checkout: one transaction turns a cart's holds into an order with its items, takes the units
//! off the stock, books a place in the pickup window and redeems the discount code, or does
//! none of it.
//!
//! It is a write for the batcher like a hold, so it shares a transaction with other writes. A
//! refusal must leave that transaction as it found it: each step is one conditional statement,
//! and a step that refuses undoes the steps before it (a savepoint per checkout would be simpler,
//! but hundreds of subtransactions in one PostgreSQL transaction, all updating the same window
//! row, made checkouts 30 times slower).
use super::code::ReservationCode;
use super::discount::{DiscountCode, DiscountRefusal, DiscountRule};
use super::error::{ShopError, Shortage};
use super::input::{CartId, CustomerName, Instructions};
use super::money::Currency;
use super::price::{price, Line, Price};
use super::{held, lock, retry};
use crate::contact::{Email, PhoneE164};
use crate::ids::{OrgId, PickupWindowId, ShopOrderId};
use crate::notify::{self, kind::Kind};
use crate::on_tx;
use crate::store::batch::Write;
use crate::store::Tx;
use crate::Engine;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// What the checkout form sends, parsed.
#[derive(Debug, Clone)]
pub struct CheckoutForm {
    pub cart: CartId,
    pub window: PickupWindowId,
    pub name: CustomerName,
    pub phone: PhoneE164,
    pub email: Option<Email>,
    pub instructions: Instructions,
    pub discount: Option<DiscountCode>,
}

/// A placed order, as the confirmation page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub order_id: ShopOrderId,
    pub code: ReservationCode,
    pub price: Price,
    pub window_id: PickupWindowId,
    pub pickup_date: NaiveDate,
    pub pickup_start: NaiveTime,
    pub pickup_end: NaiveTime,
}

/// Why a checkout wrote nothing.
#[derive(Debug)]
enum Refusal {
    Shop(ShopError),
    /// The new reservation code is taken in this organization: try another.
    CodeTaken,
}

/// The steps a checkout has taken, to undo when a later one refuses.
struct Undo {
    rule: Option<crate::ids::DiscountCodeId>,
    window: Option<PickupWindowId>,
    stock: bool,
}

#[derive(Clone)]
struct Checkout {
    orq: OrgId,
    form: CheckoutForm,
    code: ReservationCode,
    now: DateTime<Utc>,
}

/// Tries a few codes: with 31⁷ of them a second collision is practically impossible.
const CODE_ATTEMPTS: usize = 4;

/// Places the order for the cart's holds.
pub async fn checkout(engine: &Engine, orq: OrgId, form: CheckoutForm) -> Result<Placed, ShopError> {
    for _ in 0..CODE_ATTEMPTS {
        let code = ReservationCode::generate(&mut rand::rng());
        let write = Checkout { orq, form: form.clone(), code, now: engine.now() };
        match retry::write(engine, write).await? {
            Ok(placed) => {
                engine.events.shop(orq);
                engine.events.outbox_written();
                return Ok(placed);
            }
            Err(Refusal::Shop(e)) => return Err(e),
            Err(Refusal::CodeTaken) => continue,
        }
    }
    Err(ShopError::Storage(sqlx::Error::Protocol("no free reservation code after several attempts".into())))
}

impl Write for Checkout {
    type Output = Result<Placed, Refusal>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        self.place(tx).await
    }
}

/// Takes the cart's quantities off the stock (and its counted holds off `held`) of every
/// product it holds, when the stock not held by others covers every one of them (all or
/// nothing); run after reclaiming.
/// The cart's own hold counts even if it expired: what matters is that nobody else took the
/// units meanwhile.
const TAKE_STOCK: &str = "
    UPDATE shop_products SET
        stock = stock - (SELECT h.quantity FROM shop_holds h WHERE h.cart_id = $1 AND h.product_id = shop_products.id),
        held = held - COALESCE((SELECT h.quantity FROM shop_holds h
                                WHERE h.cart_id = $1 AND h.product_id = shop_products.id AND h.counted), 0),
        updated_at = $2
    WHERE id IN (SELECT product_id FROM shop_holds WHERE cart_id = $1 AND product_id IS NOT NULL)
      AND orq = $3
      AND stock - held
          + COALESCE((SELECT h.quantity FROM shop_holds h
                      WHERE h.cart_id = $1 AND h.product_id = shop_products.id AND h.counted), 0)
          >= (SELECT h.quantity FROM shop_holds h WHERE h.cart_id = $1 AND h.product_id = shop_products.id)
      AND NOT EXISTS (SELECT 1 FROM shop_holds h JOIN shop_products p ON p.id = h.product_id
                      WHERE h.cart_id = $1
                        AND p.stock - p.held + CASE WHEN h.counted THEN h.quantity ELSE 0 END < h.quantity)";

/// Gives back what `TAKE_STOCK` took, when a later step refuses.
const UNTAKE_STOCK: &str = "
    UPDATE shop_products SET
        stock = stock + (SELECT h.quantity FROM shop_holds h WHERE h.cart_id = $1 AND h.product_id = shop_products.id),
        held = held + COALESCE((SELECT h.quantity FROM shop_holds h
                                WHERE h.cart_id = $1 AND h.product_id = shop_products.id AND h.counted), 0)
    WHERE id IN (SELECT product_id FROM shop_holds WHERE cart_id = $1 AND product_id IS NOT NULL)";

/// Books a place in window `$4` for cart `$1` when it has not started and its capacity covers
/// the orders booked and the live holds of other carts.
const BOOK_WINDOW: &str = "
    UPDATE shop_pickup_windows SET booked = booked + 1
    WHERE id = $4 AND orq = $3 AND starts_at > $2
      AND booked + 1 + COALESCE((SELECT SUM(o.quantity) FROM shop_holds o
              WHERE o.window_id = shop_pickup_windows.id AND o.expires_at > $2), 0)
          - COALESCE((SELECT m.quantity FROM shop_holds m
                      WHERE m.cart_id = $1 AND m.window_id = shop_pickup_windows.id AND m.expires_at > $2), 0) <= capacity
    RETURNING date, start_time, end_time";

/// Counts one use of code `$1` when it is still valid at `$2`, under its usage limits (the
/// customer's, by phone `$3`), for a subtotal `$4` at least its minimum.
const REDEEM: &str = "
    UPDATE shop_discount_codes SET used_count = used_count + 1
    WHERE id = $1 AND active AND valid_from <= $2 AND (valid_until IS NULL OR valid_until > $2)
      AND (usage_limit IS NULL OR used_count < usage_limit)
      AND min_order_minor <= $4
      AND (per_customer_limit IS NULL OR per_customer_limit >
           (SELECT COUNT(*) FROM shop_discount_redemptions r
            WHERE r.code_id = shop_discount_codes.id AND r.customer_phone = $3))";

impl Checkout {
    /// The checkout's statements in order: redeem the code, book the window place, take the
    /// stock, write the order. Each refusal undoes the steps taken before it.
    async fn place(&self, tx: &mut Tx) -> Result<Result<Placed, Refusal>, sqlx::Error> {
        let Checkout { orq, form, code, now } = self;
        let cart = form.cart.as_str();
        lock::cart_products(tx, cart).await?;
        lock::lock(tx, lock::WINDOW, form.window.0).await?;
        let lines: Vec<(Line, String)> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT p.id, p.name, p.price_minor, h.quantity, p.currency
             FROM shop_holds h JOIN shop_products p ON p.id = h.product_id
             WHERE h.cart_id = $1 AND p.orq = $2 ORDER BY p.position, p.name")
            .bind(cart).bind(orq).fetch_all(&mut *conn).await)?
        .into_iter()
        .map(|(product_id, name, unit_price_minor, quantity, currency)| {
            (Line { product_id, name, unit_price_minor, quantity }, currency)
        })
        .collect();
        let Some(currency) = lines.first().and_then(|(_, c)| Currency::parse(c).ok()) else {
            return Ok(Err(Refusal::Shop(ShopError::CartEmpty)));
        };
        let lines: Vec<Line> = lines.into_iter().map(|(line, _)| line).collect();
        for line in &lines {
            held::reclaim_product(tx, line.product_id.0, *now).await?;
        }

        let undiscounted = price(&lines, currency, None);
        let rule = match &form.discount {
            None => None,
            Some(typed) => match self.redeem(tx, typed, undiscounted.subtotal).await? {
                Ok(rule) => Some(rule),
                Err(refusal) => return Ok(Err(Refusal::Shop(ShopError::Discount(refusal)))),
            },
        };
        let mut undo = Undo { rule: rule.as_ref().map(|r| r.id), window: None, stock: false };
        let window: Option<(NaiveDate, NaiveTime, NaiveTime)> = on_tx!(tx, conn => sqlx::query_as(BOOK_WINDOW)
            .bind(cart).bind(now).bind(orq).bind(form.window).fetch_optional(&mut *conn).await)?;
        let Some((pickup_date, pickup_start, pickup_end)) = window else {
            self.undo(tx, &undo).await?;
            return Ok(Err(Refusal::Shop(self.window_refusal(tx).await?)));
        };
        undo.window = Some(form.window);
        let taken = on_tx!(tx, conn => sqlx::query(TAKE_STOCK).bind(cart).bind(now).bind(orq)
            .execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        if taken == 0 {
            self.undo(tx, &undo).await?;
            return Ok(Err(Refusal::Shop(ShopError::ItemsGone(self.shortages(tx).await?))));
        }
        if taken != lines.len() as u64 {
            // TAKE_STOCK is all or nothing; anything else fails the batch, which is then
            // applied one write at a time.
            return Err(sqlx::Error::Protocol(format!("checkout took {taken} of {} lines", lines.len())));
        }
        undo.stock = true;
        let price = price(&lines, currency, rule.as_ref().map(DiscountRule::discount).as_ref());

        let order: Option<(ShopOrderId,)> = on_tx!(tx, conn => sqlx::query_as(
            "INSERT INTO shop_orders (orq, code, status, payment_status, customer_name, customer_phone, customer_email,
                                      window_id, instructions, currency, subtotal_minor, discount_minor, total_minor,
                                      discount_code_id, created_at, updated_at, cart_id)
             VALUES ($1, $2, 'PENDING', 'PAY_AT_PICKUP', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
             ON CONFLICT (orq, code) DO NOTHING RETURNING id")
            .bind(orq).bind(code.as_str()).bind(form.name.as_str()).bind(form.phone.as_str())
            .bind(form.email.as_ref().map(Email::as_str)).bind(form.window).bind(form.instructions.as_str())
            .bind(currency.as_str()).bind(price.subtotal.minor).bind(price.discount.minor).bind(price.total.minor)
            .bind(rule.as_ref().map(|r| r.id)).bind(now).bind(form.cart.as_str()).fetch_optional(&mut *conn).await)?;
        let Some((order_id,)) = order else {
            self.undo(tx, &undo).await?;
            return Ok(Err(Refusal::CodeTaken));
        };

        on_tx!(tx, conn => async {
            sqlx::query(
                "INSERT INTO shop_order_items (order_id, orq, item_kind, product_id, name, quantity, unit_price_minor, line_total_minor)
                 SELECT $1, p.orq, 'PRODUCT', p.id, p.name, h.quantity, p.price_minor, p.price_minor * h.quantity
                 FROM shop_holds h JOIN shop_products p ON p.id = h.product_id
                 WHERE h.cart_id = $2 AND p.orq = $3")
                .bind(order_id).bind(cart).bind(orq).execute(&mut *conn).await?;
            if let Some(rule) = &rule {
                sqlx::query(
                    "INSERT INTO shop_discount_redemptions (orq, code_id, order_id, customer_phone, created_at)
                     VALUES ($1, $2, $3, $4, $5)")
                    .bind(orq).bind(rule.id).bind(order_id).bind(form.phone.as_str()).bind(now)
                    .execute(&mut *conn).await?;
            }
            sqlx::query("DELETE FROM shop_holds WHERE cart_id = $1").bind(cart).execute(&mut *conn).await?;
            let placed = Kind::OrderPlaced;
            sqlx::query(notify::queue::FOR_ORDER)
                .bind(order_id).bind(notify::queue::order_key(placed, order_id.0)).bind(placed).bind(None::<String>)
                .bind(now).bind(placed.texts()).execute(&mut *conn).await?;
            Ok::<_, sqlx::Error>(())
        }.await)?;
        Ok(Ok(Placed {
            order_id,
            code: code.clone(),
            price,
            window_id: form.window,
            pickup_date,
            pickup_start,
            pickup_end,
        }))
    }

    async fn undo(&self, tx: &mut Tx, undo: &Undo) -> Result<(), sqlx::Error> {
        let cart = self.form.cart.as_str();
        on_tx!(tx, conn => async {
            if undo.stock {
                sqlx::query(UNTAKE_STOCK).bind(cart).execute(&mut *conn).await?;
            }
            if let Some(window) = undo.window {
                sqlx::query("UPDATE shop_pickup_windows SET booked = booked - 1 WHERE id = $1")
                    .bind(window).execute(&mut *conn).await?;
            }
            if let Some(code) = undo.rule {
                sqlx::query("UPDATE shop_discount_codes SET used_count = used_count - 1 WHERE id = $1")
                    .bind(code).execute(&mut *conn).await?;
            }
            Ok::<_, sqlx::Error>(())
        }.await)
    }

    /// Redeems the typed code for an order of `subtotal`: the rule when it applied, or why not.
    async fn redeem(
        &self,
        tx: &mut Tx,
        typed: &DiscountCode,
        subtotal: super::money::Money,
    ) -> Result<Result<DiscountRule, DiscountRefusal>, sqlx::Error> {
        let orq = self.orq;
        let id: Option<(crate::ids::DiscountCodeId,)> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT id FROM shop_discount_codes WHERE orq = $1 AND code = $2")
            .bind(orq).bind(typed.as_str()).fetch_optional(&mut *conn).await)?;
        let Some((id,)) = id else { return Ok(Err(DiscountRefusal::Unknown)) };
        lock::lock(tx, lock::DISCOUNT, id.0).await?;
        let phone = self.form.phone.as_str();
        let (rule, customer_uses): (DiscountRule, i64) = on_tx!(tx, conn => async {
            let rule: DiscountRule = sqlx::query_as(
                "SELECT id, code, kind, amount, currency, min_order_minor, valid_from, valid_until, usage_limit,
                        per_customer_limit, used_count, active
                 FROM shop_discount_codes WHERE id = $1")
                .bind(id).fetch_one(&mut *conn).await?;
            let (uses,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM shop_discount_redemptions WHERE code_id = $1 AND customer_phone = $2")
                .bind(id).bind(phone).fetch_one(&mut *conn).await?;
            Ok::<_, sqlx::Error>((rule, uses))
        }.await)?;
        // The pure rule says why; the conditional statement is what enforces it.
        if let Some(refusal) = rule.refusal(self.now, subtotal, customer_uses) {
            return Ok(Err(refusal));
        }
        let redeemed = on_tx!(tx, conn => sqlx::query(REDEEM).bind(id).bind(self.now).bind(phone).bind(subtotal.minor)
            .execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        Ok(if redeemed == 1 { Ok(rule) } else { Err(DiscountRefusal::UsedUp) })
    }

    async fn window_refusal(&self, tx: &mut Tx) -> Result<ShopError, sqlx::Error> {
        let window_id = self.form.window;
        let row: Option<(DateTime<Utc>,)> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT starts_at FROM shop_pickup_windows WHERE id = $1 AND orq = $2")
            .bind(window_id).bind(self.orq).fetch_optional(&mut *conn).await)?;
        Ok(match row {
            None => ShopError::WindowNotFound,
            Some((starts_at,)) if starts_at <= self.now => ShopError::WindowPast { window_id },
            Some(_) => ShopError::WindowFull { window_id },
        })
    }

    /// The cart's products it wants more of than others left it, with what is left.
    async fn shortages(&self, tx: &mut Tx) -> Result<Vec<Shortage>, sqlx::Error> {
        on_tx!(tx, conn => sqlx::query_as(concat!(
            "SELECT product_id, name, wanted, CASE WHEN available < 0 THEN 0 ELSE available END AS available FROM
               (SELECT p.id AS product_id, p.name, h.quantity AS wanted, p.position, ",
                       crate::shop_available!("p", "$2", "$1"), " AS available
                FROM shop_holds h JOIN shop_products p ON p.id = h.product_id
                WHERE h.cart_id = $1 AND p.orq = $3) c
             WHERE wanted > available ORDER BY position, name"))
            .bind(self.form.cart.as_str()).bind(self.now).bind(self.orq).fetch_all(&mut *conn).await)
    }
}
