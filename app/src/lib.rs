//! Gatehouse's web UI: Leptos surfaces rendered on the server and hydrated in the browser, each
//! surface with its own client bundle (`surface`).
#![recursion_limit = "256"]
pub mod admin;
pub mod booking;
pub mod codec;
pub mod cookies;
pub mod country;
pub mod draft;
pub mod error;
pub mod live;
pub mod portal;
pub mod scanner;
pub mod server;
pub mod shop;
pub mod staff;
pub mod surface;
pub mod title;
