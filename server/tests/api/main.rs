//! The integration tests: the real server over real HTTP on SQLite and PostgreSQL, one binary
//! (one link of the server) with a module per area.
mod support;

mod admin_tickets;
mod admission;
mod analytics;
mod calendar;
mod concurrency;
mod counter;
mod door;
mod edge;
mod foundation;
mod hygiene;
mod live_ops;
mod metrics;
mod notify;
mod notify_transports;
mod offline;
mod portal;
mod reservations;
mod shop;
mod signed_tickets;
mod staff;
mod start_page;
mod tls;
