//! The venue's name at the top of the portal's pages. Pages whose own data carries the venue show
//! it from there; the ticket entry and a refused look-up read it here. The missing page (404) is
//! served whole by the server, which puts the name in (`not_found::MissingPageVenue`): a
//! `Suspense` of its own for the name cost the client 1.8 KB gzipped, over the portal's budget.
use crate::error::AppError;
use crate::server::venue_name;
use leptos::prelude::*;

/// Loaded once with the first page the visitor opens: rendered on the server into that page,
/// then kept by the client for the pages it moves to, with no request of its own.
#[derive(Clone, Copy)]
pub struct VenueName(Resource<Result<String, AppError>>);

impl VenueName {
    pub fn provide() {
        provide_context(Self(Resource::new(|| (), |_| venue_name())));
    }
}

/// Read inside the page's `Suspense`, which waits for the name as for the page's own data.
#[component]
pub fn VenueBrand() -> impl IntoView {
    let VenueName(name) = expect_context();
    // Awaited rather than read with `.get()`: see the staff sign-in page.
    view! { <p class="brand">{move || Suspend::new(async move { name.await.unwrap_or_else(|_| "Gatehouse".into()) })}</p> }
}
