//! Gatehouse's web UI: one Leptos app rendered on the server and hydrated in the browser.
pub mod booking;
pub mod error;
pub mod live;
pub mod pages;
pub mod server;
pub mod title;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The client's file names under `/pkg`: named by their content, so a new build is a new name.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientFiles {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

/// Pages are whole without the client, which only makes them react sooner. So the client is not
/// preloaded, and is fetched once the page has loaded: with `<HydrationScripts/>`' high-priority
/// preloads its WASM shared a slow phone's network with the page, and Lighthouse's mobile LCP was
/// 2.3 s rather than 0.8 s.
#[cfg(feature = "ssr")]
pub fn shell(client: ClientFiles) -> impl IntoView {
    let ClientFiles { js, wasm, css } = client;
    let load = format!(
        "const hydrate=()=>import('/pkg/{js}').then(m=>m.default({{module_or_path:'/pkg/{wasm}'}}).then(()=>m.hydrate()));\
         if(document.readyState==='complete')hydrate();else addEventListener('load',hydrate)"
    );
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d3557"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="gatehouse" href=format!("/pkg/{css}")/>
                <script type="module" nonce=leptos::nonce::use_nonce()>{load}</script>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Pages render whole on the server (`SsrMode::Async`) so every page works without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    view! {
        <Router>
            <main id="main">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home ssr=SsrMode::Async/>
                    <Route path=path!("/reserve") view=pages::reserve::ReservePage ssr=SsrMode::Async/>
                    <Route path=path!("/ticket") view=pages::ticket::TicketStatusPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for browser tests (and curious eyes) that the page is interactive now.
    let _ = document().body().map(|b| b.set_attribute("data-hydrated", ""));
}
