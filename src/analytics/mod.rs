//! Analytics for admins (issue 13): over a range of venue-local days, how full the slots were,
//! when demand falls, how many activated tickets were booked, who did not come, how far ahead
//! people book, and why the door turned people away. Drawn as SVG charts (`svg`) and tables
//! that download as CSV (`tables`, `csv`).
pub mod csv;
pub mod figures;
mod range;
pub mod svg;
pub mod tables;

#[cfg(feature = "ssr")]
mod store;

pub use figures::Analytics;
pub use range::{DateRange, RangeError, MAX_DAYS};
#[cfg(feature = "ssr")]
pub use store::{analyze, AnalyticsError};
pub use tables::{Table, TableData};
