//! The staff pages: operators and admins sign in here (the scanner and the dashboard are their
//! own surfaces).
//! Its own surface, so that no visitor downloads staff code and no operator the portal's.
pub mod account;
pub mod landing;
pub mod login;

use gatehouse::staff::Role;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The staff pages' name among the surfaces: their client is `staff.<hash>.wasm`.
pub const SURFACE: &str = "staff";

/// Where each role signs in and lands.
pub fn login_path(role: Role) -> &'static str {
    match role {
        Role::Operator => "/operator/login",
        Role::Admin => "/admin/login",
    }
}

pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Operator => "/operator/scan",
        Role::Admin => "/admin",
    }
}

#[component]
pub fn Staff() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    view! {
        <Router>
            <main id="main" class="staff">
                <Routes fallback=crate::surface::Elsewhere>
                    <Route path=path!("/operator/login") view=|| view! { <login::Login role=Role::Operator/> } ssr=SsrMode::Async/>
                    <Route path=path!("/admin/login") view=|| view! { <login::Login role=Role::Admin/> } ssr=SsrMode::Async/>
                    <Route path=path!("/operator") view=|| view! { <landing::Landing role=Role::Operator/> } ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// "Operator" or "Admin", as the pages name the role.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Operator => "Operator",
        Role::Admin => "Admin",
    }
}
