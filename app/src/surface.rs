//! A surface is one audience's part of Gatehouse (the customer portal; the scanner and the
//! dashboard to come): its own root component and routes, rendered by the one server, and its own
//! client bundle, so that nobody downloads another audience's code. Each surface's hydrate entry
//! is a tiny crate in `app/clients/<surface>/` (see the README, "A new surface").
use leptos::prelude::*;

/// A surface's client files under `/pkg`: named by their content, so a new build is a new name.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientFiles {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

#[cfg(feature = "ssr")]
impl ClientFiles {
    /// The styles alone, for a page served whole that needs no client (the missing page).
    pub fn styles_only(&self) -> ClientFiles {
        ClientFiles { js: String::new(), wasm: String::new(), css: self.css.clone() }
    }
}

/// The page around a surface's root. Pages are whole without the client, which only makes them
/// react sooner. So the client is not preloaded, and is fetched once the page has loaded: with
/// `<HydrationScripts/>`' high-priority preloads its WASM shared a slow phone's network with the
/// page, and Lighthouse's mobile LCP was 2.3 s rather than 0.8 s.
///
/// `manifest`: the surface's web app manifest, for a surface that installs as an app.
#[cfg(feature = "ssr")]
pub fn shell<V: IntoView + 'static>(
    client: ClientFiles,
    root: fn() -> V,
    manifest: Option<&'static str>,
) -> impl IntoView {
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
                {manifest.map(|href| view! { <link rel="manifest" href=href/> })}
                {(!js.is_empty()).then(|| view! { <script type="module" nonce=leptos::nonce::use_nonce()>{load}</script> })}
                <leptos_meta::MetaTags/>
            </head>
            <body>{root()}</body>
        </html>
    }
}

/// What each surface's `hydrate` export does, with its own root.
#[cfg(feature = "hydrate")]
pub fn hydrate<V: IntoView + 'static>(root: fn() -> V) {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(root);
    // A marker for browser tests (and curious eyes) that the page is interactive now.
    let _ = document().body().map(|b| b.set_attribute("data-hydrated", ""));
}

/// The fallback of a surface whose addresses the server routes to it alone (staff, scanner): on
/// the server it is never rendered for a real page, and in the browser it means the surface's
/// router was sent to another surface's address (a sign-in redirecting to the scanner). That page
/// is the server's to render, with its own client: load it.
#[component]
pub fn Elsewhere() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let _ = window().location().reload();
    });
    view! { <p class="card" aria-busy="true">"Opening…"</p> }
}
