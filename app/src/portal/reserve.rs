//! `/reserve?ticket=CODE`: enter the code, give contact details, pick a day and a slot, confirm.
//! Each step is a server-rendered page reached by a link or a form, so the flow completes without
//! JavaScript; hydrated, the fields check themselves as they are typed.
use super::brand::{VenueBrand, VenueName};
use super::calendar::MonthCalendar;
use super::contact_form::{ContactForm, EmailAddress};
use super::ticket_code_field::{about_the_code, TicketCodeField};
use crate::booking::{booking_step, Book, BookingState, Holder, SaveContact, Step, VerifyStep};
use crate::error::AppError;
use crate::title::PageTitle;
use gatehouse::reservation::AlternativeSlot;
use gatehouse::slots::{Month, SlotAvailability};
use gatehouse::wording::{self, time_range};
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReservePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key)).filter(|v| !v.is_empty());
    let book = ServerAction::<Book>::new();
    let save_contact = ServerAction::<SaveContact>::new();
    // Saving contact details redirects to the same address, and a refused booking stays on it:
    // both force a reload, so a slot that filled is no longer offered. A booking that succeeds
    // leaves for the ticket's page and must not: this ticket, booked now, belongs there, and the
    // reload's own redirect would race the booking's (dropping its management link).
    let refusals = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(book.value().get(), Some(Err(_))) {
            refusals.update(|n| *n += 1);
        }
    });
    let state = Resource::new(
        move || {
            let saved = (save_contact.version().get(), refusals.get());
            let slot = param("slot").and_then(|s| s.parse().ok());
            let edit_contact = param("edit").as_deref() == Some("contact");
            (
                param("ticket"),
                param("manage"),
                param("month"),
                param("date"),
                slot,
                edit_contact,
                param("refused"),
                saved,
            )
        },
        |(ticket, manage, month, date, slot, edit_contact, refused, _)| async move {
            match ticket {
                Some(t) => booking_step(t, manage, month, date, slot, edit_contact, refused).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // A refusal belongs to the slot it was about: picking another time clears it.
    Effect::new(move |shown: Option<(Option<String>, Option<String>)>| {
        let choice = (param("date"), param("slot"));
        if shown.is_some_and(|s| s != choice) {
            book.value().set(None);
        }
        choice
    });
    // A step reached without a page load puts focus on its heading, as a page load would put the
    // reader at the top: keyboard and screen-reader users start at the new step, and on a phone
    // the step (the day's times, say) scrolls into view. Not on the first render: hydration must
    // not pull focus from a field the visitor is already typing in.
    Effect::new(move |previous: Option<()>| {
        state.track();
        if previous.is_some() {
            focus_step_heading();
        }
    });
    let venue = VenueName::of_portal();
    view! {
        <PageTitle text="Book your visit"/>
        <Suspense fallback=|| view! { <p class="card">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let found = state.await;
                let venue = if matches!(found, Ok(None) | Err(_)) { venue.name().await } else { String::new() };
                match found {
                    Ok(None) => EitherOf4::A(view! { <TicketEntry problem=None value=String::new() date=param("date") venue/> }),
                    Err(e) => EitherOf4::B(view! { <TicketEntry problem=Some(e) value=param("ticket").unwrap_or_default() date=param("date") venue/> }),
                    Ok(Some(Step::Show(s))) => EitherOf4::C(view! { <Steps state=*s actions=Actions { book, save_contact }/> }),
                    // Shown only for the moment before the redirect lands.
                    Ok(Some(Step::Elsewhere(to))) => EitherOf4::D(view! {
                        <p class="card"><a href=to>"Go to your ticket"</a></p>
                    }),
                }
            })}
        </Suspense>
    }
}

/// `date`: a day chosen on the start page, carried on to the calendar.
#[component]
fn TicketEntry(problem: Option<AppError>, value: String, date: Option<String>, venue: String) -> impl IntoView {
    let date = date.as_deref().and_then(gatehouse::wire::parse_date);
    // A refusal of the code itself is said at the field; anything else above the form.
    let (banner, refused) = match problem {
        Some(e) if about_the_code(&e) => (None, Some(e.message)),
        other => (other, None),
    };
    view! {
        <section class="card" aria-labelledby="entry-title">
            <VenueBrand name=venue/>
            <StageIndicator current=Stage::Ticket/>
            <h1 id="entry-title" tabindex="-1">"Enter your ticket code"</h1>
            {date.map(|d| view! {
                <p class="chosen">"You chose "<strong>{wording::day_and_date(d)}</strong>": enter your ticket code to see its times."</p>
            })}
            {banner.map(|e| view! { <p class="problem" role="alert">{e.message}</p> })}
            <form method="get" action="/reserve" class="stack">
                {date.map(|d| view! { <input type="hidden" name="date" value=d.to_string()/> })}
                <TicketCodeField name="ticket" value=value refused=refused/>
                <button type="submit">"Continue"</button>
            </form>
        </section>
    }
}

/// The forms of the flow, made once per page so their results survive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    book: ServerAction<Book>,
    save_contact: ServerAction<SaveContact>,
}

#[component]
fn Steps(state: BookingState, actions: Actions) -> impl IntoView {
    let changing = state.current.is_some();
    let contact = state.contact.clone();
    let stage = match (&contact, state.date, &state.chosen) {
        (None, ..) if !changing => Stage::Contact,
        _ if state.verify.is_some() => Stage::Contact,
        (_, _, Some(_)) => Stage::Confirm,
        (_, Some(_), None) => Stage::Time,
        _ => Stage::Date,
    };
    let header = view! {
        <header class="venue">
            <p class="brand">{if changing { "Change your visit" } else { "Book your visit" }}</p>
            <h1>{state.venue.clone()}</h1>
            <p class="muted">"Ticket "<span class="code">{state.ticket_code.clone()}</span></p>
            <StageIndicator current=stage/>
        </header>
    };
    if contact.is_none() && !changing {
        return EitherOf3::A(
            view! { {header} <ContactForm ticket=state.ticket_code.clone() action=actions.save_contact draft=state.draft.clone() date=state.date/> },
        );
    }
    if let Some(verify) = state.verify.clone() {
        return EitherOf3::B(view! { {header} <VerifyForm ticket=state.ticket_code.clone() verify date=state.date/> });
    }
    EitherOf3::C(view! {
        {header}
        {state.current.clone().map(|r| view! {
            <section class="card current">
                <p>"You are booked for "<strong>{wording::visit(r.date, r.start_time, r.end_time)}</strong>". "
                   "Choose another day and time below to move your visit."</p>
                <p><a class="destructive" href=format!("{}&cancel=1", state.holder.ticket_page())>"Cancel the reservation instead"</a></p>
            </section>
        })}
        {contact.map(|(email, phone)| view! {
            <section class="card contact-summary">
                <p>"Contact: "<EmailAddress address=email/>" · "{phone}" "
                   {(!changing).then(|| view! { <a href=format!("/reserve?ticket={}&edit=contact", state.ticket_code)>"Change"</a> })}
                </p>
            </section>
        })}
        <BookProblem actions=actions holder=state.holder.clone()/>
        {match state.chosen.clone() {
            Some(slot) => Either::Left(view! { <Confirm state=state chosen=slot actions=actions/> }),
            // Side by side on a desktop (style/main.css), one above the other on a phone.
            None => Either::Right(view! { <div class="pick"><MonthCalendar state=state.clone()/> <SlotList state=state/></div> }),
        }}
    })
}

/// The code sent to the contact's address, where the organization asks for it. Plain forms: the
/// answer is a redirect either way, and the page's code carries nothing for them.
#[component]
fn VerifyForm(ticket: String, verify: VerifyStep, date: Option<chrono::NaiveDate>) -> impl IntoView {
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="verify-title">
            <h2 id="verify-title" tabindex="-1">"Confirm your e-mail address"</h2>
            <p>"We sent a 6-digit code to "<strong>{verify.email}</strong>" and by text to your phone. Enter it to choose your time. It lasts 5 minutes."</p>
            {verify.problem.map(|p| view! { <p class="problem" role="alert" id="code-problem">{p}</p> })}
            <form method="post" action="/sfn/confirm_contact" class="stack">
                <input type="hidden" name="ticket" value=ticket.clone()/>
                <input type="hidden" name="date" value=date.clone()/>
                <label for="code">"Code"</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}"
                    maxlength="7" required aria-describedby="code-problem"/>
                <button type="submit">"Continue"</button>
            </form>
            <form method="post" action="/sfn/resend_contact_code" class="actions">
                <input type="hidden" name="ticket" value=ticket.clone()/>
                <input type="hidden" name="date" value=date/>
                <button type="submit" class="secondary">"Send a new code"</button>
                <a href=format!("/reserve?ticket={ticket}&edit=contact")>"Use another address"</a>
            </form>
        </section>
    }
}

#[component]
fn SlotList(state: BookingState) -> impl IntoView {
    let Some(date) = state.date else {
        return Either::Left(view! { <p class="card muted">"Choose a day to see its times."</p> });
    };
    let holder = state.holder.clone();
    let month = state.month;
    // Rendered from the page's data, then kept current by the server while the page is open.
    let slots = RwSignal::new(state.slots);
    crate::live::follow_day(state.orq, date, slots);
    Either::Right(view! {
        <section class="card" aria-labelledby="slots-title">
            <h2 id="slots-title" tabindex="-1">{wording::day_and_date(date)}</h2>
            <p class="muted">"Times are "{state.time_zone.clone()}". "{state.arrival.clone()}</p>
            <ul class="slots" aria-live="polite">
                {move || slots.get().into_iter().map(|s| view! { <SlotRow entry=s holder=holder.clone() month=month/> }).collect_view()}
            </ul>
        </section>
    })
}

#[component]
fn SlotRow(entry: SlotAvailability, holder: Holder, month: Month) -> impl IntoView {
    let slot = entry;
    let (label, class) = if !slot.bookable {
        if slot.available_count == 0 {
            ("Full", "badge full")
        } else {
            ("Closed", "badge closed")
        }
    } else if slot.capacity_status == gatehouse::slots::capacity::CapacityStatus::Limited {
        ("Limited", "badge limited")
    } else {
        ("Available", "badge available")
    };
    let times = time_range(slot.start_time, slot.end_time);
    let left = slot.bookable.then(|| format!("{} left", slot.available_count));
    view! {
        <li class="slot">
            <span class="time">{times.clone()}</span>
            <span class="count">{left}</span>
            <span class=class>{label}</span>
            {if slot.bookable {
                Either::Left(view! { <a class="button" href=holder.step(Some(month), Some(slot.date), Some(slot.id))
                    aria-label=format!("Select {times}")>"Select"</a> })
            } else {
                Either::Right(view! { <span class="button disabled" aria-disabled="true">"Select"</span> })
            }}
        </li>
    }
}

#[component]
fn Confirm(state: BookingState, chosen: SlotAvailability, actions: Actions) -> impl IntoView {
    let slot = chosen;
    let (email, phone) = state.contact.clone().unwrap_or_default();
    let back = state.holder.step(Some(state.month), Some(slot.date), None);
    let changing = state.current.is_some();
    view! {
        <section class="card" aria-labelledby="confirm-title">
            <h2 id="confirm-title" tabindex="-1">{if changing { "Your new time" } else { "Reservation summary" }}</h2>
            <dl class="facts">
                <dt>"Ticket"</dt><dd class="code">{state.ticket_code.clone()}</dd>
                {state.current.clone().map(|r| view! {
                    <dt>"Was"</dt><dd><s>{wording::short_date(r.date)}", "{time_range(r.start_time, r.end_time)}</s></dd>
                })}
                <dt>"Date"</dt><dd>{wording::full_date(slot.date)}</dd>
                <dt>"Time"</dt><dd>{time_range(slot.start_time, slot.end_time)}" ("{state.time_zone.clone()}")"</dd>
                <dt>"Where"</dt><dd>{state.venue.clone()}", "{state.address.clone()}</dd>
                <dt>"Email"</dt><dd><EmailAddress address=email/></dd>
                <dt>"Phone"</dt><dd>{phone}</dd>
            </dl>
            {state.final_notice.clone().map(|text| view! { <p class="warning" role="note">{text}</p> })}
            <ActionForm action=actions.book attr:class="actions">
                <input type="hidden" name="ticket" value=state.ticket_code.clone()/>
                <input type="hidden" name="slot" value=slot.id.to_string()/>
                {changing.then(|| view! {
                    <input type="hidden" name="change" value="1"/>
                    <input type="hidden" name="manage" value=state.holder.manage.clone().unwrap_or_default()/>
                })}
                <a class="button secondary" href=back>"← Go back"</a>
                <button type="submit" disabled=move || actions.book.pending().get()>
                    {if changing { "Confirm change" } else { "Confirm reservation" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// A booking or change the server refused (the slot filled meanwhile, …), with the
/// alternatives to pick.
#[component]
fn BookProblem(actions: Actions, holder: Holder) -> impl IntoView {
    move || {
        actions.book.value().get().and_then(Result::err).map(|e| {
            let holder = holder.clone();
            view! {
                <section class="card alert" role="alert">
                    <p class="problem">{e.message.clone()}</p>
                    {(!e.alternatives.is_empty()).then(|| view! {
                        <p>"These times still have places:"</p>
                        <ul class="alternatives">
                            {e.alternatives.into_iter().map(|a| view! { <Alternative alternative=a holder=holder.clone()/> }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}

#[component]
fn Alternative(alternative: AlternativeSlot, holder: Holder) -> impl IntoView {
    let slot = alternative;
    let href = holder.step(Some(Month::of(slot.date)), Some(slot.date), Some(slot.slot_id));
    view! {
        <li><a class="button secondary" href=href>
            {wording::short_date(slot.date)}", "{time_range(slot.start_time, slot.end_time)}
            " · "{slot.available_count}" left"
        </a></li>
    }
}

/// Where the visitor is in the flow.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Ticket,
    Contact,
    Date,
    Time,
    Confirm,
}

const STAGES: [(Stage, &str); 5] = [
    (Stage::Ticket, "Ticket"),
    (Stage::Contact, "Contact"),
    (Stage::Date, "Date"),
    (Stage::Time, "Time"),
    (Stage::Confirm, "Confirm"),
];

/// Ticket · Contact · Date · Time · Confirm, the current one marked for eyes and screen readers.
#[component]
fn StageIndicator(current: Stage) -> impl IntoView {
    view! {
        <ol class="stages" aria-label="Booking steps">
            {STAGES.iter().map(|(stage, name)| {
                let class = if *stage < current { "done" } else if *stage == current { "now" } else { "" };
                view! { <li class=class aria-current=(*stage == current).then_some("step")>{*name}</li> }
            }).collect_view()}
        </ol>
    }
}

/// Focuses the current step's heading (each has `tabindex="-1"`) once the step has rendered.
fn focus_step_heading() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        // The furthest step shown: the day's times sit below the calendar, the summary replaces both.
        let ids = ["confirm-title", "slots-title", "calendar-title", "contact-title", "entry-title"];
        let heading = ids.iter().find_map(|id| document().get_element_by_id(id));
        if let Some(heading) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = heading.focus();
            // Focus scrolls only as far as the heading; the step's content (a day's times) is below it.
            heading.scroll_into_view_with_bool(true);
        }
    });
}
