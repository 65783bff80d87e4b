//! The handle every caller (REST API, server functions, jobs) holds: storage plus the clock.
use crate::clock::Clock;
use crate::db::Db;
use chrono::{DateTime, Utc};
use std::sync::Arc;

#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
}

impl Engine {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
