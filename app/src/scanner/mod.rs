//! The operator's scanner at `/operator/scan` and the shop's counter at `/operator/counter`: their
//! own surface, so that the camera and QR decoding code reach no visitor's and no admin's download.
mod camera;
pub mod counter;
mod counter_page;
pub mod door;
mod kept;
mod offline;
mod page;
mod phone;
mod result;
pub mod sync;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The scanner's name among the surfaces: its client is `scanner.<hash>.wasm`.
pub const SURFACE: &str = "scanner";

/// The scanner installs as an app (`public/scanner.webmanifest`), and its service worker
/// (`public/scanner-sw.js`) keeps the page and its client for use without a network.
pub const MANIFEST: &str = "/scanner.webmanifest";

#[component]
pub fn Scanner() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    view! {
        <Router>
            <main id="main" class="scanner">
                <Routes fallback=crate::surface::Elsewhere>
                    <Route path=path!("/operator/scan") view=page::ScanPage/>
                    // Rendered whole on the server (its forms work without JavaScript), unlike the
                    // door's shell, which the device keeps for use offline.
                    <Route path=path!("/operator/counter") view=counter_page::CounterPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
