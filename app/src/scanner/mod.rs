//! The operator's scanner at `/operator/scan`: its own surface, so that its camera and QR decoding
//! code reach no visitor's and no admin's download.
mod camera;
pub mod door;
mod kept;
mod offline;
mod page;
mod phone;
mod result;
pub mod sync;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

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
                </Routes>
            </main>
        </Router>
    }
}
