//! The shop: products with stock, pickup windows with a store capacity, carts whose holds live
//! in the database and expire by the engine's clock, a checkout that turns a cart into an order
//! in one transaction, and the counter's side of orders.
//!
//! Every write (a hold, a checkout, a status change) is a [`crate::store::batch::Write`] built
//! here; each decides with one conditional statement the database enforces, so concurrent
//! carts and several server instances never promise stock or a pickup place that is not there.
//! Expired holds are ignored by every query (they compare `expires_at` with the clock), so no
//! sweeper is needed for correctness; [`holds::cleanup_expired`] only tidies.
pub mod availability;
pub mod code;
pub mod discount;
pub mod error;
pub mod input;
pub mod money;
pub mod price;
pub mod status;

#[cfg(feature = "ssr")]
pub mod analytics;
#[cfg(feature = "ssr")]
pub mod catalogue;
#[cfg(feature = "ssr")]
pub mod checkout;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod discounts;
#[cfg(feature = "ssr")]
mod held;
#[cfg(feature = "ssr")]
pub mod holds;
#[cfg(feature = "ssr")]
mod lock;
#[cfg(feature = "ssr")]
pub mod orders;
#[cfg(feature = "ssr")]
mod retry;
#[cfg(feature = "ssr")]
pub mod windows;

pub use code::ReservationCode;
pub use error::{ShopError, Shortage};
pub use input::{CartId, CustomerName, Instructions, Quantity};
pub use money::{Currency, Money};
pub use status::{OrderStatus, PaymentStatus};

use chrono::Duration;

/// How long a cart holds what it chose.
#[derive(Debug, Clone, Copy)]
pub struct ShopSettings {
    /// A hold's life from the last activity on the cart (the default: 10 minutes).
    pub hold: Duration,
    /// Activity extends a hold, but never past this long after it was placed, so an open tab
    /// cannot keep stock from others forever.
    pub hold_cap: Duration,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self { hold: Duration::minutes(10), hold_cap: Duration::minutes(30) }
    }
}
