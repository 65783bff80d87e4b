//! `/admin`: where the dashboard opens: its sections, the shop's low-stock alert, and the latest
//! changes staff made.
use super::audit::{admin_audit, AuditPage};
use super::shop::{admin_low_stock, LowStock};
use super::{AdminFrame, SECTIONS};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn Overview() -> impl IntoView {
    // Made here, outside the frame's Suspend: resources created inside a Suspend's closure now and
    // then left the server's render waiting for ever (leptos #4866; CI saw /admin time out once
    // the page had two of them).
    let low = Resource::new(|| (), |_| admin_low_stock());
    let latest = Resource::new(
        || (),
        |_| admin_audit(String::new(), String::new(), String::new(), String::new(), String::new()),
    );
    view! {
        <AdminFrame title="Overview">
            <LowStockAlert low/>
            <Sections/>
            <Latest latest/>
        </AdminFrame>
    }
}

#[component]
fn Sections() -> impl IntoView {
    view! {
        <ul class="sections">
            {SECTIONS.iter().skip(1).map(|&(href, name)| view! { <li><a class="button secondary" href=href>{name}</a></li> }).collect_view()}
        </ul>
    }
}

/// The five latest changes, as the audit log lists them.
#[component]
fn Latest(latest: Resource<Result<AuditPage, AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="latest">
            <h2 id="latest">"Latest changes"</h2>
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move { match latest.await {
                    Ok(page) if page.entries.is_empty() => Either::Left(view! { <p class="empty">"No changes yet."</p> }.into_any()),
                    Ok(page) => Either::Left(view! {
                        <ul class="latest">
                            {page.entries.into_iter().take(5).map(|(e, when)| view! {
                                <li><span class="when">{when}</span>" "<strong>{e.action.label()}</strong>": "{e.summary}" — "{e.actor}</li>
                            }).collect_view()}
                        </ul>
                        <p><a href="/admin/audit">"The whole audit log"</a></p>
                    }.into_any()),
                    Err(e) => Either::Right(view! { <p class="problem" role="alert">{e.message}</p> }),
                }})}
            </Suspense>
        </section>
    }
}

/// Shop products at or under their threshold, in a line; nothing when every product has enough.
#[component]
fn LowStockAlert(low: Resource<Result<Vec<LowStock>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { match low.await {
                Ok(low) if low.is_empty() => None,
                Ok(low) => {
                    let names = low.iter().map(|p| format!("{} ({} left)", p.name, p.stock)).collect::<Vec<_>>().join(", ");
                    Some(Either::Left(view! {
                        <p class="warning low-stock" role="status">
                            <strong>"Low stock: "</strong>{names}". "<a href="/admin/shop">"See the shop"</a>
                        </p>
                    }))
                }
                Err(e) => Some(Either::Right(view! { <p class="problem" role="alert">{e.message}</p> })),
            }})}
        </Suspense>
    }
}
