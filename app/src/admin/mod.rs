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
