//! A ticket's status page, reached from the start page's form or a link with `?code=`.
use super::ticket_code_field::TicketCodeField;
use crate::server::lookup_ticket;
use gatehouse::lifecycle::TicketStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn explain(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::PendingPayment => "This ticket is not activated yet. Please complete payment.",
        TicketStatus::Activated => "Paid and ready: choose a date and time for your visit.",
        TicketStatus::Reserved => "Reserved. Show the QR code at the entrance on the day.",
        TicketStatus::Verified => "Used: this ticket has been admitted.",
        TicketStatus::Expired => "This ticket has expired.",
    }
}

#[component]
pub fn TicketStatusPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code").unwrap_or_default());
    let summary = Resource::new(code, lookup_ticket);
    view! {
        <Title text="Your ticket"/>
        <section class="card">
            <h1>"Your ticket"</h1>
            <Suspense fallback=|| view! { <p>"Looking it up…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(v) => view! { <TicketDetails view=v/> }.into_any(),
                        Err(e) => view! {
                            <p class="problem" role="alert">{e.message}</p>
                            <form method="get" action="/ticket" class="stack">
                                <TicketCodeField name="code" value=code()/>
                                <button type="submit">"Look up"</button>
                            </form>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/">"Back to the start page"</a></p>
        </section>
    }
}

#[component]
fn TicketDetails(view: crate::server::TicketView) -> impl IntoView {
    let t = view.ticket;
    let reserved = t.status == TicketStatus::Reserved;
    let ics = format!("/tickets/{}/visit.ics", t.ticket_code);
    view! {
        {reserved.then(|| view! { <p class="ok confirmed">"✓ Reservation confirmed"</p> })}
        {view.qr_svg.map(|svg| view! {
            <div class="qr" role="img" aria-label=format!("QR code of ticket {}", t.ticket_code) inner_html=svg></div>
        })}
        <dl class="facts">
            <dt>"Code"</dt><dd class="code">{t.ticket_code.clone()}</dd>
            <dt>"Status"</dt><dd><span class="status">{t.status.as_str()}</span></dd>
            {t.reservation.clone().map(|r| view! {
                <dt>"Date"</dt><dd>{r.date.format("%A, %B %-d, %Y").to_string()}</dd>
                <dt>"Time"</dt><dd>{super::reserve::time_range(r.start_time, r.end_time)}" ("{view.time_zone.clone()}")"</dd>
                <dt>"Where"</dt><dd>{view.venue.clone()}", "{view.address.clone()}</dd>
            })}
        </dl>
        <p>{explain(t.status)}</p>
        {reserved.then(|| view! {
            <p class="actions no-print">
                <a class="button secondary" href=ics download="visit.ics">"Add to calendar (.ics)"</a>
            </p>
        })}
        {(t.status == TicketStatus::Activated).then(|| view! {
            <p><a class="button" href=format!("/reserve?ticket={}", t.ticket_code)>"Book a date and time"</a></p>
        })}
    }
}
