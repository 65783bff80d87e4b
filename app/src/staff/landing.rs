//! `/operator` and `/admin`: who is signed in, for which organization, and signing out. Without
//! a session for this role, the role's sign-in page.
use super::account::{staff_signed_in, SignedIn, StaffSignOut};
use super::role_name;
use crate::title::PageTitle;
use gatehouse::staff::Role;
use leptos::either::Either;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn Landing(role: Role) -> impl IntoView {
    let who = Resource::new(|| (), move |_| staff_signed_in(role));
    view! {
        <PageTitle text="Signed in"/>
        <Suspense fallback=|| view! { <p class="card">"Loading…"</p> }>
            // Awaited inside `Suspend`, as on the sign-in page (see there).
            {move || Suspend::new(async move {
                match who.await {
                    Ok(Some(signed_in)) => Either::Left(view! { <SignedInCard signed_in/> }),
                    Ok(None) => Either::Right(Either::Left(view! { <Redirect path=super::login_path(role)/> })),
                    Err(e) => Either::Right(Either::Right(view! { <p class="card problem" role="alert">{e.message}</p> })),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedInCard(signed_in: SignedIn) -> impl IntoView {
    let sign_out = ServerAction::<StaffSignOut>::new();
    let problem = move || sign_out.value().get().and_then(Result::err).map(|e| e.message);
    view! {
        <section class="card" aria-labelledby="who">
            <p class="brand">"Gatehouse staff"</p>
            <h1 id="who">{format!("Signed in as {}", signed_in.display_name)}</h1>
            <dl class="facts who">
                <dt>"Username"</dt><dd>{signed_in.username}</dd>
                <dt>"Organization"</dt><dd>{signed_in.organization}</dd>
                <dt>"Role"</dt><dd>{role_name(signed_in.role)}</dd>
            </dl>
            {(signed_in.role == Role::Operator).then(|| view! {
                <p><a class="button" href="/operator/scan">"Open the scanner"</a></p>
            })}
            <p><a class="button secondary" href="/operator/counter">"Open the shop counter"</a></p>
            <ActionForm action=sign_out>
                <input type="hidden" name="csrf" value=signed_in.csrf/>
                <p class="problem" role="alert">{problem}</p>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </section>
    }
}
