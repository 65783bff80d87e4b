//! The axum server: configuration, router, jobs and the command line, around the core.
#![recursion_limit = "256"]
pub mod api;
pub mod assets;
pub mod config;
pub mod demo_credentials;
pub mod downloads;
pub mod jobs;
pub mod live;
pub mod panics;
pub mod rate_limit;
pub mod router;
pub mod security;
pub mod serve;
pub mod sfn_errors;
pub mod state;
