//! The axum server: configuration, router, jobs and the command line, around the core.
pub mod config;
pub mod router;
pub mod state;
