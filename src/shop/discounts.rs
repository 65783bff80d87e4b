//! Discount codes as an admin (or the demo) writes them.
use super::discount::{DiscountCode, DiscountKind};
use super::money::Currency;
use crate::ids::{DiscountCodeId, OrgId};
use crate::on_pool;
use crate::store::Db;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDiscountCode {
    pub code: DiscountCode,
    pub kind: DiscountKind,
    pub amount: i64,
    pub currency: Currency,
    pub min_order_minor: i64,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
}

/// Creates the code; `None` when the organization has one by that name already.
pub async fn create(
    db: &Db,
    orq: OrgId,
    c: &NewDiscountCode,
    now: DateTime<Utc>,
) -> Result<Option<DiscountCodeId>, sqlx::Error> {
    let row: Option<(DiscountCodeId,)> = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO shop_discount_codes (orq, code, kind, amount, currency, min_order_minor, valid_from, valid_until,
                                          usage_limit, per_customer_limit, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (orq, code) DO NOTHING RETURNING id")
        .bind(orq).bind(c.code.as_str()).bind(c.kind).bind(c.amount).bind(c.currency.as_str())
        .bind(c.min_order_minor).bind(c.valid_from).bind(c.valid_until).bind(c.usage_limit)
        .bind(c.per_customer_limit).bind(now).fetch_optional(pool).await)?;
    Ok(row.map(|(id,)| id))
}

/// How many times the code has been redeemed.
pub async fn used_count(db: &Db, id: DiscountCodeId) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT used_count FROM shop_discount_codes WHERE id = $1")
        .bind(id).fetch_one(pool).await)
    .map(|(n,): (i64,)| n)
}
