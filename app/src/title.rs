//! The page's `<title>`. The server writes it into the head it sends (leptos_meta); in the
//! browser, where the head is never re-rendered, a client-side navigation sets
//! `document.title` directly. Keeping leptos_meta out of the WASM keeps the client smaller.
use leptos::prelude::*;

pub fn full_title(page: &str) -> String {
    if page.is_empty() {
        "Gatehouse".into()
    } else {
        format!("{page} · Gatehouse")
    }
}

#[component]
pub fn PageTitle(text: &'static str) -> impl IntoView {
    // Both sides leave one empty marker in the body (the `()`), so hydration lines up:
    // leptos_meta's Title itself writes nothing there.
    #[cfg(feature = "ssr")]
    {
        (view! { <leptos_meta::Title text=full_title(text)/> }, ())
    }
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(move |_| document().set_title(&full_title(text)));
    }
}
