//! Tickets: their codes, their lifecycle, looking one up, paying for it, its signed QR code and
//! the card a visitor keeps.
pub mod code;
pub mod history;
pub mod import;
pub mod issue;
pub mod lifecycle;
pub mod order;
pub mod product;
pub mod search;
pub mod signed;

#[cfg(feature = "ssr")]
pub mod card;
#[cfg(feature = "ssr")]
pub mod expiry;
#[cfg(feature = "ssr")]
pub mod lookup;
#[cfg(feature = "ssr")]
pub mod payment;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod sheet;

#[cfg(feature = "ssr")]
pub use lookup::{contact_of, find_by_code, save_contact, TicketRecord};

use crate::ids::{OrderId, OrgId, ProductId, TicketId};
use chrono::{DateTime, Utc};
use lifecycle::TicketStatus;
use serde::{Deserialize, Serialize};

crate::with_slot_times! {
    /// The slot a ticket is reserved for, with the instants it starts and ends.
    pub struct ReservedSlot {
        #[serde(with = "crate::wire::instant")]
        pub starts_at: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        pub ends_at: DateTime<Utc>,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub ticket_id: TicketId,
    pub ticket_code: String,
    pub status: TicketStatus,
    pub order_id: OrderId,
    pub product_id: ProductId,
    pub orq: OrgId,
    pub reservation: Option<ReservedSlot>,
    #[serde(with = "crate::wire::instant::option")]
    pub verified_at: Option<DateTime<Utc>>,
}
