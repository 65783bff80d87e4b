//! The month calendar of the booking flow: each day a link when it can be booked, its state said
//! in words as well as colour.
use super::reserve::step_href;
use crate::booking::BookingState;
use gatehouse::calendar::{CalendarDay, DayState};
use leptos::prelude::*;

const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

#[component]
pub fn MonthCalendar(state: BookingState) -> impl IntoView {
    let ticket = state.ticket_code.clone();
    let title = state.month.first_day().map(|d| d.format("%B %Y").to_string()).unwrap_or_default();
    let nav = |month: Option<gatehouse::slots::Month>, label: &'static str, rel: &'static str| match month {
        Some(m) => {
            view! { <a class="button secondary" rel=rel href=step_href(&ticket, Some(m), None, None)>{label}</a> }
                .into_any()
        }
        None => view! { <span class="button secondary disabled" aria-disabled="true">{label}</span> }.into_any(),
    };
    view! {
        <section class="card" aria-labelledby="calendar-title">
            <div class="calendar-head">
                {nav(state.previous_month, "‹ Previous", "prev")}
                <h2 id="calendar-title" aria-live="polite">{title.clone()}</h2>
                {nav(state.next_month, "Next ›", "next")}
            </div>
            <table class="calendar" aria-labelledby="calendar-title">
                <thead><tr>
                    {WEEKDAYS.iter().map(|(short, long)| view! { <th scope="col"><abbr title=*long>{*short}</abbr></th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {state.weeks.iter().map(|week| view! {
                        <tr>{week.iter().map(|day| view! { <Day day=day.clone() state=state.clone()/> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="legend">
                <span class="dot available">"●"</span>" available  "
                <span class="dot limited">"◐"</span>" limited  "
                <span class="dot unavailable">"○"</span>" no places"
            </p>
        </section>
    }
}

#[component]
fn Day(day: CalendarDay, state: BookingState) -> impl IntoView {
    if day.state == DayState::OtherMonth {
        return view! { <td class="other"></td> }.into_any();
    }
    let selected = state.date == Some(day.date);
    let number = day.date.format("%-d").to_string();
    let mut label = format!("{}, {}", day.date.format("%A, %B %-d"), day.state.label());
    if selected {
        label.push_str(", selected");
    }
    let class = format!("day {:?}{}", day.state, if selected { " selected" } else { "" }).to_lowercase();
    let mark = match day.state {
        DayState::Available => "●",
        DayState::Limited => "◐",
        _ => "",
    };
    view! {
        <td class=class>
            {if day.state.bookable() {
                view! {
                    <a href=step_href(&state.ticket_code, Some(state.month), Some(day.date), None)
                       aria-label=label aria-current=selected.then_some("date") data-date=day.date.to_string()>
                        <span class="num">{number}</span><span class="mark" aria-hidden="true">{mark}</span>
                    </a>
                }.into_any()
            } else {
                view! { <span aria-label=label aria-disabled="true"><span class="num">{number}</span></span> }.into_any()
            }}
        </td>
    }
    .into_any()
}
