//! Reservation slots: when a venue admits people, and how many. The one rule of what can be
//! booked lives here twice, once in Rust ([`is_bookable`]) and once in SQL ([`bookable!`]),
//! side by side so they change together.
pub mod arrival;
pub mod calendar;
pub mod capacity;
pub mod days;
pub mod hours;
pub mod month;
pub mod overview;
pub mod rules;
pub mod schedule;

#[cfg(feature = "ssr")]
pub mod availability;
#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(feature = "ssr")]
pub mod closure;
#[cfg(feature = "ssr")]
pub mod generate;
#[cfg(feature = "ssr")]
pub mod resize;
#[cfg(feature = "ssr")]
pub mod seats;

pub use days::{day_summaries, DaySummary};
pub use month::{Month, MonthError};

use crate::ids::SlotId;
use capacity::CapacityStatus;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlotStatus {
    Active,
    Full,
    Closed,
}

impl SlotStatus {
    pub const ALL: [SlotStatus; 3] = [Self::Active, Self::Full, Self::Closed];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Full => "FULL",
            Self::Closed => "CLOSED",
        }
    }
}

impl std::str::FromStr for SlotStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| format!("unknown slot status {s}"))
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(SlotStatus);

/// A slot as a customer's calendar sees it; field names are the PRD's (§6.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotAvailability {
    pub id: SlotId,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    pub total_capacity: i64,
    pub booked_count: i64,
    pub available_count: i64,
    pub status: SlotStatus,
    pub capacity_status: CapacityStatus,
    /// Open, not full and not yet started.
    pub bookable: bool,
}

/// Declares a struct that opens with which slot and when: `slot_id`, `date`, `start_time` and
/// `end_time`, in the one wire format every view of a slot shares, then its own fields. A macro
/// rather than `#[serde(flatten)]` of [`SlotTimes`]: flattening costs the browser's client 2.7 KB
/// gzipped of buffering code, and the client is held to a budget.
#[macro_export]
macro_rules! with_slot_times {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            pub slot_id: $crate::ids::SlotId,
            #[serde(with = "crate::wire::date")]
            pub date: chrono::NaiveDate,
            #[serde(with = "crate::wire::time")]
            pub start_time: chrono::NaiveTime,
            #[serde(with = "crate::wire::time")]
            pub end_time: chrono::NaiveTime,
            $($(#[$field_meta])* pub $field: $ty,)*
        }
    };
}

with_slot_times! {
    /// When a slot is and which one it is: what a booking answers.
    pub struct SlotTimes {}
}

/// Whether a seat of a slot can be booked at `now`: open, not full, not yet started.
pub fn is_bookable(
    status: SlotStatus,
    booked: i64,
    capacity: i64,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status != SlotStatus::Closed && booked < capacity && starts_at > now
}

/// [`is_bookable`] as a SQL condition on `reservation_slots`, with `now` the placeholder given.
#[macro_export]
macro_rules! bookable {
    ($now:literal) => {
        concat!($crate::open_at!($now), " AND booked_count < total_capacity")
    };
}

/// [`bookable!`] but the count: open and not yet started at `now`. For a statement that counts
/// seats itself (a batch's bookings taken together).
#[macro_export]
macro_rules! open_at {
    ($now:literal) => {
        concat!("status <> 'CLOSED' AND starts_at > ", $now)
    };
}
