//! The admin dashboard under `/admin`: its own surface and client bundle, so that no visitor and
//! no door device downloads it. Every page sits in [`frame::AdminFrame`], which sends a visitor
//! without an admin session to sign in and gives the page the session's form token.
pub mod access;
mod analytics;
mod audit;
mod bulk_edit;
mod calendar;
mod frame;
mod generate;
mod live;
mod messages;
mod overview;
mod shop;
pub mod slot_actions;
mod slot_editor;
mod tickets;

pub use frame::AdminFrame;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The dashboard's refusals by code, for an address whose error lost its seal (a sealed one keeps
/// the server's own message, with its numbers); registered with `crate::error::word_more_codes`.
pub fn refusal_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "CAPACITY_BELOW_BOOKED" => "More places are booked than that capacity. Nothing was changed.",
        "INVALID_CAPACITY" => "Capacity must be a whole number from 0 to 100000.",
        "SLOT_ALREADY_CLOSED" => "This slot is closed already.",
        "SLOT_NOT_CLOSED" => "This slot is open already.",
        "NOTHING_TO_CHANGE" => "Choose a new capacity, or to close or reopen the slots.",
        "NO_MATCHING_SLOTS" => "No slot matches: nothing was changed.",
        "INVALID_RULES_FIELD" => "A field is not filled in as the form asks: check it and try again.",
        "INVALID_TICKET_COUNT" => "Issue between 1 and 5000 tickets at a time.",
        "PRODUCT_NOT_FOUND" => "That product does not exist.",
        "ORDER_NOT_FOUND" => "That order does not exist.",
        "ORDER_NOT_PENDING" => "This order has no ticket awaiting payment.",
        "STATUS_CHANGE_REFUSED" => "This order cannot move to that status now. Nothing was changed.",
        "INVALID_DATE" => "Choose a day as the calendar field gives it (YYYY-MM-DD).",
        "IMPORT_BAD_ROWS" => "Some rows are not tickets that can be imported, so nothing was imported.",
        "IMPORT_TOO_LARGE" | "IMPORT_TOO_MANY_ROWS" => {
            "The file is too large: at most 5000 tickets and 1 MiB at once. Nothing was imported."
        }
        "IMPORT_NOT_TEXT" | "IMPORT_MALFORMED" => {
            "The file is not a CSV of tickets (code,email,phone,status). Nothing was imported."
        }
        _ => return None,
    })
}

/// The dashboard's name among the surfaces: its client is `admin.<hash>.wasm`.
pub const SURFACE: &str = "admin";

/// The dashboard's sections, in the order the navigation lists them: (address, name).
pub const SECTIONS: &[(&str, &str)] = &[
    ("/admin", "Overview"),
    ("/admin/live", "Live"),
    ("/admin/slots", "Calendar"),
    ("/admin/tickets", "Tickets"),
    ("/admin/shop", "Shop"),
    ("/admin/analytics", "Analytics"),
    ("/admin/messages", "Messages"),
    ("/admin/audit", "Audit log"),
];

/// The section a dashboard address belongs to: the one whose address is the longest leading
/// part of it, on a `/` boundary (`/admin/slots/generate` is in Calendar).
pub fn section_of(path: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .map(|&(href, _)| href)
        .filter(|href| path == *href || path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
        .max_by_key(|href| href.len())
}

#[component]
pub fn Admin() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    view! {
        <Router>
            <Routes fallback=crate::surface::Elsewhere>
                <Route path=path!("/admin") view=overview::Overview ssr=SsrMode::Async/>
                <Route path=path!("/admin/live") view=live::LivePage ssr=SsrMode::Async/>
                <Route path=path!("/admin/slots") view=calendar::SlotsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/slots/generate") view=generate::GeneratePage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=audit::AuditLog ssr=SsrMode::Async/>
                <Route path=path!("/admin/analytics") view=analytics::AnalyticsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/shop") view=shop::ShopPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/messages") view=messages::MessagesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets") view=tickets::SearchPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets/issue") view=tickets::IssuePage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets/import") view=tickets::ImportPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets/:code") view=tickets::TicketPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::section_of;

    #[test]
    fn a_page_belongs_to_the_section_whose_address_leads_its_own() {
        assert_eq!(section_of("/admin"), Some("/admin"));
        assert_eq!(section_of("/admin/slots/generate"), Some("/admin/slots"));
        assert_eq!(section_of("/admin/tickets/TKT-2026-AAAA"), Some("/admin/tickets"));
        assert_eq!(section_of("/admin/slotsx"), Some("/admin"));
        assert_eq!(section_of("/reserve"), None);
    }
}
