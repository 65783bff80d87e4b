//! Discount codes as an admin (or the demo) writes them.
use super::discount::{Discount, DiscountCode, DiscountKind, DiscountRefusal, DiscountRule};
use super::money::{Currency, Money};
use crate::contact::PhoneE164;
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

/// The code typed, with its limits, when the organization has it.
pub async fn rule(db: &Db, orq: OrgId, code: &DiscountCode) -> Result<Option<DiscountRule>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, code, kind, amount, currency, min_order_minor, valid_from, valid_until, usage_limit,
                per_customer_limit, used_count, active
         FROM shop_discount_codes WHERE orq = $1 AND code = $2")
        .bind(orq).bind(code.as_str()).fetch_optional(pool).await)
}

/// What the typed code would take off `subtotal` now, for the live price before checkout (the
/// checkout decides again, inside its transaction). Without a phone yet, the per-customer
/// limit is not checked.
pub async fn preview(
    db: &Db,
    orq: OrgId,
    code: &DiscountCode,
    subtotal: Money,
    phone: Option<&PhoneE164>,
    now: DateTime<Utc>,
) -> Result<Result<Discount, DiscountRefusal>, sqlx::Error> {
    let Some(rule) = rule(db, orq, code).await? else { return Ok(Err(DiscountRefusal::Unknown)) };
    let uses = match phone {
        None => 0,
        Some(phone) => on_pool!(db, pool => sqlx::query_as(
            "SELECT COUNT(*) FROM shop_discount_redemptions WHERE code_id = $1 AND customer_phone = $2")
            .bind(rule.id).bind(phone.as_str()).fetch_one(pool).await)
        .map(|(n,): (i64,)| n)?,
    };
    Ok(match rule.refusal(now, subtotal, uses) {
        Some(refusal) => Err(refusal),
        None => Ok(rule.discount()),
    })
}

/// How many times the code has been redeemed.
pub async fn used_count(db: &Db, id: DiscountCodeId) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT used_count FROM shop_discount_codes WHERE id = $1")
        .bind(id).fetch_one(pool).await)
    .map(|(n,): (i64,)| n)
}
