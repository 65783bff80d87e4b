//! Ids as types, so a slot's id cannot be passed where a ticket's is expected. Each is the
//! row's integer key: the same number in JSON, in addresses and in the database.
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        /// From an address (`slot=42`).
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

ids!(
    /// An organization: the PRD's `orq`, whose venues, slots, tickets and staff belong together.
    OrgId,
    VenueId,
    TicketId,
    SlotId,
    ReservationId,
    OrderId,
    ProductId,
    /// A staff account (operator or admin).
    UserId,
    /// One of an organization's ticket-signing keys: named in every signed QR payload.
    SigningKeyId,
    /// A product of the shop (not a ticket product).
    ShopProductId,
    /// A shop pickup window.
    PickupWindowId,
    /// A shop order (not a ticket order).
    ShopOrderId,
    DiscountCodeId,
);
