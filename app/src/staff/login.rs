//! `/operator/login` and `/admin/login`: username and password, posted as a plain form so that
//! signing in works before (and without) the client.
use super::account::{staff_sign_in_form, StaffSignIn};
use super::role_name;
use crate::title::PageTitle;
use gatehouse::staff::Role;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn Login(role: Role) -> impl IntoView {
    let sign_in = ServerAction::<StaffSignIn>::new();
    let token = Resource::new(|| (), |_| staff_sign_in_form());
    let title = match role {
        Role::Operator => "Operator sign-in",
        Role::Admin => "Admin sign-in",
    };
    let problem = move || sign_in.value().get().and_then(Result::err).map(|e| e.message);
    view! {
        <PageTitle text=title/>
        <section class="card" aria-labelledby="sign-in">
            <p class="brand">"Gatehouse staff"</p>
            <h1 id="sign-in">{title}</h1>
            <p class="muted">{format!("For {} accounts.", role_name(role).to_lowercase())}</p>
            <ActionForm action=sign_in attr:class="stack">
                <input type="hidden" name="role" value=role.as_str()/>
                // Awaited inside `Suspend` rather than read with `.get()`: under load the server's
                // render of the `.get()` form now and then never resolved (a 503 after 30 s).
                <Suspense>
                    {move || Suspend::new(async move {
                        token.await.ok().map(|csrf| view! { <input type="hidden" name="csrf" value=csrf/> })
                    })}
                </Suspense>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                <p class="problem" role="alert">{problem}</p>
                <button type="submit">"Sign in"</button>
            </ActionForm>
        </section>
    }
}
