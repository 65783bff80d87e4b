//! Email and phone, checked as they are typed (the email fully, the phone for letters), the phone
//! against the numbering plans on the server as the field is left, and again, authoritatively,
//! when the form is sent. A refusal is shown at the field it is about, with what was typed.
use crate::booking::{CheckPhone, SaveContact};
use crate::country::CountryField;
use crate::draft::ContactDraft;
use crate::error::AppError;
use chrono::NaiveDate;
use gatehouse::contact::{typed_phone, ContactError, Email};
use leptos::either::EitherOf3;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Email,
    Phone,
}

/// The field a refusal is about, by its code.
fn field_of(error: &AppError) -> Option<Field> {
    match error.code.as_str() {
        "INVALID_EMAIL" => Some(Field::Email),
        "INVALID_PHONE" | "PHONE_LETTERS" => Some(Field::Phone),
        _ => None,
    }
}

/// A field's check, as shown under it: nothing, "✓ what was understood", or "✗ why not".
pub fn hint(result: Option<Result<String, String>>) -> impl IntoView {
    match result {
        None => EitherOf3::A(()),
        Some(Ok(normal)) => EitherOf3::B(view! { <span class="ok">"✓ "{normal}</span> }),
        Some(Err(problem)) => EitherOf3::C(view! { <span class="problem">"✗ "{problem}</span> }),
    }
}

/// `date`: the day already chosen (on the start page), which the calendar opens on after this step.
#[component]
pub fn ContactForm(
    ticket: String,
    action: ServerAction<SaveContact>,
    draft: Option<ContactDraft>,
    date: Option<NaiveDate>,
) -> impl IntoView {
    let draft = draft.unwrap_or_default();
    let email = RwSignal::new(draft.email.clone());
    let phone = RwSignal::new(draft.phone.clone());
    let chosen = RwSignal::new(if draft.country.is_empty() { "US".to_string() } else { draft.country.clone() });
    // Typed since the form was last sent: the field's own check speaks, not the last refusal.
    let edited = RwSignal::new((false, false));
    let checked = ServerAction::<CheckPhone>::new();
    let checked_for = RwSignal::new((String::new(), String::new()));
    let refusal = move |field: Option<Field>| {
        action.value().get().and_then(Result::err).filter(|e| field_of(e) == field).map(|e| e.message)
    };
    let email_hint = move || {
        let e = email.get();
        if !edited.get().0 {
            return refusal(Some(Field::Email)).map(Err);
        }
        (!e.trim().is_empty()).then(|| Email::parse(&e).map(|v| v.as_str().to_string()).map_err(|e| e.to_string()))
    };
    let phone_hint = move || {
        if !edited.get().1 {
            return refusal(Some(Field::Phone)).map(Err);
        }
        let p = phone.get();
        if let Err(e) = typed_phone(&p) {
            return Some(Err(e.to_string()));
        }
        let current = checked_for.get() == (p, chosen.get());
        current.then(|| checked.value().get()).flatten().map(|r| r.map_err(|e| e.message))
    };
    let check_phone = move || {
        let (p, c) = (phone.get_untracked(), chosen.get_untracked());
        if typed_phone(&p).is_ok() && p.chars().filter(char::is_ascii_digit).count() >= 6 {
            checked_for.set((p.clone(), c.clone()));
            checked.dispatch(CheckPhone { phone: p, country: c });
        }
    };
    let email_pattern = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}";
    view! {
        <section class="card" aria-labelledby="contact-title">
            <h2 id="contact-title" tabindex="-1">"Your contact details"</h2>
            <p class="muted">"We use them for your reservation and to reach you about your visit."</p>
            {move || refusal(None).map(|message| view! { <p class="problem" role="alert">{message}</p> })}
            <ActionForm action=action attr:class="stack" on:submit=move |_| edited.set((false, false))>
                <input type="hidden" name="ticket" value=ticket/>
                <input type="hidden" name="date" value=date.map(|d| d.to_string())/>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        value=draft.email pattern=email_pattern
                        title="An address like name@example.com"
                        aria-invalid=move || email_hint().is_some_and(|h| h.is_err()).to_string()
                        aria-describedby="email-hint"
                        on:input=move |ev| { email.set(event_target_value(&ev)); edited.update(|e| e.0 = true); }/>
                    <p id="email-hint" class="hint" aria-live="polite">{move || hint(email_hint())}</p>
                </div>
                <CountryField chosen changed=Callback::new(move |()| check_phone())/>
                <div class="field">
                    <label for="phone">"Phone"</label>
                    <input id="phone" name="phone" type="tel" autocomplete="tel" required placeholder="(202) 555-1234"
                        value=draft.phone pattern=r"[^A-Za-z]*"
                        title=ContactError::PhoneLetters.to_string()
                        aria-invalid=move || phone_hint().is_some_and(|h| h.is_err()).to_string()
                        aria-describedby="phone-hint"
                        on:input=move |ev| { phone.set(event_target_value(&ev)); edited.update(|e| e.1 = true); }
                        on:change=move |_| check_phone()/>
                    // Once a number is being typed its hint keeps a line, empty until the server's
                    // check answers: the answer, arriving as the field is left for Continue, must
                    // not move the button from under the finger (or the pointer) pressing it.
                    <p id="phone-hint" class=move || if edited.get().1 { "hint held" } else { "hint" } aria-live="polite">
                        {move || hint(phone_hint())}
                    </p>
                </div>
                <button type="submit" disabled=move || action.pending().get()>"Continue"</button>
            </ActionForm>
        </section>
    }
}

/// An email address as shown back to its owner: a narrow screen wraps it between its words, after
/// the "@" or a ".", never inside one (style/main.css breaks a word only when it alone is wider
/// than the line).
#[component]
pub fn EmailAddress(address: String) -> impl IntoView {
    let words: Vec<String> = address.split_inclusive(['@', '.']).map(str::to_string).collect();
    view! { <span class="email">{words.into_iter().map(|word| view! { {word}<wbr/> }).collect_view()}</span> }
}
