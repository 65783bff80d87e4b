//! `/admin/tickets`: finding a ticket and its history (and marking its order paid), issuing a
//! batch of tickets, importing codes. Server functions check the admin, parse, call one domain
//! operation and word the answer in the venue's time zone (so the browser needs no zone data).
mod detail;
mod import;
mod issue;
mod products;
mod search;

pub use detail::TicketPage;
pub use import::ImportPage;
pub use issue::IssuePage;
pub use search::SearchPage;

/// The address of a ticket's admin page.
pub fn ticket_path(code: &str) -> String {
    format!("/admin/tickets/{code}")
}

/// The batch downloads (`server::admin_downloads`).
pub fn csv_path(order_id: i64) -> String {
    format!("/admin/orders/{order_id}/tickets.csv")
}

pub fn cards_path(order_id: i64) -> String {
    format!("/admin/orders/{order_id}/cards")
}

#[cfg(feature = "ssr")]
mod ssr {
    use chrono::{DateTime, Utc};

    /// "Mon Nov 23, 10:04 AM" in the venue's zone.
    pub fn local(at: DateTime<Utc>, time_zone: &str) -> String {
        let local = at.with_timezone(&gatehouse::org::zone(time_zone)).naive_local();
        format!(
            "{} {}, {}",
            gatehouse::wording::short_date(local.date()),
            local.date().format("%Y"),
            gatehouse::wording::clock_time(local.time())
        )
    }
}
