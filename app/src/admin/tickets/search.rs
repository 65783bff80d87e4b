//! `/admin/tickets?q=…`: find tickets by code, e-mail or phone. A plain GET form, so the address
//! can be kept and the search works before the page is hydrated.
use super::ticket_path;
use crate::admin::AdminFrame;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundRow {
    pub code: String,
    pub status: String,
    pub product: String,
    pub order_id: i64,
    pub contact: String,
    pub visit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchAnswer {
    pub rows: Vec<FoundRow>,
    pub more: bool,
}

#[server(prefix = "/sfn", endpoint = "admin_ticket_search", output = crate::codec::JsonText)]
pub async fn admin_ticket_search(query: String) -> Result<SearchAnswer, AppError> {
    use gatehouse::tickets::search::{search, SearchKey};
    use gatehouse::wording;
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin(&engine).await?;
    let key = SearchKey::parse(&query).map_err(|e| AppError::domain(&e))?;
    let found = search(&engine.db, admin.orq, &key).await.map_err(crate::server::ssr::storage)?;
    let rows = found
        .tickets
        .into_iter()
        .map(|t| FoundRow {
            status: wording::ticket_status(t.status).to_string(),
            contact: [t.email, t.phone.map(|p| gatehouse::contact::for_people(&p))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            visit: match (t.visit_date, t.visit_time) {
                (Some(d), Some(s)) => format!("{} {}", wording::short_date(d), wording::clock_time(s)),
                _ => String::new(),
            },
            code: t.code,
            product: t.product,
            order_id: t.order_id.0,
        })
        .collect();
    Ok(SearchAnswer { rows, more: found.more })
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let typed = move || query.with(|q| q.get("q").unwrap_or_default());
    let found = Resource::new(typed, |q| async move {
        if q.trim().is_empty() {
            None
        } else {
            Some(admin_ticket_search(q).await)
        }
    });
    view! {
        <AdminFrame title="Tickets">
            <nav class="actions" aria-label="Ticket tasks">
                <a class="button" href="/admin/tickets/issue">"Issue tickets"</a>
                <a class="button secondary" href="/admin/tickets/import">"Import codes"</a>
            </nav>
            <form method="get" action="/admin/tickets" class="search" role="search">
                <label for="q">"Ticket code, e-mail or phone"</label>
                <input id="q" name="q" type="search" value=typed autocomplete="off" spellcheck="false"/>
                <button type="submit">"Find"</button>
            </form>
            <Suspense fallback=|| view! { <p aria-busy="true">"Searching…"</p> }>
                {move || Suspend::new(async move { found.await.map(|answer| match answer {
                    Ok(answer) => view! { <Results answer/> }.into_any(),
                    Err(e) => view! { <p class="problem" role="alert">{e.message}</p> }.into_any(),
                })})}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn Results(answer: SearchAnswer) -> impl IntoView {
    if answer.rows.is_empty() {
        return view! { <p role="status">"No ticket of your organization matches."</p> }.into_any();
    }
    let count = answer.rows.len();
    view! {
        <p role="status">
            {if answer.more { format!("The {count} newest matches (there are more: narrow the search).") } else { format!("{count} found.") }}
        </p>
        <div class="table-wrap">
            <table class="results">
                <caption class="visually-hidden">"Tickets found"</caption>
                <thead><tr><th scope="col">"Code"</th><th scope="col">"Status"</th><th scope="col">"Product"</th><th scope="col">"Order"</th><th scope="col">"Contact"</th><th scope="col">"Visit"</th></tr></thead>
                <tbody>
                    {answer.rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a class="code" href=ticket_path(&r.code)>{r.code.clone()}</a></th>
                            <td>{r.status}</td>
                            <td>{r.product}</td>
                            <td>{r.order_id}</td>
                            <td>{r.contact}</td>
                            <td>{r.visit}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
