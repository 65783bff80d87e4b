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
                        Ok(t) => view! {
                            <dl class="facts">
                                <dt>"Code"</dt><dd class="code">{t.ticket_code.clone()}</dd>
                                <dt>"Status"</dt><dd><span class="status">{t.status.as_str()}</span></dd>
                                {t.reservation.map(|r| view! {
                                    <dt>"Visit"</dt>
                                    <dd>{r.date.format("%A %-d %B %Y").to_string()}", "
                                        {r.start_time.format("%H:%M").to_string()}"–"{r.end_time.format("%H:%M").to_string()}</dd>
                                })}
                            </dl>
                            <p>{explain(t.status)}</p>
                        }.into_any(),
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
