//! `/reserve?ticket=CODE`: enter the code, give contact details, pick a day and a slot, confirm.
//! Each step is a server-rendered page reached by a link or a form, so the flow completes without
//! JavaScript; hydrated, the fields check themselves as they are typed.
use super::calendar::MonthCalendar;
use super::contact_form::ContactForm;
use super::ticket_code_field::TicketCodeField;
use crate::booking::{booking_step, Book, BookingState, SaveContact};
use crate::error::AppError;
use chrono::NaiveDate;
use gatehouse::reservation::AlternativeSlot;
use gatehouse::slots::{Month, SlotAvailability};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The address of a step: the ticket and what has been chosen so far.
pub fn step_href(ticket: &str, month: Option<Month>, date: Option<NaiveDate>, slot: Option<i64>) -> String {
    let mut href = format!("/reserve?ticket={ticket}");
    if let Some(m) = month {
        href.push_str(&format!("&month={m}"));
    }
    if let Some(d) = date {
        href.push_str(&format!("&date={d}"));
    }
    if let Some(s) = slot {
        href.push_str(&format!("&slot={s}"));
    }
    href
}

pub fn time_range(slot_start: chrono::NaiveTime, slot_end: chrono::NaiveTime) -> String {
    format!("{}–{}", slot_start.format("%-I:%M %p"), slot_end.format("%-I:%M %p"))
}

#[component]
pub fn ReservePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key)).filter(|v| !v.is_empty());
    let book = ServerAction::<Book>::new();
    let save_contact = ServerAction::<SaveContact>::new();
    let state = Resource::new(
        move || {
            // Saving contact details redirects to the same address: its version forces a reload.
            let saved = save_contact.version().get();
            let slot = param("slot").and_then(|s| s.parse().ok());
            (param("ticket"), param("month"), param("date"), slot, param("edit").as_deref() == Some("contact"), saved)
        },
        |(ticket, month, date, slot, edit_contact, _)| async move {
            match ticket {
                Some(t) => booking_step(t, month, date, slot, edit_contact).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Book your visit"/>
        <Suspense fallback=|| view! { <p class="card">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(None) => view! { <TicketEntry problem=None value=String::new()/> }.into_any(),
                    Err(e) => view! { <TicketEntry problem=Some(e) value=param("ticket").unwrap_or_default()/> }.into_any(),
                    Ok(Some(s)) => view! { <Steps state=s book=book save_contact=save_contact/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketEntry(problem: Option<AppError>, value: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="entry-title">
            <p class="brand">"Book your visit"</p>
            <h1 id="entry-title">"Enter your ticket code"</h1>
            {problem.map(|e| view! { <p class="problem" role="alert">{e.message}</p> })}
            <form method="get" action="/reserve" class="stack">
                <TicketCodeField name="ticket" value=value/>
                <button type="submit">"Continue"</button>
            </form>
        </section>
    }
}

#[component]
fn Steps(state: BookingState, book: ServerAction<Book>, save_contact: ServerAction<SaveContact>) -> impl IntoView {
    let header = view! {
        <header class="venue">
            <p class="brand">"Book your visit"</p>
            <h1>{state.venue.clone()}</h1>
            <p class="muted">"Ticket "<span class="code">{state.ticket_code.clone()}</span></p>
        </header>
    };
    let Some((email, phone)) = state.contact.clone() else {
        return view! { {header} <ContactForm ticket=state.ticket_code.clone() action=save_contact/> }.into_any();
    };
    view! {
        {header}
        <section class="card contact-summary">
            <p>"Contact: "{email}" · "{phone}" "<a href=format!("/reserve?ticket={}&edit=contact", state.ticket_code)>"Change"</a></p>
        </section>
        <BookProblem book=book ticket=state.ticket_code.clone()/>
        {match state.chosen.clone() {
            Some(slot) => view! { <Confirm state=state chosen=slot book=book/> }.into_any(),
            None => view! { <MonthCalendar state=state.clone()/> <SlotList state=state/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn SlotList(state: BookingState) -> impl IntoView {
    let Some(date) = state.date else {
        return view! { <p class="card muted">"Choose a day to see its times."</p> }.into_any();
    };
    let ticket = state.ticket_code.clone();
    view! {
        <section class="card" aria-labelledby="slots-title">
            <h2 id="slots-title">{date.format("%A, %B %-d").to_string()}</h2>
            <p class="muted">"Times in "{state.time_zone.clone()}</p>
            <ul class="slots">
                {state.slots.into_iter().map(|s| view! { <SlotRow entry=s ticket=ticket.clone() month=state.month/> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn SlotRow(entry: SlotAvailability, ticket: String, month: Month) -> impl IntoView {
    let slot = entry;
    let label = if slot.bookable {
        slot.capacity_status.label()
    } else if slot.available_count == 0 {
        "Full"
    } else {
        "Closed"
    };
    let class = format!("badge {}", label.to_lowercase());
    let times = time_range(slot.start_time, slot.end_time);
    let counts = format!("{}/{} available", slot.available_count, slot.total_capacity);
    view! {
        <li class="slot">
            <span class="time">{times.clone()}</span>
            <span class="count">{counts}</span>
            <span class=class>{label}</span>
            {if slot.bookable {
                view! { <a class="button" href=step_href(&ticket, Some(month), Some(slot.date), Some(slot.id))
                    aria-label=format!("Select {times}")>"Select"</a> }.into_any()
            } else {
                view! { <span class="button disabled" aria-disabled="true">"Select"</span> }.into_any()
            }}
        </li>
    }
}

#[component]
fn Confirm(state: BookingState, chosen: SlotAvailability, book: ServerAction<Book>) -> impl IntoView {
    let slot = chosen;
    let (email, phone) = state.contact.clone().unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="confirm-title">
            <h2 id="confirm-title">"Reservation summary"</h2>
            <dl class="facts">
                <dt>"Ticket"</dt><dd class="code">{state.ticket_code.clone()}</dd>
                <dt>"Date"</dt><dd>{slot.date.format("%A, %B %-d, %Y").to_string()}</dd>
                <dt>"Time"</dt><dd>{time_range(slot.start_time, slot.end_time)}" ("{state.time_zone.clone()}")"</dd>
                <dt>"Where"</dt><dd>{state.venue.clone()}", "{state.address.clone()}</dd>
                <dt>"Email"</dt><dd>{email}</dd>
                <dt>"Phone"</dt><dd>{phone}</dd>
            </dl>
            <ActionForm action=book attr:class="actions">
                <input type="hidden" name="ticket" value=state.ticket_code.clone()/>
                <input type="hidden" name="slot" value=slot.id.to_string()/>
                <a class="button secondary" href=step_href(&state.ticket_code, Some(state.month), Some(slot.date), None)>"← Go back"</a>
                <button type="submit" disabled=move || book.pending().get()>"Confirm reservation"</button>
            </ActionForm>
        </section>
    }
}

/// A booking the server refused (the slot filled meanwhile, …), with the alternatives to pick.
#[component]
fn BookProblem(book: ServerAction<Book>, ticket: String) -> impl IntoView {
    move || {
        book.value().get().and_then(Result::err).map(|e| {
            let ticket = ticket.clone();
            view! {
                <section class="card alert" role="alert">
                    <p class="problem">{e.message.clone()}</p>
                    {(!e.alternatives.is_empty()).then(|| view! {
                        <p>"These times still have places:"</p>
                        <ul class="alternatives">
                            {e.alternatives.into_iter().map(|a| view! { <Alternative alternative=a ticket=ticket.clone()/> }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}

#[component]
fn Alternative(alternative: AlternativeSlot, ticket: String) -> impl IntoView {
    let slot = alternative;
    let href = step_href(&ticket, Some(Month::of(slot.date)), Some(slot.date), Some(slot.slot_id));
    view! {
        <li><a class="button secondary" href=href>
            {slot.date.format("%a %b %-d").to_string()}", "{time_range(slot.start_time, slot.end_time)}
            " · "{slot.available_count}" left"
        </a></li>
    }
}
