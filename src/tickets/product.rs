//! What a ticket is for ("General admission"): the choice an admin makes when issuing or importing.
#[cfg(feature = "ssr")]
use crate::ids::OrgId;
use crate::ids::ProductId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Product {
    pub id: ProductId,
    pub name: String,
}

/// The organization's products, by name.
#[cfg(feature = "ssr")]
pub async fn products(db: &crate::store::Db, orq: OrgId) -> Result<Vec<Product>, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query_as("SELECT id, name FROM products WHERE orq = $1 ORDER BY name, id")
        .bind(orq).fetch_all(pool).await)
}

/// One of the organization's products; `None` for another organization's.
#[cfg(feature = "ssr")]
pub async fn product(db: &crate::store::Db, orq: OrgId, id: ProductId) -> Result<Option<Product>, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query_as("SELECT id, name FROM products WHERE id = $1 AND orq = $2")
        .bind(id).bind(orq).fetch_optional(pool).await)
}
