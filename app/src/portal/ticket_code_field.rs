//! The ticket code input: checks the code as it is typed, so a typo is caught before any request.
use crate::error::AppError;
use gatehouse::tickets::code::{TicketCode, TicketCodeError};
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// Whether the server refused the code itself (not a ticket code, mistyped, no such ticket):
/// such a refusal is said once, at the field, rather than in a banner above it as well.
pub fn about_the_code(e: &AppError) -> bool {
    matches!(e.code.as_str(), "INVALID_TICKET_CODE" | "TICKET_CODE_CHECK_FAILED" | "TICKET_NOT_FOUND")
}

/// `id` and `hint` (its hint's id) tell two fields on one page apart: the start page has one to
/// book and one to look a ticket up. Static strings: `String` ids cost the client 2 KB more, gzipped.
/// `refused`: the server's answer to `value`, shown until the code is edited; a well-formed code
/// of no ticket is not "looking right" beside it.
#[component]
pub fn TicketCodeField(
    #[prop(into)] name: String,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] refused: Option<String>,
    #[prop(default = "ticket-code")] id: &'static str,
    #[prop(default = "ticket-code-hint")] hint: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(value.clone());
    let edited = RwSignal::new(false);
    let refused = StoredValue::new(refused);
    let verdict = move || {
        if let Some(refusal) = refused.get_value().filter(|_| !edited.get()) {
            return Some(Err(refusal));
        }
        let text = typed.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(match TicketCode::parse(&text) {
            Ok(code) => Ok(code),
            Err(TicketCodeError::WrongLength { .. }) if text.len() < 20 => return None,
            Err(e) => Err(e.to_string()),
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
            aria-invalid=move || matches!(verdict(), Some(Err(_))).then_some("true")
            value=value
            on:input=move |ev| {
                edited.set(true);
                typed.set(event_target_value(&ev));
            }
        />
        <p id=hint class="hint" aria-live="polite">
            {move || match verdict() {
                None => EitherOf3::A(view! { <span>"It is printed under the QR code on your ticket."</span> }),
                Some(Ok(code)) => EitherOf3::B(view! { <span class="ok">"✓ " {code.to_string()} " looks right."</span> }),
                Some(Err(e)) => EitherOf3::C(view! { <span class="problem">"✗ " {e}</span> }),
            }}
        </p>
        </div>
    }
}
