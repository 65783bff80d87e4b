//! `/admin/tickets/issue`: issue N activated tickets for a product; the batch then offers its
//! CSV and its printable sheet of QR cards (`?order=…`, where the form leads).
use super::products::ProductChoice;
use super::{cards_path, csv_path};
use crate::admin::access::AdminContext;
use crate::admin::AdminFrame;
use crate::error::AppError;
use gatehouse::tickets::issue::MAX_ISSUE;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[server(prefix = "/sfn", endpoint = "admin_issue_tickets", output = crate::codec::JsonText)]
pub async fn admin_issue_tickets(csrf: String, product: i64, count: u32) -> Result<(), AppError> {
    use gatehouse::ids::ProductId;
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin_write(&engine, &csrf).await?;
    let issued = gatehouse::tickets::issue::issue(&engine, admin.orq, Some(admin.user), ProductId(product), count)
        .await
        .map_err(|e| AppError::domain(&e))?;
    leptos_axum::redirect(&format!("/admin/tickets/issue?order={}", issued.order_id));
    Ok(())
}

/// A batch as its page sums it up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub order_id: i64,
    pub count: usize,
    pub product: String,
    pub first_codes: Vec<String>,
}

#[server(prefix = "/sfn", endpoint = "admin_batch", output = crate::codec::JsonText)]
pub async fn admin_batch(order: i64) -> Result<Batch, AppError> {
    use gatehouse::ids::OrderId;
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin(&engine).await?;
    let tickets = gatehouse::tickets::order::tickets_of(&engine.db, admin.orq, OrderId(order))
        .await
        .map_err(crate::server::ssr::storage)?;
    let product = tickets.first().map(|t| t.product.clone()).ok_or_else(|| {
        AppError::new("ORDER_NOT_FOUND", "Your organization has no order with this number.").with_status(404)
    })?;
    let first_codes = tickets.iter().take(5).map(|t| t.code.clone()).collect();
    Ok(Batch { order_id: order, count: tickets.len(), product, first_codes })
}

#[component]
pub fn IssuePage() -> impl IntoView {
    let query = use_query_map();
    let order = move || query.with(|q| q.get("order").and_then(|o| o.parse::<i64>().ok()));
    let batch = Resource::new(order, |order| async move {
        match order {
            Some(order) => Some(admin_batch(order).await),
            None => None,
        }
    });
    view! {
        <AdminFrame title="Issue tickets">
            <p><a href="/admin/tickets">"← Tickets"</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { batch.await.map(|found| match found {
                    Ok(batch) => view! { <Issued batch/> }.into_any(),
                    Err(e) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
                })})}
            </Suspense>
            <IssueForm/>
        </AdminFrame>
    }
}

#[component]
fn IssueForm() -> impl IntoView {
    let csrf = use_context::<AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let issue = ServerAction::<AdminIssueTickets>::new();
    let problem = move || issue.value().get().and_then(Result::err).map(|e| e.message);
    view! {
        <ActionForm action=issue attr:class="stack">
            <p>"Pre-made tickets: activated at once, ready to hand out or print. They form one order, whose number names the batch."</p>
            <input type="hidden" name="csrf" value=csrf/>
            <ProductChoice/>
            <label for="count">{format!("How many (1 to {MAX_ISSUE})")}</label>
            <input id="count" name="count" type="number" min="1" max=MAX_ISSUE.to_string() value="10" required=true inputmode="numeric"/>
            <p class="problem" role="alert">{problem}</p>
            <button type="submit">"Issue tickets"</button>
        </ActionForm>
    }
}

#[component]
fn Issued(batch: Batch) -> impl IntoView {
    view! {
        <section class="notice" role="status" aria-labelledby="issued">
            <h2 id="issued">{format!("Order {}: {} tickets for {}", batch.order_id, batch.count, batch.product)}</h2>
            <p>
                <a class="button" href=csv_path(batch.order_id) download="">"Download the CSV"</a>
                " "
                <a class="button secondary" href=cards_path(batch.order_id) target="_blank" rel="noopener">"Printable QR cards"</a>
            </p>
            <p>"First codes:"</p>
            <ul class="codes">
                {batch.first_codes.into_iter().map(|c| view! { <li><a class="code" href=super::ticket_path(&c)>{c.clone()}</a></li> }).collect_view()}
            </ul>
        </section>
    }
}
