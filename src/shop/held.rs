//! The `held` counter of a product: the units of its `counted` holds. A hold decides against
//! this one row (`stock - held`), so placing it costs the same with ten carts or ten thousand.
//!
//! Expiry stays exact with no sweeper: an expired hold is still counted until the next write
//! on its product reclaims it (takes its units off `held` and marks it not counted), and every
//! read adds the expired-but-counted units back: available = stock − held + expired counted.
use crate::on_tx;
use crate::store::Tx;
use chrono::{DateTime, Utc};

/// Units available at `$now` to cart `$cart` of product `$p` (an SQL expression over a row of
/// `shop_products` named by `$p`), its own live hold included. `$cart` `''` is nobody's.
#[macro_export]
#[doc(hidden)]
macro_rules! shop_available {
    ($p:literal, $now:literal, $cart:literal) => {
        concat!(
            "CAST(",
            $p,
            ".stock - ",
            $p,
            ".held
              + COALESCE((SELECT SUM(x.quantity) FROM shop_holds x
                          WHERE x.product_id = ",
            $p,
            ".id AND x.counted AND x.expires_at <= ",
            $now,
            "), 0)
              + COALESCE((SELECT m.quantity FROM shop_holds m
                          WHERE m.cart_id = ",
            $cart,
            " AND m.product_id = ",
            $p,
            ".id AND m.counted
                            AND m.expires_at > ",
            $now,
            "), 0) AS BIGINT)"
        )
    };
}

/// Reclaims the expired counted holds of the products `$1` names (an SQL condition on a
/// product id `pid`) at instant `$2`: their units leave `held`, and they are no longer counted.
macro_rules! reclaim {
    ($products:literal) => {
        [
            concat!(
                "UPDATE shop_products SET held = held - (SELECT SUM(x.quantity) FROM shop_holds x
                     WHERE x.product_id = shop_products.id AND x.counted AND x.expires_at <= $2)
                 WHERE id IN (SELECT x.product_id FROM shop_holds x
                              WHERE x.counted AND x.expires_at <= $2 AND x.product_id IN (",
                $products,
                "))"
            ),
            concat!(
                "UPDATE shop_holds SET counted = FALSE
                 WHERE counted AND expires_at <= $2 AND product_id IN (",
                $products,
                ")"
            ),
        ]
    };
}

/// Every product: `$1` is a dummy (0) so the statements keep their numbering.
const EVERY_PRODUCT: [&str; 2] = reclaim!("SELECT p.id FROM shop_products p WHERE p.id > $1");

/// One product's reclaim, written so each statement is a key lookup and an index range: this
/// runs before every hold and checkout.
const ONE_PRODUCT: [&str; 2] = [
    "UPDATE shop_products SET held = held - (SELECT SUM(x.quantity) FROM shop_holds x
         WHERE x.product_id = $1 AND x.counted AND x.expires_at <= $2)
     WHERE id = $1 AND EXISTS (SELECT 1 FROM shop_holds x WHERE x.product_id = $1 AND x.counted AND x.expires_at <= $2)",
    "UPDATE shop_holds SET counted = FALSE WHERE product_id = $1 AND counted AND expires_at <= $2",
];

/// Reclaims the expired holds of one product.
pub(super) async fn reclaim_product(tx: &mut Tx, product: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for sql in ONE_PRODUCT {
        on_tx!(tx, conn => sqlx::query(sql).bind(product).bind(now).execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(())
}

/// Reclaims every expired hold (the minute job's tidy-up, before it deletes old ones).
pub(super) async fn reclaim_all(tx: &mut Tx, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for sql in EVERY_PRODUCT {
        on_tx!(tx, conn => sqlx::query(sql).bind(0i64).bind(now).execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(())
}
