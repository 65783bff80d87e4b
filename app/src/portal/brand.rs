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

    /// The portal's, taken by a page before its `Suspend` and awaited there with the page's own
    /// data: a `Suspend` of its own inside the page's came back from the server in a shape the
    /// client's hydration did not expect.
    pub fn of_portal() -> Self {
        expect_context()
    }

    /// The name, or "Gatehouse" when it cannot be read.
    pub async fn name(self) -> String {
        self.0.await.unwrap_or_else(|_| "Gatehouse".into())
    }
}

#[component]
pub fn VenueBrand(name: String) -> impl IntoView {
    view! { <p class="brand">{name}</p> }
}
