//! The shop's customer pages: the catalogue with live stock and the cart (`/shop`), checkout with
//! a pickup time (`/shop/checkout`), the confirmation (`/shop/order`) and the reservation lookup
//! (`/shop/lookup`). Its own surface and client bundle: a shop customer downloads no booking or
//! staff code. Every page works without JavaScript; with it, stock and the hold's countdown move
//! by themselves and forms answer without a reload.
pub mod actions;
mod cart;
mod catalogue;
mod checkout;
pub mod data;
mod order;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The shop's name among the surfaces: its client is `shop.<hash>.wasm`.
pub const SURFACE: &str = "shop";

#[component]
pub fn Shop() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    view! {
        <Router>
            <main id="main" class="shop">
                <Routes fallback=crate::surface::Elsewhere>
                    <Route path=path!("/shop") view=catalogue::CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/shop/checkout") view=checkout::CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/shop/order") view=order::OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/shop/lookup") view=order::LookupPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// A query parameter of the current address.
fn param(name: &'static str) -> Memo<Option<String>> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| query.read().get(name).filter(|v| !v.is_empty()))
}
