//! The catalogue: products with what a cart can still have of each, and the low-stock list.
use super::input::CartId;
use crate::ids::{OrgId, ShopProductId};
use crate::on_pool;
use crate::store::Db;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::availability::{availability, Availability};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Product {
    pub id: ShopProductId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub image_path: String,
    pub price_minor: i64,
    pub currency: String,
    /// Units not yet sold.
    pub stock: i64,
    pub low_stock_threshold: i64,
    pub active: bool,
    /// Stock less the live holds of other carts: what the asking cart could hold in all.
    pub available: i64,
}

impl Product {
    pub fn availability(&self) -> Availability {
        availability(self.available, self.low_stock_threshold)
    }
}

/// The columns of [`Product`], availability for the cart `$3` at instant `$2` included (an
/// empty `$3` counts every live hold), over `shop_products p`.
macro_rules! product_query {
    ($where:literal) => {
        concat!(
            "SELECT p.id, p.slug, p.name, p.description, p.image_path, p.price_minor, p.currency, p.stock,
                    p.low_stock_threshold, p.active, ",
            $crate::shop_available!("p", "$2", "$3"),
            " AS available
             FROM shop_products p
             WHERE p.orq = $1 AND ",
            $where
        )
    };
}

/// The products on sale, in the shop's order, with what `cart` (or anyone, for `None`) could hold.
pub async fn products(
    db: &Db,
    orq: OrgId,
    cart: Option<&CartId>,
    now: DateTime<Utc>,
) -> Result<Vec<Product>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(product_query!("p.active ORDER BY p.position, p.name"))
        .bind(orq).bind(now).bind(cart.map_or("", CartId::as_str)).fetch_all(pool).await)
}

/// One product on sale.
pub async fn product(
    db: &Db,
    orq: OrgId,
    id: ShopProductId,
    cart: Option<&CartId>,
    now: DateTime<Utc>,
) -> Result<Option<Product>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(product_query!("p.active AND p.id = $4"))
        .bind(orq).bind(now).bind(cart.map_or("", CartId::as_str)).bind(id).fetch_optional(pool).await)
}

/// Active products whose unsold stock is at or under their threshold, fewest first: the admin
/// dashboard's alert.
pub async fn low_stock(db: &Db, orq: OrgId, now: DateTime<Utc>) -> Result<Vec<Product>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(product_query!(
        "p.active AND p.stock <= p.low_stock_threshold ORDER BY p.stock, p.name"))
        .bind(orq).bind(now).bind("").fetch_all(pool).await)
}

/// The shop's name as its pages show it (empty when none was given).
pub async fn shop_name(db: &Db, orq: OrgId) -> Result<String, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT shop_name FROM organizations WHERE id = $1")
        .bind(orq).fetch_optional(pool).await)
    .map(Option::unwrap_or_default)
}

pub async fn set_shop_name(db: &Db, orq: OrgId, name: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE organizations SET shop_name = $1 WHERE id = $2")
        .bind(name).bind(orq).execute(pool).await.map(drop))
}

/// A product as an admin or the demo writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewProduct {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub image_path: String,
    pub price_minor: i64,
    pub currency: super::money::Currency,
    pub stock: i64,
    pub low_stock_threshold: i64,
}

/// Adds a product at the end of the shop's list; an existing slug is left as it is.
pub async fn create_product(
    db: &Db,
    orq: OrgId,
    p: &NewProduct,
    now: DateTime<Utc>,
) -> Result<Option<ShopProductId>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO shop_products (orq, slug, name, description, image_path, price_minor, currency, stock,
                                    low_stock_threshold, position, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM shop_products WHERE orq = $1), $10, $10)
         ON CONFLICT (orq, slug) DO NOTHING RETURNING id")
        .bind(orq).bind(&p.slug).bind(&p.name).bind(&p.description).bind(&p.image_path).bind(p.price_minor)
        .bind(p.currency.as_str()).bind(p.stock).bind(p.low_stock_threshold).bind(now)
        .fetch_optional(pool).await)
    .map(|row: Option<(ShopProductId,)>| row.map(|(id,)| id))
}

/// Sets a product's unsold stock (a delivery, a count), never below zero.
pub async fn set_stock(
    db: &Db,
    orq: OrgId,
    id: ShopProductId,
    stock: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => sqlx::query(
        "UPDATE shop_products SET stock = $3, updated_at = $4 WHERE id = $1 AND orq = $2")
        .bind(id).bind(orq).bind(stock.max(0)).bind(now).execute(pool).await.map(|r| r.rows_affected() == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_warns_from_the_threshold_down() {
        assert_eq!(availability(10, 3), Availability::Available);
        assert_eq!(availability(3, 3), Availability::OnlyLeft(3));
        assert_eq!(availability(0, 3), Availability::SoldOut);
        assert_eq!(availability(-1, 3), Availability::SoldOut);
    }
}
