//! `/admin/tickets/import`: paste or pick a CSV of existing codes; all of it is imported, or
//! nothing and a report of every bad row. A file picked is read into the text box in the
//! browser; without JavaScript, pasting works.
use super::csv_path;
use super::products::ProductChoice;
use crate::admin::access::AdminContext;
use crate::admin::AdminFrame;
use crate::error::AppError;
use gatehouse::tickets::import::RowProblem;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Rows named in a refusal: without JavaScript the refusal travels in an address (8 KiB at
/// most), and the first rows are enough to see what is wrong with a file.
#[cfg(feature = "ssr")]
const LISTED_ROWS: usize = 20;

#[server(prefix = "/sfn", endpoint = "admin_import_tickets", output = crate::codec::JsonText)]
pub async fn admin_import_tickets(csrf: String, product: i64, csv: String) -> Result<(), AppError> {
    use gatehouse::ids::ProductId;
    use gatehouse::tickets::import::{import, ImportError};
    let engine = crate::server::ssr::engine()?;
    let admin = crate::admin::access::ssr::admin_write(&engine, &csrf).await?;
    let imported =
        import(&engine, admin.orq, Some(admin.user), ProductId(product), csv.as_bytes()).await.map_err(|mut e| {
            let message = e.to_string();
            if let ImportError::BadRows(rows) = &mut e {
                if rows.len() > LISTED_ROWS {
                    rows.truncate(LISTED_ROWS);
                    return AppError {
                        message: format!("{message} The first {LISTED_ROWS} are listed."),
                        ..AppError::domain(&e)
                    };
                }
            }
            AppError::domain(&e)
        })?;
    leptos_axum::redirect(&format!(
        "/admin/tickets/import?order={}&activated={}&pending={}",
        imported.order_id, imported.activated, imported.pending
    ));
    Ok(())
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let done = move || {
        query.with(|q| {
            let order = q.get("order")?.parse::<i64>().ok()?;
            Some((order, q.get("activated").unwrap_or_default(), q.get("pending").unwrap_or_default()))
        })
    };
    view! {
        <AdminFrame title="Import ticket codes">
            <p><a href="/admin/tickets">"← Tickets"</a></p>
            {move || done().map(|(order, activated, pending)| view! {
                <section class="notice" role="status" aria-labelledby="imported">
                    <h2 id="imported">{format!("Imported as order {order}: {activated} activated, {pending} awaiting payment")}</h2>
                    <p><a href=csv_path(order) download="">"Download the imported codes (CSV)"</a></p>
                </section>
            })}
            <ImportForm/>
        </AdminFrame>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let csrf = use_context::<AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let import = ServerAction::<AdminImportTickets>::new();
    let refusal = move || import.value().get().and_then(Result::err);
    let rows = |e: &AppError| serde_json::from_str::<Vec<RowProblem>>(&e.rows).ok().filter(|rows| !rows.is_empty());
    let problem = move || refusal().filter(|e| rows(e).is_none()).map(|e| e.message);
    let report = move || refusal().and_then(|e| Some((rows(&e)?, e.message)));
    let text = NodeRef::<leptos::html::Textarea>::new();
    view! {
        {move || report().map(|(rows, message)| view! { <Report message=message rows=rows/> })}
        <ActionForm action=import attr:class="stack">
            <Format/>
            <input type="hidden" name="csrf" value=csrf/>
            <ProductChoice/>
            <label for="file">"CSV file"</label>
            <input id="file" type="file" accept=".csv,text/csv,text/plain" on:change=move |ev| read_file(ev, text)/>
            <label for="csv">"Or paste the CSV"</label>
            <textarea id="csv" name="csv" rows="10" required=true spellcheck="false" node_ref=text
                placeholder="code,email,phone,status"></textarea>
            <p class="problem" role="alert">{problem}</p>
            <button type="submit">"Import"</button>
        </ActionForm>
    }
}

/// What the file holds, in words.
#[component]
fn Format() -> impl IntoView {
    view! {
        <p>
            "A header line, then one ticket per line. Columns: " <code>"code"</code> " (required), "
            <code>"email"</code> ", " <code>"phone"</code> " (with its country code) and "
            <code>"status"</code> " (" <code>"ACTIVATED"</code> ", the default, or " <code>"PENDING_PAYMENT"</code>
            "). Up to 5,000 rows. One bad row and nothing is imported."
        </p>
    }
}

#[component]
fn Report(message: String, rows: Vec<RowProblem>) -> impl IntoView {
    view! {
        <section class="report" aria-labelledby="report" role="alert">
            <h2 id="report">{message}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"Code"</th><th scope="col">"Problem"</th><th scope="col">"Reason code"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|p| view! {
                            <tr>
                                <th scope="row">{p.line}</th>
                                <td class="code">{p.code}</td>
                                <td>{p.message}</td>
                                <td><code>{p.reason}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Puts the picked file's text into the text box (the browser reads it; nothing is uploaded yet).
fn read_file(ev: leptos::ev::Event, text: NodeRef<leptos::html::Textarea>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            if let (Ok(content), Some(area)) = (read, text.get_untracked()) {
                area.set_value(&content.as_string().unwrap_or_default());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, text);
}
