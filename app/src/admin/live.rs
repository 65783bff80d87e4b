//! `/admin/live`: the venue's day as it happens. Rendered on the server with the current
//! snapshot (`gatehouse::ops`), so it reads without JavaScript; in the browser it follows
//! `/admin/live/stream` (server-sent events, `server/src/live_ops.rs`) and replaces the figures
//! with each new snapshot. No polling: the server sends when something changed. Every figure is
//! a number in a table; colour only repeats what the words say.
use super::AdminFrame;
use crate::error::AppError;
use gatehouse::ops::{outcome_label, Alert, CheckIn, Rate, ReasonCount, SlotLine, SlotWhen, Snapshot};
use gatehouse::wording::{clock_time, full_date, time_range};
use leptos::either::Either;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "admin_live", output = crate::codec::JsonText)]
pub async fn live_snapshot() -> Result<Snapshot, AppError> {
    use crate::server::ssr::{engine, no_venue, storage};
    let engine = engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    gatehouse::ops::snapshot(&engine.db, admin.orq, engine.now()).await.map_err(storage)?.ok_or_else(no_venue)
}

#[component]
pub fn LivePage() -> impl IntoView {
    let first = Resource::new(|| (), |_| live_snapshot());
    view! {
        <AdminFrame title="Live operations">
            <Suspense fallback=|| view! { <p class="card">"Loading…"</p> }>
                {move || Suspend::new(async move { match first.await {
                    Ok(snapshot) => Either::Left(view! { <Live first=snapshot/> }),
                    Err(e) => Either::Right(view! { <p class="card problem" role="alert">{e.message}</p> }),
                }})}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn Live(first: Snapshot) -> impl IntoView {
    let live = RwSignal::new(first);
    crate::live::follow("/admin/live/stream".to_string(), "snapshot", live);
    let now = move || live.with(|s| format!("{} · as of {}", full_date(s.today), clock_time(s.as_of)));
    view! {
        <p class="muted live-as-of">{now}</p>
        <section class="card" aria-labelledby="alerts-title">
            <h2 id="alerts-title">"Alerts"</h2>
            <div role="status" aria-live="polite">
                {move || live.with(|s| alerts_view(&s.alerts))}
            </div>
        </section>
        <section class="card" aria-labelledby="now-title">
            <h2 id="now-title">"Now"</h2>
            <dl class="facts live-now">
                <dt>"Inside (admitted to the running slots)"</dt>
                <dd>{move || live.with(|s| s.occupancy)}</dd>
                <dt>"Scans, last 15 minutes"</dt>
                <dd>{move || live.with(|s| rate_text(s.door_recent))}</dd>
                <dt>"Scans today"</dt>
                <dd>{move || live.with(|s| rate_text(s.door_today))}</dd>
                <dt>"Booking attempts, last 15 minutes"</dt>
                <dd>{move || live.with(|s| rate_text(s.bookings_recent))}</dd>
                <dt>"Booking attempts today"</dt>
                <dd>{move || live.with(|s| rate_text(s.bookings_today))}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="slots-title">
            <h2 id="slots-title">"Today’s slots"</h2>
            <div class="table-scroll">
                <table class="numbers">
                    <thead><tr>
                        <th scope="col">"Time"</th><th scope="col">"Booked"</th><th scope="col">"Capacity"</th>
                        <th scope="col">"Booked %"</th><th scope="col">"Admitted"</th><th scope="col">"Not yet arrived"</th>
                        <th scope="col">"State"</th>
                    </tr></thead>
                    <tbody>{move || live.with(|s| s.slots.iter().map(slot_row).collect_view())}</tbody>
                </table>
            </div>
        </section>
        <section class="card" aria-labelledby="minutes-title">
            <h2 id="minutes-title">"Scans per minute, last 15 minutes"</h2>
            <div class="table-scroll">
                <table class="numbers per-minute">
                    <thead><tr><th scope="col">"Minute"</th><th scope="col">"Scans"</th></tr></thead>
                    <tbody>{move || live.with(|s| s.scans_per_minute.iter().map(|m| view! {
                        <tr><th scope="row">{clock_time(m.minute)}</th><td>{m.scans}</td></tr>
                    }).collect_view())}</tbody>
                </table>
            </div>
        </section>
        <section class="card" aria-labelledby="refusals-title">
            <h2 id="refusals-title">"Refusals at the door by reason"</h2>
            {move || live.with(|s| refusals_view(&s.refusals_recent, &s.refusals_today))}
        </section>
        <section class="card" aria-labelledby="latest-title">
            <h2 id="latest-title">"Latest check-ins"</h2>
            {move || live.with(|s| checkins_view(&s.latest, "No one has been scanned today yet."))}
        </section>
        <section class="card" aria-labelledby="conflicts-title">
            <h2 id="conflicts-title">"Offline conflicts today"</h2>
            <p>{move || live.with(|s| match s.conflicts_today {
                0 => "None: no offline scan found its ticket admitted elsewhere first.".to_string(),
                1 => "1 offline scan found its ticket admitted elsewhere first.".to_string(),
                n => format!("{n} offline scans found their ticket admitted elsewhere first."),
            })}</p>
            {move || live.with(|s| (!s.conflicts.is_empty()).then(|| checkins_view(&s.conflicts, "")))}
        </section>
    }
}

fn rate_text(rate: Rate) -> String {
    match rate.total {
        0 => "none".to_string(),
        total => format!("{total}, {} refused ({} %)", rate.refused, rate.percent()),
    }
}

fn alerts_view(alerts: &[Alert]) -> impl IntoView {
    if alerts.is_empty() {
        return Either::Left(view! { <p class="muted">"No alerts."</p> });
    }
    let items = alerts
        .iter()
        .map(|alert| {
            let text = match alert {
                Alert::SlotNearlyFull { start, end, booked, capacity, .. } => format!(
                    "Nearly full: {} has {booked} of {capacity} places booked ({} %).",
                    time_range(*start, *end),
                    booked * 100 / (*capacity).max(1)
                ),
                Alert::DoorRefusals(r) => format!(
                    "Many refusals at the door: {} of {} scans in the last 15 minutes ({} %).",
                    r.refused,
                    r.total,
                    r.percent()
                ),
                Alert::BookingRefusals(r) => format!(
                    "Many bookings refused: {} of {} attempts in the last 15 minutes ({} %).",
                    r.refused,
                    r.total,
                    r.percent()
                ),
            };
            view! { <li><strong>"Alert: "</strong>{text}</li> }
        })
        .collect_view();
    Either::Right(view! { <ul class="live-alerts">{items}</ul> })
}

fn slot_row(slot: &SlotLine) -> impl IntoView {
    let state = match (slot.closed, slot.when) {
        (true, _) => "Closed",
        (false, SlotWhen::Upcoming) => "Upcoming",
        (false, SlotWhen::Running) => "Running now",
        (false, SlotWhen::Ended) => "Ended",
    };
    view! {
        <tr class=(slot.when == SlotWhen::Running).then_some("running")>
            <th scope="row">{time_range(slot.start, slot.end)}</th>
            <td>{slot.booked}</td>
            <td>{slot.capacity}</td>
            <td>{format!("{} %", slot.utilization())}</td>
            <td>{slot.admitted}</td>
            <td>{(slot.booked - slot.admitted).max(0)}</td>
            <td>{state}</td>
        </tr>
    }
}

fn refusals_view(recent: &[ReasonCount], today: &[ReasonCount]) -> impl IntoView {
    if today.is_empty() && recent.is_empty() {
        return Either::Left(view! { <p class="muted">"No refusals today."</p> });
    }
    let count = |list: &[ReasonCount], reason: &str| list.iter().find(|r| r.reason == reason).map_or(0, |r| r.count);
    let mut reasons: Vec<&str> = today.iter().map(|r| r.reason.as_str()).collect();
    reasons.extend(recent.iter().map(|r| r.reason.as_str()).filter(|r| !today.iter().any(|t| t.reason == *r)));
    let rows = reasons
        .into_iter()
        .map(|reason| {
            view! {
                <tr>
                    <th scope="row">{outcome_label(reason).to_string()}</th>
                    <td>{count(recent, reason)}</td>
                    <td>{count(today, reason)}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <div class="table-scroll">
            <table class="numbers">
                <thead><tr><th scope="col">"Reason"</th><th scope="col">"Last 15 minutes"</th><th scope="col">"Today"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}

fn checkins_view(list: &[CheckIn], empty: &'static str) -> impl IntoView {
    if list.is_empty() {
        return Either::Left(view! { <p class="muted">{empty}</p> });
    }
    let rows = list
        .iter()
        .map(|c| {
            let what = match (c.action.as_str(), c.offline) {
                (_, true) => "Offline scan",
                ("VALIDATE", _) => "Scan",
                _ => "Admit",
            };
            view! {
                <tr>
                    <th scope="row">{clock_time(c.at)}</th>
                    <td><code>{c.code.clone()}</code></td>
                    <td>{what}</td>
                    <td>{outcome_label(&c.outcome).to_string()}</td>
                    <td>{c.operator.clone().unwrap_or_else(|| "—".to_string())}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th scope="col">"Time"</th><th scope="col">"Ticket"</th><th scope="col">"What"</th>
                    <th scope="col">"Outcome"</th><th scope="col">"Operator"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}
