//! Gatehouse's domain core: tickets, slots, reservations and admission, with no HTTP or UI.
//! The plain types compile to WASM for the browser; storage and operations sit behind `ssr`.
pub mod admission;
pub mod calendar;
pub mod capacity;
pub mod clock;
pub mod contact;
pub mod ics;
pub mod lifecycle;
pub mod reservation;
pub mod slots;
pub mod ticket_code;
pub mod tickets;
pub mod users;
pub mod wire;
pub mod wording;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
mod engine;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod org;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod writer;

#[cfg(feature = "ssr")]
pub use engine::Engine;
