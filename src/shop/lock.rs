//! Row locks that order concurrent deciders on PostgreSQL.
//!
//! A shop decision sums rows of another table (the live holds of other carts), and under READ
//! COMMITTED a statement sees only what was committed when it began: two instances could each
//! miss the other's new hold. Locking the product (or window, or code) row first queues them,
//! and the deciding statement that follows takes a fresh snapshot, which includes the holds of
//! whoever held the lock before. SQLite needs nothing: a write transaction there is alone
//! (`BEGIN IMMEDIATE`).
use crate::store::Tx;

pub(super) async fn lock(tx: &mut Tx, sql: &'static str, id: i64) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        sqlx::query(sql).bind(id).execute(&mut **t).await?;
    }
    Ok(())
}

pub(super) const PRODUCT: &str = "SELECT id FROM shop_products WHERE id = $1 FOR UPDATE";
pub(super) const WINDOW: &str = "SELECT id FROM shop_pickup_windows WHERE id = $1 FOR UPDATE";
pub(super) const DISCOUNT: &str = "SELECT id FROM shop_discount_codes WHERE id = $1 FOR UPDATE";

/// Locks, in id order (so two checkouts cannot deadlock on each other), the products cart `$1`
/// holds.
pub(super) async fn cart_products(tx: &mut Tx, cart: &str) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        sqlx::query(
            "SELECT id FROM shop_products WHERE id IN
                 (SELECT product_id FROM shop_holds WHERE cart_id = $1 AND product_id IS NOT NULL)
             ORDER BY id FOR UPDATE",
        )
        .bind(cart)
        .execute(&mut **t)
        .await?;
    }
    Ok(())
}
