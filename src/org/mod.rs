//! Organizations (the PRD's `orq`) and their venues, and what day it is at a venue.
use crate::ids::{OrgId, VenueId};
use crate::on_pool;
use crate::store::Db;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Organization {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Venue {
    pub id: VenueId,
    pub orq: OrgId,
    pub name: String,
    pub time_zone: String,
    pub address: String,
}

impl Venue {
    pub fn tz(&self) -> Tz {
        zone(&self.time_zone)
    }

    /// The venue's date at `now`: its own "today", whatever the server's time zone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        today_in(&self.time_zone, now)
    }
}

/// A venue's time zone by its IANA name. Venues are written with a zone checked by
/// [`crate::demo`] or the admin; an unknown one read back (a hand-edited row) is logged and
/// falls back to UTC rather than refusing to answer at the door.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::error!(time_zone = name, "a venue has an unknown time zone; using UTC");
        Tz::UTC
    })
}

/// The date at `now` in the zone named `time_zone`: the one way Gatehouse says "today".
pub fn today_in(time_zone: &str, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone(time_zone)).date_naive()
}

pub async fn organization_by_slug(db: &Db, slug: &str) -> Result<Option<Organization>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, slug, name FROM organizations WHERE slug = $1")
        .bind(slug).fetch_optional(pool).await)
}

pub async fn organization(db: &Db, id: OrgId) -> Result<Option<Organization>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, slug, name FROM organizations WHERE id = $1")
        .bind(id).fetch_optional(pool).await)
}

/// The organization a single-tenant install shows on its public pages: the first one created.
pub async fn default_organization(db: &Db) -> Result<Option<Organization>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as("SELECT id, slug, name FROM organizations ORDER BY id LIMIT 1")
        .fetch_optional(pool).await)
}

/// The organization's main venue (the first one); slots and "today" are in its time zone.
pub async fn main_venue(db: &Db, orq: OrgId) -> Result<Option<Venue>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, orq, name, time_zone, address FROM venues WHERE orq = $1 ORDER BY id LIMIT 1")
        .bind(orq).fetch_optional(pool).await)
}
