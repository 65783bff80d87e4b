//! `/admin/messages?status=…&open=…`: every message Gatehouse wrote to customers, newest first:
//! waiting, sent (and by which way: the local mailbox, SMTP, the SMS provider), failed with the
//! provider's answer, or skipped because it no longer applied. A failed one can be tried again.
//! With nothing configured this is the local mailbox: the page says so, and shows each message
//! as it would have been sent. Everything is worded on the server: the dashboard's client
//! carries no message types, only the rows' words.
use super::AdminFrame;
use crate::error::AppError;
use leptos::either::Either;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Messages listed at most.
#[cfg(feature = "ssr")]
const LIST: i64 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesPage {
    /// Where messages go, in a sentence.
    pub where_they_go: String,
    /// Each status tab: its value in the address (empty for all), its label with the count.
    pub tabs: Vec<(String, String)>,
    pub rows: Vec<MessageRow>,
    pub opened: Option<OpenedMessage>,
    /// Whether visitors confirm their e-mail address with a code before booking.
    pub verify_contact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub written: String,
    pub kind: String,
    pub subject: String,
    pub channel: String,
    pub recipient: String,
    /// `sent`, `pending`, `failed` or `skipped`, for its colour.
    pub status_class: String,
    /// "Failed after 8 attempts".
    pub status: String,
    pub outcome: String,
    pub failed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedMessage {
    pub title: String,
    pub about: String,
    pub body: String,
}

#[server(prefix = "/sfn", endpoint = "admin_messages", output = crate::codec::JsonText)]
pub async fn admin_messages(status: String, open: String) -> Result<MessagesPage, AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::notify::kind::Delivery;
    use gatehouse::notify::outbox;
    let engine = engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let venue = gatehouse::org::main_venue(&engine.db, admin.orq).await.map_err(storage)?;
    let zone = venue.as_ref().map_or_else(|| gatehouse::org::zone("UTC"), |v| v.tz());
    let chosen = status.parse::<Delivery>().ok();
    let counts = outbox::counts(&engine.db, admin.orq).await.map_err(storage)?;
    let listed = outbox::list(&engine.db, admin.orq, chosen, LIST).await.map_err(storage)?;
    let opened = match open.trim().parse::<i64>() {
        Ok(id) => outbox::open(&engine.db, admin.orq, id).await.map_err(storage)?,
        Err(_) => None,
    };
    let total: i64 = Delivery::ALL.iter().map(|&d| counts.of(d)).sum();
    let tabs = std::iter::once((String::new(), format!("All ({total})")))
        .chain(Delivery::ALL.iter().map(|&d| (d.as_str().to_string(), format!("{} ({})", d.label(), counts.of(d)))))
        .collect();
    let rows = listed
        .into_iter()
        .map(|m| MessageRow {
            id: m.id,
            written: gatehouse::wording::short_when(m.created_at.with_timezone(&zone)),
            kind: m.kind.label().into(),
            subject: m.subject.clone().unwrap_or_default(),
            channel: m.channel.label().into(),
            recipient: m.recipient.clone(),
            status_class: m.status.as_str().to_lowercase(),
            status: match m.attempts {
                n if n > 1 => format!("{} after {n} attempts", m.status.label()),
                _ => m.status.label().into(),
            },
            outcome: match m.status {
                Delivery::Sent => m.provider_answer.unwrap_or_default(),
                _ => m.last_error.unwrap_or_default(),
            },
            failed: m.status == Delivery::Failed,
        })
        .collect();
    let opened = opened.map(|o| OpenedMessage {
        title: o.listed.subject.clone().unwrap_or_else(|| o.listed.kind.label().to_string()),
        about: format!("{} to {} · {}", o.listed.channel.label(), o.listed.recipient, o.listed.status.label()),
        body: o.body_text.unwrap_or_else(|| "Not rendered yet: it has not been sent.".into()),
    });
    let verify_contact = gatehouse::reservation::verify::required(&engine.db, admin.orq).await.map_err(storage)?;
    Ok(MessagesPage { where_they_go: where_they_go(engine.messages).into(), tabs, rows, opened, verify_contact })
}

/// Where messages go, said plainly.
#[cfg(feature = "ssr")]
fn where_they_go(routes: gatehouse::notify::Routes) -> &'static str {
    match (routes.email_leaves, routes.sms_leaves) {
        (true, true) => "E-mails go out through the SMTP server, texts through the SMS provider.",
        (true, false) => "E-mails go out through the SMTP server. No SMS provider is configured: texts are kept here, in the local mailbox, and not sent.",
        (false, true) => "No SMTP server is configured: e-mails are kept here, in the local mailbox, and not sent. Texts go out through the SMS provider.",
        (false, false) => "Nothing is configured to send messages: every e-mail and text is kept here, in the local mailbox, exactly as it would have been sent. Set GATEHOUSE_SMTP_HOST (and GATEHOUSE_SMS_ACCOUNT) to send them.",
    }
}

#[server(prefix = "/sfn", endpoint = "admin_retry_message", output = crate::codec::JsonText)]
pub async fn admin_retry_message(csrf: String, id: i64) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    let engine = engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    if gatehouse::notify::queue::retry(&engine, admin.orq, Some(admin.user), id).await.map_err(storage)? {
        Ok(())
    } else {
        Err(AppError::new(
            "MESSAGE_NOT_FAILED",
            "Only a failed message can be tried again; this one is not (or no longer) failed.",
        ))
    }
}

/// Turns contact verification (a code by e-mail before booking) on or off.
#[server(prefix = "/sfn", endpoint = "admin_set_verification", output = crate::codec::JsonText)]
pub async fn admin_set_verification(csrf: String, on: bool) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    let engine = engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    gatehouse::reservation::verify::set_required(&engine, admin.orq, Some(admin.user), on).await.map_err(storage)
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let retry = ServerAction::<AdminRetryMessage>::new();
    let verification = ServerAction::<AdminSetVerification>::new();
    let page = Resource::new(
        move || (field("status"), field("open"), retry.version().get(), verification.version().get()),
        |(status, open, ..)| admin_messages(status, open),
    );
    view! {
        <AdminFrame title="Messages">
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading the messages…"</p> }>
                {move || Suspend::new(async move { match page.await {
                    Ok(found) => Either::Left(view! {
                        <Verification on=found.verify_contact action=verification/>
                        <Messages found chosen=field("status") retry/>
                    }),
                    Err(e) => Either::Right(view! { <p class="card problem" role="alert">{e.message}</p> }),
                }})}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn Messages(found: MessagesPage, chosen: String, retry: ServerAction<AdminRetryMessage>) -> impl IntoView {
    let tabs = found
        .tabs
        .into_iter()
        .map(|(value, label)| {
            let current = (chosen == value).then_some("page");
            let href = if value.is_empty() {
                "/admin/messages".to_string()
            } else {
                format!("/admin/messages?status={value}")
            };
            view! { <li><a href=href aria-current=current>{label}</a></li> }
        })
        .collect_view();
    let status_query = if chosen.is_empty() { String::new() } else { format!("status={chosen}&") };
    let csrf = use_context::<super::access::AdminContext>().map(|c| c.csrf).unwrap_or_default();
    let empty = found.rows.is_empty();
    let rows = found
        .rows
        .into_iter()
        .map(|m| {
            let open = format!("/admin/messages?{status_query}open={}", m.id);
            let csrf = csrf.clone();
            view! {
                <tr>
                    <td>{m.written}</td>
                    <td><a href=open>{m.kind}</a><br/><span class="muted">{m.subject}</span></td>
                    <td>{m.channel}<br/>{m.recipient}</td>
                    <td><span class=format!("delivery {}", m.status_class)>{m.status}</span></td>
                    <td class="outcome">{m.outcome}</td>
                    <td>{m.failed.then(|| view! {
                        <ActionForm action=retry>
                            <input type="hidden" name="csrf" value=csrf/>
                            <input type="hidden" name="id" value=m.id.to_string()/>
                            <button type="submit" class="secondary">"Try again"</button>
                        </ActionForm>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="card notice" role="note">{found.where_they_go}</p>
        {move || retry.value().get().and_then(Result::err).map(|e| view! { <p class="card problem" role="alert">{e.message}</p> })}
        <nav aria-label="Messages by status"><ul class="tabs">{tabs}</ul></nav>
        {found.opened.map(|m| view! {
            <article class="card message" aria-labelledby="opened-title">
                <h2 id="opened-title">{m.title}</h2>
                <p class="muted">{m.about}</p>
                <pre class="body">{m.body}</pre>
            </article>
        })}
        {if empty {
            Either::Left(view! { <p class="empty">"No messages here yet: bookings, changes, cancellations, reminders and pickup orders write them."</p> })
        } else {
            Either::Right(view! {
                <table class="messages">
                    <caption class="visually-hidden">"Messages, newest first"</caption>
                    <thead><tr><th scope="col">"Written"</th><th scope="col">"Message"</th><th scope="col">"To"</th><th scope="col">"Status"</th><th scope="col">"Answer or error"</th><th scope="col"><span class="visually-hidden">"Action"</span></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            })
        }}
    }
}

/// The organization's choice to ask visitors for a code sent to their e-mail before booking.
#[component]
fn Verification(on: bool, action: ServerAction<AdminSetVerification>) -> impl IntoView {
    let csrf = use_context::<super::access::AdminContext>().map(|c| c.csrf).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="verification-title">
            <h2 id="verification-title">"Confirming e-mail addresses"</h2>
            <p>{if on {
                "On: visitors enter a 6-digit code sent to their e-mail address before they can book."
            } else {
                "Off: visitors book without confirming their e-mail address."
            }}</p>
            <ActionForm action=action>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="on" value=(!on).to_string()/>
                <button type="submit" class="secondary">{if on { "Turn off" } else { "Ask for a code before booking" }}</button>
            </ActionForm>
        </section>
    }
}
