//! The month calendar of the booking flow: each day a link when it can be booked, its state said
//! in words as well as colour.
use crate::booking::BookingState;
use gatehouse::slots::calendar::{CalendarDay, DayState};
use gatehouse::wording;
use leptos::either::Either;
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
    let holder = state.holder.clone();
    let title = wording::month_and_year(state.month.year, state.month.month);
    // Short labels fit a 360 px screen beside the month's name; the rest of the words are there
    // for screen readers, so the accessible name starts with what is seen.
    let nav = |month: Option<gatehouse::slots::Month>, rel: &'static str| {
        let (seen, hidden, arrow) =
            if rel == "prev" { ("‹ Prev", "ious month", "") } else { ("Next", " month", " ›") };
        let words = move || view! { {seen}<span class="visually-hidden">{hidden}</span>{arrow} };
        match month {
            Some(m) => Either::Left(view! {
                <a class="button secondary" rel=rel href=holder.step(Some(m), None, None)>{words()}</a>
            }),
            None => {
                Either::Right(view! { <span class="button secondary disabled" aria-disabled="true">{words()}</span> })
            }
        }
    };
    let grid = NodeRef::<leptos::html::Table>::new();
    Effect::new(move |_| {
        if let Some(table) = grid.get() {
            one_tab_stop(&table);
        }
    });
    view! {
        <section class="card" aria-labelledby="calendar-title">
            <div class="calendar-head">
                {nav(state.previous_month, "prev")}
                <h2 id="calendar-title" aria-live="polite" tabindex="-1">{title.clone()}</h2>
                {nav(state.next_month, "next")}
            </div>
            <table class="calendar" aria-labelledby="calendar-title" on:keydown=move_between_days node_ref=grid>
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
                <span class="dot unavailable">"○"</span>" no places  · underlined: today"
            </p>
        </section>
    }
}

#[component]
fn Day(day: CalendarDay, state: BookingState) -> impl IntoView {
    if day.state == DayState::OtherMonth {
        return Either::Left(view! { <td class="other"></td> });
    }
    let selected = state.date == Some(day.date);
    let number = chrono::Datelike::day(&day.date).to_string();
    let day_attr = number.clone();
    let mut label = day.label.clone();
    if selected {
        label.push_str(", selected");
    }
    let class = format!(
        "day {}{}{}",
        day.state.css_class(),
        if day.date == state.today { " today" } else { "" },
        if selected { " selected" } else { "" }
    );
    let mark = match day.state {
        DayState::Available => "●",
        DayState::Limited => "◐",
        DayState::Unavailable => "○",
        _ => "",
    };
    Either::Right(view! {
        <td class=class data-date=day.date.to_string()>
            {if day.state.bookable() {
                Either::Left(view! {
                    // Without JavaScript the page loads scrolled to the day's times.
                    <a href=format!("{}#slots-title", state.holder.step(Some(state.month), Some(day.date), None))
                       aria-label=label aria-current=selected.then_some("date") data-day=day_attr>
                        <span class="num">{number}</span><span class="mark" aria-hidden="true">{mark}</span>
                    </a>
                })
            } else {
                Either::Right(view! { <span aria-label=label aria-disabled="true" tabindex="-1" data-day=day_attr><span class="num">{number}</span><span class="mark" aria-hidden="true">{mark}</span></span> })
            }}
        </td>
    })
}

/// Arrow keys move focus a day or a week, Home and End to the week's ends; Enter then follows
/// the focused day's link. Days without places take focus too, so the grid has no holes.
fn move_between_days(event: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(from) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(cell) = from.closest("[data-day]").ok().flatten() else { return };
        let Some(day) = cell.get_attribute("data-day").and_then(|d| d.parse::<i32>().ok()) else { return };
        let Some(grid) = cell.closest("table").ok().flatten() else { return };
        // Column of the day: its cell's position in the row (Monday first).
        let column = cell.parent_element().map(|td| {
            let mut c = 0;
            let mut sibling = td.previous_element_sibling();
            while let Some(s) = sibling {
                c += 1;
                sibling = s.previous_element_sibling();
            }
            c
        });
        let target = match (event.key().as_str(), column) {
            ("ArrowLeft", _) => day - 1,
            ("ArrowRight", _) => day + 1,
            ("ArrowUp", _) => day - 7,
            ("ArrowDown", _) => day + 7,
            ("Home", Some(c)) => day - c,
            ("End", Some(c)) => day + 6 - c,
            _ => return,
        };
        event.prevent_default();
        let found = grid.query_selector(&format!("[data-day=\"{target}\"]")).ok().flatten();
        if let Some(next) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = cell.set_attribute("tabindex", "-1");
            let _ = next.set_attribute("tabindex", "0");
            let _ = next.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

/// The grid is one Tab stop (a roving tabindex): Tab reaches the chosen day, else the first day
/// with places, and the arrows move from there. Hydrated only: without JavaScript there are no
/// arrows, and every day link stays reachable by Tab.
fn one_tab_stop(grid: &leptos::web_sys::HtmlTableElement) {
    #[cfg(feature = "hydrate")]
    {
        let anchor = ["[aria-current=date]", "a[data-day]", "[data-day]"]
            .iter()
            .find_map(|selector| grid.query_selector(selector).ok().flatten());
        if let Ok(days) = grid.query_selector_all("[data-day]") {
            for i in 0..days.length() {
                if let Some(day) =
                    days.item(i).and_then(|d| wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(d).ok())
                {
                    let _ = day.set_attribute("tabindex", "-1");
                }
            }
        }
        if let Some(anchor) = anchor {
            let _ = anchor.set_attribute("tabindex", "0");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = grid;
}
