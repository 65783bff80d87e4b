//! `/admin/audit`: every change staff made, newest first, filtered by kind, subject and days.
//! The filter is a plain GET form, so the address of a filtered view can be shared.
use super::AdminFrame;
use crate::error::AppError;
use gatehouse::audit::{Action, Entry};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One page of the log as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Each entry with when it happened in the venue's words.
    pub entries: Vec<(Entry, String)>,
    /// The kinds of change the log holds, for the filter's choices.
    pub actions: Vec<Action>,
    /// The next (older) page's `before`, when there is one.
    pub older: Option<i64>,
}

#[server(prefix = "/sfn", endpoint = "admin_audit", output = crate::codec::JsonText)]
pub async fn admin_audit(
    action: String,
    subject: String,
    from: String,
    until: String,
    before: String,
) -> Result<AuditPage, AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::audit::filter::Query;
    let engine = engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let venue = gatehouse::org::main_venue(&engine.db, admin.orq).await.map_err(storage)?;
    let zone = venue.as_ref().map_or_else(|| gatehouse::org::zone("UTC"), |v| v.tz());
    let query = Query { action: &action, subject: &subject, from: &from, until: &until, before: &before };
    let filter = query.parse(zone).map_err(|e| AppError::domain(&e))?;
    let entries = gatehouse::audit::list(&engine.db, admin.orq, &filter).await.map_err(storage)?;
    let actions = gatehouse::audit::actions_in_use(&engine.db, admin.orq).await.map_err(storage)?;
    let older = (entries.len() as i64 == gatehouse::audit::PAGE).then(|| entries.last().map(|e| e.id)).flatten();
    let entries = entries
        .into_iter()
        .map(|e| {
            let when = gatehouse::wording::short_when(e.at.with_timezone(&zone));
            (e, when)
        })
        .collect();
    Ok(AuditPage { entries, actions, older })
}

#[component]
pub fn AuditLog() -> impl IntoView {
    view! {
        <AdminFrame title="Audit log">
            <Log/>
        </AdminFrame>
    }
}

#[component]
fn Log() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let page = Resource::new(
        move || (field("action"), field("subject"), field("from"), field("until"), field("before")),
        |(action, subject, from, until, before)| admin_audit(action, subject, from, until, before),
    );
    view! {
        <Suspense fallback=|| view! { <p aria-busy="true">"Loading the log…"</p> }>
            {move || Suspend::new(async move { match page.await {
                Ok(found) => Either::Left(view! { <Filters found=found.clone() chosen=field("action")/> <Entries found/> }),
                Err(e) => Either::Right(view! {
                    <p class="card problem" role="alert">{e.message}</p>
                    <p><a href="/admin/audit">"Show the whole log"</a></p>
                }),
            }})}
        </Suspense>
    }
}

#[component]
fn Filters(found: AuditPage, chosen: String) -> impl IntoView {
    let query = use_query_map();
    let value = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    view! {
        <form method="get" action="/admin/audit" class="filters" aria-label="Filter the log">
            <label>"Kind of change"
                <select name="action">
                    <option value="">"Any"</option>
                    {found.actions.iter().map(|a| {
                        let selected = chosen == a.as_str();
                        view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Subject" <input name="subject" value=value("subject") placeholder="slot:42 or ticket:CODE"/></label>
            <label>"From" <input type="date" name="from" value=value("from")/></label>
            <label>"Until" <input type="date" name="until" value=value("until")/></label>
            <button type="submit">"Filter"</button>
        </form>
    }
}

#[component]
fn Entries(found: AuditPage) -> impl IntoView {
    if found.entries.is_empty() {
        return Either::Left(view! { <p class="empty">"No changes match this filter."</p> });
    }
    let older = found.older.map(|before| {
        let query = use_query_map();
        let mut parts: Vec<String> = ["action", "subject", "from", "until"]
            .iter()
            .filter_map(|k| {
                query.read_untracked().get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(&v)))
            })
            .collect();
        parts.push(format!("before={before}"));
        view! { <p><a href=format!("/admin/audit?{}", parts.join("&"))>"Older changes"</a></p> }
    });
    Either::Right(view! {
        <table class="audit">
            <caption class="visually-hidden">"Changes, newest first"</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Change"</th><th scope="col">"Subject"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
            <tbody>
                {found.entries.into_iter().map(|(e, when)| view! {
                    <tr>
                        <td>{when}</td>
                        <td>{e.actor}</td>
                        <td><strong>{e.action.label()}</strong><br/>{e.summary}</td>
                        <td><a href=format!("/admin/audit?subject={}", encode(&e.subject))>{e.subject.clone()}</a></td>
                        <td><code>{state(&e.before)}</code></td>
                        <td><code>{state(&e.after)}</code></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {older}
    })
}

/// A state as one short line: `total_capacity: 200`.
fn state(value: &Option<serde_json::Value>) -> String {
    match value {
        None => "—".into(),
        Some(serde_json::Value::Object(fields)) => {
            fields.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
        }
        Some(other) => other.to_string(),
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
