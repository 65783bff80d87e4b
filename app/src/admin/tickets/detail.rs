//! `/admin/tickets/{code}`: a ticket, its order and its history; "Mark order paid" while it
//! awaits payment.
use crate::admin::access::AdminContext;
use crate::admin::AdminFrame;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub when: String,
    pub what: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub code: String,
    pub status: String,
    pub product: String,
    pub order_id: i64,
    pub order_status: String,
    pub contact: String,
    pub awaits_payment: bool,
    pub lines: Vec<HistoryLine>,
}

#[server(prefix = "/sfn", endpoint = "admin_ticket", output = crate::codec::JsonText)]
pub async fn admin_ticket(code: String) -> Result<TicketView, AppError> {
    use gatehouse::tickets::code::TicketCode;
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin(&engine).await?;
    let code = TicketCode::parse(&code).map_err(|e| AppError::domain(&e))?;
    let zone = gatehouse::org::main_venue(&engine.db, admin.orq)
        .await
        .map_err(crate::server::ssr::storage)?
        .map(|v| v.time_zone)
        .unwrap_or_else(|| "UTC".into());
    let history = gatehouse::tickets::history::history(&engine.db, admin.orq, &code)
        .await
        .map_err(crate::server::ssr::storage)?
        .ok_or_else(|| {
            AppError::new("TICKET_NOT_FOUND", "Your organization has no ticket with this code.").with_status(404)
        })?;
    Ok(ssr::view_of(history, &zone))
}

#[server(prefix = "/sfn", endpoint = "admin_mark_order_paid", output = crate::codec::JsonText)]
pub async fn admin_mark_order_paid(csrf: String, order: i64, code: String) -> Result<(), AppError> {
    use gatehouse::ids::OrderId;
    use gatehouse::tickets::code::TicketCode;
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin_write(&engine, &csrf).await?;
    let code = TicketCode::parse(&code).map_err(|e| AppError::domain(&e))?;
    let paid = gatehouse::tickets::payment::mark_order_paid(&engine, admin.orq, Some(admin.user), OrderId(order))
        .await
        .map_err(|e| AppError::domain(&e))?;
    leptos_axum::redirect(&format!("{}?paid={}", super::ticket_path(code.as_str()), paid.activated.len()));
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{HistoryLine, TicketView};
    use gatehouse::tickets::history::{Happening, TicketHistory, Visit};
    use gatehouse::wording;

    fn visit(v: &Visit) -> String {
        wording::visit(v.date, v.start_time, v.end_time)
    }

    fn what(happening: &Happening) -> String {
        match happening {
            Happening::Created => "Ticket created".into(),
            Happening::Activated => "Activated (paid)".into(),
            Happening::Reserved(v) => format!("Visit booked: {}", visit(v)),
            Happening::Changed { from, to } => format!("Visit moved from {} to {}", visit(from), visit(to)),
            Happening::Cancelled(v) => format!("Visit cancelled: {}", visit(v)),
            Happening::Scanned { action, outcome, device, offline } => {
                let what = match (action.as_str(), outcome.as_str()) {
                    ("VERIFY", "VERIFIED") => "Admitted".to_string(),
                    ("VALIDATE", "VALID") => "Checked at the door: valid".to_string(),
                    (_, outcome) => format!("Refused at the door: {}", outcome.replace('_', " ").to_lowercase()),
                };
                let place = if device.is_empty() { String::new() } else { format!(" at {device}") };
                let offline = if *offline { " (scanned offline, synced later)" } else { "" };
                format!("{what}{place}{offline}")
            }
            Happening::Expired => "Expired".into(),
            Happening::Audit { action, summary } => format!("{}: {summary}", action.label()),
        }
    }

    pub fn view_of(h: TicketHistory, zone: &str) -> TicketView {
        let awaits_payment = h.awaits_payment();
        let contact = [h.email, h.phone.map(|p| gatehouse::contact::for_people(&p))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        TicketView {
            status: wording::ticket_status(h.status).to_string(),
            lines: h
                .entries
                .iter()
                .map(|e| HistoryLine {
                    when: super::super::ssr::local(e.at, zone),
                    what: what(&e.happening),
                    by: e.by.clone().unwrap_or_default(),
                })
                .collect(),
            code: h.code,
            product: h.product,
            order_id: h.order_id.0,
            order_status: h.order_status,
            contact,
            awaits_payment,
        }
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let paid = move || query.with(|q| q.get("paid"));
    // Read again once the order is marked paid: hydrated, when the action is done (its version
    // moves); without JavaScript the answer is a new page anyway.
    let pay = ServerAction::<AdminMarkOrderPaid>::new();
    let ticket = Resource::new(move || (code(), paid(), pay.version().get()), |(code, _, _)| admin_ticket(code));
    view! {
        <AdminFrame title="Ticket">
            <p><a href="/admin/tickets">"← Find another ticket"</a></p>
            {move || paid().map(|n| view! { <p class="notice" role="status">{format!("Order marked paid: {n} ticket(s) activated.")}</p> })}
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading the ticket…"</p> }>
                {move || Suspend::new(async move { match ticket.await {
                    Ok(ticket) => view! { <Ticket ticket pay/> }.into_any(),
                    Err(e) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
                }})}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn Ticket(ticket: TicketView, pay: ServerAction<AdminMarkOrderPaid>) -> impl IntoView {
    let context = use_context::<AdminContext>();
    let csrf = context.map(|c| c.csrf).unwrap_or_default();
    let problem = move || pay.value().get().and_then(Result::err).map(|e| e.message);
    let order_id = ticket.order_id;
    view! {
        <section aria-labelledby="ticket-code">
            <h2 id="ticket-code" class="code">{ticket.code.clone()}</h2>
            <dl class="facts">
                <dt>"Status"</dt><dd>{ticket.status}</dd>
                <dt>"Product"</dt><dd>{ticket.product}</dd>
                <dt>"Order"</dt><dd>{format!("{} ({})", ticket.order_id, ticket.order_status.to_lowercase())}</dd>
                <dt>"Contact"</dt><dd>{if ticket.contact.is_empty() { "none given".to_string() } else { ticket.contact }}</dd>
            </dl>
            {ticket.awaits_payment.then(|| view! {
                <ActionForm action=pay>
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="order" value=order_id.to_string()/>
                    <input type="hidden" name="code" value=ticket.code.clone()/>
                    <p class="problem" role="alert">{problem}</p>
                    <button type="submit">{format!("Mark order {order_id} paid")}</button>
                </ActionForm>
            })}
        </section>
        <section aria-labelledby="history">
            <h2 id="history">"History"</h2>
            <ol class="history">
                {ticket.lines.into_iter().map(|l| view! {
                    <li>
                        <time>{l.when}</time>
                        <span class="what">{l.what}</span>
                        {(!l.by.is_empty()).then(|| view! { <span class="by">{format!("by {}", l.by)}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
