//! The start page: where the venue is, how the next days look, and a way in with a ticket code.
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
            {move || overview.get().map(|found| {
                match found {
                    Ok(o) => Either::Left(view! {
                        <header class="venue">
                            <p class="brand">"Gatehouse"</p>
                            <h1>{o.venue.clone()}</h1>
                            <p class="muted">{o.address.clone()}" · times are "{o.time_zone.clone()}</p>
                        </header>
                        <section class="card" aria-labelledby="have-ticket">
                            <h2 id="have-ticket">"Have a ticket?"</h2>
                            <p>"Enter its code to see its status and reservation."</p>
                            <form method="get" action="/ticket" class="stack">
                                <TicketCodeField name="code"/>
                                <button type="submit">"Look up my ticket"</button>
                            </form>
                        </section>
                        <section class="card" aria-labelledby="next-days">
                            <h2 id="next-days">"The next days"</h2>
                            <ul class="days">
                                {o.days.into_iter().map(|d| view! { <DayRow day=d/> }).collect_view()}
                            </ul>
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

#[component]
fn DayRow(day: DaySummary) -> impl IntoView {
    let (class, label) = match (day.bookable_slots, day.capacity_status) {
        (0, _) | (_, CapacityStatus::Full) => ("badge full", "No visits left".to_string()),
        (_, status) => (
            if status == CapacityStatus::Limited { "badge limited" } else { "badge available" },
            format!("{} · {} places", status.label(), day.available),
        ),
    };
    view! {
        <li>
            <span class="day">{gatehouse::wording::short_date(day.date)}</span>
            <span class=class>{label}</span>
        </li>
    }
}
