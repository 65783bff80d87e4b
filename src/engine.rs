//! The handle every caller (REST API, server functions, jobs) holds: storage plus the clock.
use crate::clock::Clock;
use crate::events::Events;
use crate::slots::arrival::Arrival;
use crate::store::batch::Batcher;
use crate::store::Db;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// How long before a slot starts a reservation can still be changed or cancelled.
    pub change_cutoff: Duration,
    /// What a booked time means to visitors: entry any time in it, or be there at its start.
    pub arrival: Arrival,
    /// Applies every domain write in batches (group commit).
    pub batcher: Batcher,
    /// Slot changes, for live availability.
    pub events: Events,
    /// How long shop carts hold stock and pickup places.
    pub shop: crate::shop::ShopSettings,
    /// Where customers' messages go, for pages that say so.
    pub messages: crate::notify::Routes,
}

impl Engine {
    /// Starts the engine's batcher task: call inside a Tokio runtime.
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            batcher: Batcher::spawn(db.clone()),
            db,
            clock,
            change_cutoff: Duration::hours(24),
            arrival: Arrival::default(),
            events: Events::default(),
            shop: crate::shop::ShopSettings::default(),
            messages: crate::notify::Routes::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Whether a reservation for a slot starting at `starts_at` may still be changed or cancelled.
    pub fn can_still_change(&self, starts_at: DateTime<Utc>) -> bool {
        starts_at - self.change_cutoff > self.now()
    }
}
