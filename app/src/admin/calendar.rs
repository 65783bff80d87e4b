//! `/admin/slots?month=2026-12&day=2026-12-05`: the month's slots, each day's utilization in
//! numbers and a band named in words (colour and pattern only repeat it), and the chosen day's
//! slots with their forms. Links and forms, so it all works without JavaScript.
use super::bulk_edit::BulkEditForm;
use super::frame::AdminFrame;
use super::slot_actions::{admin_slots_month, SlotsMonth};
use super::slot_editor::SlotEditor;
use chrono::{Datelike, NaiveDate};
use gatehouse::slots::calendar::weeks_of;
use gatehouse::slots::overview::{AdminDay, Band};
use gatehouse::slots::Month;
use gatehouse::wording;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const BANDS: [(Band, &str); 4] = [
    (Band::Low, "under 50 % booked"),
    (Band::Busy, "50–90 % booked"),
    (Band::High, "over 90 % booked"),
    (Band::Closed, "every slot closed"),
];

#[component]
pub fn SlotsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key)).filter(|v| !v.is_empty());
    // Bumped by every form that changes a slot, so the month is read again.
    let changed = RwSignal::new(0u32);
    let month = Resource::new(move || (param("month"), changed.get()), |(m, _)| admin_slots_month(m));
    view! {
        <AdminFrame title="Calendar">
            <p><a class="button secondary" href="/admin/slots/generate">"Generate slots from rules"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { match month.await {
                    Ok(m) => {
                        let day = param("day").as_deref().and_then(gatehouse::wire::parse_date).filter(|d| Month::of(*d) == m.month);
                        view! { <MonthView month=m day=day changed=changed/> }.into_any()
                    }
                    Err(e) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
                }})}
            </Suspense>
            <BulkEditForm changed=changed/>
        </AdminFrame>
    }
}

fn month_link(month: Month, day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => format!("/admin/slots?month={month}&day={d}#day"),
        None => format!("/admin/slots?month={month}"),
    }
}

#[component]
fn MonthView(month: SlotsMonth, day: Option<NaiveDate>, changed: RwSignal<u32>) -> impl IntoView {
    let m = month.month;
    let title = wording::month_and_year(m.year, m.month);
    let (prev, next) = (m.plus(-1), m.plus(1));
    let days = month.days.clone();
    let weeks = weeks_of(m);
    let chosen = day.map(|d| {
        let slots: Vec<_> = month.slots.iter().filter(|s| s.date == d).cloned().collect();
        (d, slots)
    });
    view! {
        <section class="card" aria-labelledby="month-title">
            <div class="calendar-head">
                <a class="button secondary" rel="prev" href={month_link(prev, None)}>
                    "‹ "{wording::month_and_year(prev.year, prev.month)}
                </a>
                <h2 id="month-title">{title.clone()}</h2>
                <a class="button secondary" rel="next" href={month_link(next, None)}>
                    {wording::month_and_year(next.year, next.month)}" ›"
                </a>
            </div>
            <ul class="bands" aria-label="Utilization bands">
                {BANDS.iter().map(|(band, words)| view! {
                    <li><span class={format!("swatch {}", band.css_class())} aria-hidden="true"></span>
                        <strong>{band.label()}</strong>": "{*words}</li>
                }).collect_view()}
            </ul>
            <table class="admin-month" aria-labelledby="month-title">
                <thead><tr>
                    {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].into_iter().map(|d| view! { <th scope="col">{d}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {weeks.into_iter().map(|week| view! {
                        <tr>{week.into_iter().map(|d| view! {
                            <DayCell date=d month=m summary={days.iter().find(|s| s.date == d).cloned()} chosen={day == Some(d)} today=month.today/>
                        }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {chosen.map(|(d, slots)| view! {
            <section class="card" id="day" aria-labelledby="day-title">
                <h2 id="day-title">{wording::full_date(d)}</h2>
                {if slots.is_empty() {
                    view! { <p class="muted">"No slots on this day."</p> }.into_any()
                } else {
                    view! {
                        <ul class="slot-list">
                            {slots.into_iter().map(|s| view! { <SlotEditor entry=s changed=changed/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
    }
}

#[component]
fn DayCell(date: NaiveDate, month: Month, summary: Option<AdminDay>, chosen: bool, today: NaiveDate) -> impl IntoView {
    if Month::of(date) != month {
        return view! { <td class="other"></td> }.into_any();
    }
    let class = match &summary {
        Some(s) => format!("day {}", s.band().css_class()),
        None => "day empty".to_string(),
    };
    let label = summary.as_ref().map(|s| s.band().label()).unwrap_or("no slots");
    view! {
        <td class=class>
            <a href={month_link(month, Some(date))} aria-current={chosen.then_some("true")}>
                <span class="date">{date.day()}<span class="visually-hidden">{format!(" {}", wording::full_date(date))}</span></span>
                {(date == today).then(|| view! { <span class="today">"today"</span> })}
                {summary.map(|s| view! {
                    <span class="figures">{s.utilization()}</span>
                    <span class="band-label">{label}</span>
                    {(s.closed > 0 && s.closed < s.slots).then(|| view! { <span class="closed-count">{format!("{} closed", s.closed)}</span> })}
                })}
                {(label == "no slots").then(|| view! { <span class="band-label">"no slots"</span> })}
            </a>
        </td>
    }
    .into_any()
}
