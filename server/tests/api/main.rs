//! The integration tests: the real server over real HTTP on SQLite and PostgreSQL, one binary
//! (one link of the server) with a module per area.
mod support;

mod admission;
mod concurrency;
mod edge;
mod foundation;
mod hygiene;
mod portal;
mod reservations;
