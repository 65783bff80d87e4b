//! The customer portal: the start page, booking and changing a visit, and the ticket page.
pub mod brand;
pub mod calendar;
pub mod contact_form;
pub mod home;
pub mod not_found;
pub mod reserve;
pub mod ticket;
pub mod ticket_code_field;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The portal's name among the surfaces: its client is `portal.<hash>.wasm`.
pub const SURFACE: &str = "portal";

/// Pages render whole on the server (`SsrMode::Async`) so every page works without JavaScript.
#[component]
pub fn Portal() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    brand::VenueName::provide();
    view! {
        <Router>
            <main id="main">
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::Home ssr=SsrMode::Async/>
                    <Route path=path!("/reserve") view=reserve::ReservePage ssr=SsrMode::Async/>
                    <Route path=path!("/ticket") view=ticket::TicketStatusPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
