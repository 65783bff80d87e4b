use crate::title::PageTitle;
use leptos::prelude::*;

/// The venue's name for the missing page, which the server renders whole, with no client
/// (`server::router`): so the name costs the portal's client nothing. A client that routes to an
/// unknown address itself shows the software's name.
#[derive(Clone, Debug)]
pub struct MissingPageVenue(pub String);

#[component]
pub fn NotFound() -> impl IntoView {
    let brand = use_context::<MissingPageVenue>().map_or_else(|| "Gatehouse".to_string(), |v| v.0);
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http_status_not_found());
    }
    view! {
        <PageTitle text="Page not found"/>
        <section class="card">
            <p class="brand">{brand}</p>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<a href="/">"Go to the start page"</a>"."</p>
        </section>
    }
}

#[cfg(feature = "ssr")]
fn http_status_not_found() -> http::StatusCode {
    http::StatusCode::NOT_FOUND
}
