//! Organizations (the PRD's `orq`) and their venues.
use crate::db::Db;
use crate::on_pool;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Organization {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Venue {
    pub id: i64,
    pub orq: i64,
    pub name: String,
    pub time_zone: String,
    pub address: String,
}

impl Venue {
    /// Venues are written with a zone checked by [`crate::demo`] or the admin; an unknown one read
    /// back (a hand-edited row) falls back to UTC rather than refusing to answer.
    pub fn tz(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }
}

pub async fn organization_by_slug(db: &Db, slug: &str) -> Result<Option<Organization>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, slug, name FROM organizations WHERE slug = $1")
        .bind(slug).fetch_optional(pool).await)
}

/// The organization a single-tenant install shows on its public pages: the first one created.
pub async fn default_organization(db: &Db) -> Result<Option<Organization>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, slug, name FROM organizations ORDER BY id LIMIT 1")
        .fetch_optional(pool).await)
}

/// The organization's main venue (the first one); slots and "today" are in its time zone.
pub async fn main_venue(db: &Db, orq: i64) -> Result<Option<Venue>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, orq, name, time_zone, address FROM venues WHERE orq = $1 ORDER BY id LIMIT 1")
        .bind(orq).fetch_optional(pool).await)
}
