//! The start page: the venue and when it is open, booking with a ticket code, the next days (each
//! a way into booking that day), and, second, looking a ticket up.
use super::ticket_code_field::TicketCodeField;
use crate::server::venue_overview;
use crate::title::PageTitle;
use gatehouse::slots::capacity::CapacityStatus;
use gatehouse::slots::DaySummary;
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let overview = Resource::new(|| (), |_| venue_overview());
    view! {
        <PageTitle text=""/>
        <Suspense fallback=|| view! { <p class="card">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => Either::Left(view! {
                        <header class="venue">
                            <p class="brand">"Gatehouse"</p>
                            <h1>{o.venue.clone()}</h1>
                            <p class="muted">{o.address.clone()}</p>
                            <p class="hours">{o.opening_hours.clone()}</p>
                        </header>
                        <section class="card book" aria-labelledby="book-title">
                            <h2 id="book-title">"Book your visit"</h2>
                            <p>"Every visit needs a ticket, bought online or pre-printed: enter its code, then pick a date and time."</p>
                            <form method="get" action="/reserve" class="stack">
                                <TicketCodeField name="ticket"/>
                                <button type="submit">"Book a time"</button>
                            </form>
                        </section>
                        <section class="card" aria-labelledby="next-days">
                            <h2 id="next-days">"The next days"</h2>
                            <p class="muted">"Choose a day to book a time on it."</p>
                            <ul class="days">
                                {o.days.into_iter().map(|d| view! { <DayRow day=d/> }).collect_view()}
                            </ul>
                        </section>
                        <section class="card lookup" aria-labelledby="lookup-title">
                            <h2 id="lookup-title">"Already booked?"</h2>
                            <p class="muted">"Look up your ticket to see your visit, or to change or cancel it."</p>
                            <form method="get" action="/ticket" class="stack">
                                <TicketCodeField name="code" id="lookup-code" hint="lookup-code-hint"/>
                                <button type="submit" class="secondary">"Look up my ticket"</button>
                            </form>
                        </section>
                    }),
                    Err(e) => Either::Right(view! {
                        <section class="card" role="alert">
                            <h1>"Gatehouse"</h1>
                            <p>{e.message}</p>
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}

/// A day with places is a link into booking it; a day without is not, and says so in words.
#[component]
fn DayRow(day: DaySummary) -> impl IntoView {
    let link = Some(format!("/reserve?date={}", day.date));
    let (class, label, href) = match (day.bookable_slots, day.capacity_status) {
        (0, _) | (_, CapacityStatus::Full) => ("badge full", "No places left".to_string(), None),
        (_, CapacityStatus::Limited) => ("badge limited", format!("Limited · {} left", day.available), link),
        (_, CapacityStatus::Available) => ("badge available", format!("{} places left", day.available), link),
    };
    view! {
        <li><a href=href>
            <span class="day">{gatehouse::wording::short_date(day.date)}</span>
            <span class=class>{label}</span>
        </a></li>
    }
}
