//! Gatehouse's domain core: tickets, slots, reservations and admission, with no HTTP or UI.
//! The plain types compile to WASM for the browser; storage and operations sit behind `ssr`.
//! Each folder owns its rules and their SQL; `store` batches and commits what they write.
pub mod admission;
pub mod analytics;
pub mod audit;
pub mod clock;
pub mod contact;
pub mod error;
pub mod ics;
pub mod ids;
pub mod notify;
pub mod ops;
pub mod reservation;
pub mod scanning;
pub mod secret;
pub mod shop;
pub mod slots;
pub mod staff;
pub mod tickets;
pub mod wire;
pub mod wording;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
mod engine;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod measures;
#[cfg(feature = "ssr")]
pub mod org;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use engine::Engine;
