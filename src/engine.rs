//! The handle every caller (REST API, server functions, jobs) holds: storage plus the clock.
use crate::clock::Clock;
use crate::db::Db;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// How long before a slot starts a reservation can still be changed or cancelled.
    pub change_cutoff: Duration,
}

impl Engine {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            clock,
            change_cutoff: Duration::hours(24),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
