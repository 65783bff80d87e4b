//! The ticket code input: checks the code as it is typed, so a typo is caught before any request.
use gatehouse::tickets::code::{TicketCode, TicketCodeError};
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// `id` and `hint` (its hint's id) tell two fields on one page apart: the start page has one to
/// book and one to look a ticket up. Static strings: `String` ids cost the client 2 KB more, gzipped.
#[component]
pub fn TicketCodeField(
    #[prop(into)] name: String,
    #[prop(optional, into)] value: String,
    #[prop(default = "ticket-code")] id: &'static str,
    #[prop(default = "ticket-code-hint")] hint: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(value.clone());
    let verdict = move || {
        let text = typed.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(match TicketCode::parse(&text) {
            Ok(code) => Ok(code),
            Err(TicketCodeError::WrongLength { .. }) if text.len() < 20 => return None,
            Err(e) => Err(e),
        })
    };
    view! {
        <div class="field">
        <label for=id>"Ticket code"</label>
        <input
            id=id
            name=name
            type="text"
            inputmode="text"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck="false"
            placeholder="TKT-2026-XXXXXX-XXXXXX-XXXXX"
            aria-describedby=hint
            value=value
            on:input=move |ev| typed.set(event_target_value(&ev))
        />
        <p id=hint class="hint" aria-live="polite">
            {move || match verdict() {
                None => EitherOf3::A(view! { <span>"It is printed under the QR code on your ticket."</span> }),
                Some(Ok(code)) => EitherOf3::B(view! { <span class="ok">"✓ " {code.to_string()} " looks right."</span> }),
                Some(Err(e)) => EitherOf3::C(view! { <span class="problem">"✗ " {e.to_string()}</span> }),
            }}
        </p>
        </div>
    }
}
