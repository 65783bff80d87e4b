//! The frame of every dashboard page: the navigation, who is signed in, signing out, and the page's
//! heading. A visitor without an admin session is sent to sign in.
use super::access::{admin_signed_in, AdminContext};
use super::SECTIONS;
use crate::staff::account::StaffSignOut;
use crate::title::PageTitle;
use gatehouse::staff::Role;
use leptos::context::Provider;
use leptos::either::EitherOf3;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

#[component]
pub fn AdminFrame(title: &'static str, children: ChildrenFn) -> impl IntoView {
    let context = Resource::new(|| (), |_| admin_signed_in());
    let children = StoredValue::new(children);
    view! {
        <PageTitle text=title/>
        <a class="skip" href="#main">"Skip to content"</a>
        <Suspense fallback=|| view! { <p class="card" aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move { match context.await {
                Ok(Some(admin)) => EitherOf3::A(view! {
                    <Provider value=admin.clone()>
                        <Header admin=admin.clone()/>
                        <main id="main" class="admin">
                            <h1>{title}</h1>
                            {children.read_value()()}
                        </main>
                    </Provider>
                }),
                Ok(None) => EitherOf3::B(view! { <Redirect path=crate::staff::login_path(Role::Admin)/> }),
                Err(e) => EitherOf3::C(view! { <main id="main" class="admin"><p class="card problem" role="alert">{e.message}</p></main> }),
            }})}
        </Suspense>
    }
}

#[component]
fn Header(admin: AdminContext) -> impl IntoView {
    let sign_out = ServerAction::<StaffSignOut>::new();
    let here = use_location().pathname;
    view! {
        <header class="admin-bar">
            <p class="brand">"Gatehouse admin"<span class="org">{admin.organization}</span></p>
            <nav aria-label="Dashboard">
                <ul>
                    {SECTIONS.iter().map(|&(href, name)| {
                        // The section's own page is "page"; a page inside the section marks it too.
                        let current = move || {
                            let path = here.get();
                            if path == href { Some("page") } else { (super::section_of(&path) == Some(href)).then_some("true") }
                        };
                        view! { <li><a href=href aria-current=current>{name}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            <ActionForm action=sign_out attr:class="who">
                <span>{admin.display_name}</span>
                <input type="hidden" name="csrf" value=admin.csrf/>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
    }
}
