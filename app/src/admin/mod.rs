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
mod overview;
pub mod slot_actions;
mod slot_editor;
mod tickets;

pub use frame::AdminFrame;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The dashboard's name among the surfaces: its client is `admin.<hash>.wasm`.
pub const SURFACE: &str = "admin";

/// The dashboard's sections, in the order the navigation lists them: (address, name).
pub const SECTIONS: &[(&str, &str)] = &[
    ("/admin", "Overview"),
    ("/admin/live", "Live"),
    ("/admin/slots", "Calendar"),
    ("/admin/tickets", "Tickets"),
    ("/admin/analytics", "Analytics"),
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
