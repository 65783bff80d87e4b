//! Email and phone, checked as they are typed in the browser and again, authoritatively, on the
//! server.
use crate::booking::SaveContact;
use gatehouse::contact::{country, ContactError, Email, PhoneE164, COUNTRIES};
use leptos::either::EitherOf3;
use leptos::form::ActionForm;
use leptos::prelude::*;

fn hint(result: Option<Result<String, ContactError>>) -> impl IntoView {
    match result {
        None => EitherOf3::A(view! { <span></span> }),
        Some(Ok(normal)) => EitherOf3::B(view! { <span class="ok">"✓ "{normal}</span> }),
        Some(Err(e)) => EitherOf3::C(view! { <span class="problem">"✗ "{e.to_string()}</span> }),
    }
}

#[component]
pub fn ContactForm(ticket: String, action: ServerAction<SaveContact>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let chosen = RwSignal::new("US".to_string());
    let email_check = move || {
        let e = email.get();
        (!e.trim().is_empty()).then(|| Email::parse(&e).map(|v| v.as_str().to_string()))
    };
    let phone_check = move || {
        let p = phone.get();
        let c = chosen.get();
        (p.chars().filter(char::is_ascii_digit).count() >= 6).then(|| {
            match country(&c) {
                Some(c) => PhoneE164::parse_national(&p, c),
                None => PhoneE164::parse(&p),
            }
            .map(|v| v.as_str().to_string())
        })
    };
    view! {
        <section class="card" aria-labelledby="contact-title">
            <h2 id="contact-title">"Your contact details"</h2>
            <p class="muted">"We use them for your reservation and to reach you about your visit."</p>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="problem" role="alert">{e.message}</p> })}
            <ActionForm action=action attr:class="stack">
                <input type="hidden" name="ticket" value=ticket/>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required
                    aria-describedby="email-hint" on:input=move |ev| email.set(event_target_value(&ev))/>
                <p id="email-hint" class="hint" aria-live="polite">{move || hint(email_check())}</p>
                <label for="country">"Phone country"</label>
                <select id="country" name="country" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {COUNTRIES.iter().map(|c| view! {
                        <option value=c.iso selected=c.iso == "US">{format!("{} (+{})", c.name, c.calling_code)}</option>
                    }).collect_view()}
                </select>
                <label for="phone">"Phone"</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" required placeholder="(202) 555-1234"
                    aria-describedby="phone-hint" on:input=move |ev| phone.set(event_target_value(&ev))/>
                <p id="phone-hint" class="hint" aria-live="polite">{move || hint(phone_check())}</p>
                <button type="submit" disabled=move || action.pending().get()>"Continue"</button>
            </ActionForm>
        </section>
    }
}
