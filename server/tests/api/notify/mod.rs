//! Notifications: every message written in its event's own transaction, delivered by a worker
//! that the tests run step by step on the manual clock.
mod delivery;
mod outbox;
mod pages;
mod reminders;
mod verify;

use crate::support::TestApp;
use gatehouse::notify::templates::Templates;
use gatehouse::notify::values::Links;
use server::notify::Postman;

/// A worker that keeps messages in the local mailbox.
pub fn mailbox_postman() -> Postman {
    Postman::to_mailbox(Templates::built_in(), Links { base_url: "https://tickets.example".into() })
}

/// `(kind, channel, recipient, status)` of every outbox row, oldest first.
pub async fn outbox(app: &TestApp) -> Vec<(String, String, String, String)> {
    use gatehouse::on_pool;
    on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT kind, channel, recipient, status FROM outbox ORDER BY id")
        .fetch_all(pool).await)
    .expect("outbox")
}

/// The text of the newest message of `kind` by `channel`.
pub async fn body_of(app: &TestApp, kind: &str, channel: &str) -> String {
    use gatehouse::on_pool;
    let body: Option<(Option<String>,)> = on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT body_text FROM outbox WHERE kind = $1 AND channel = $2 ORDER BY id DESC LIMIT 1")
        .bind(kind).bind(channel).fetch_optional(pool).await)
    .expect("outbox");
    body.and_then(|(b,)| b).unwrap_or_else(|| panic!("no {kind} message by {channel} was sent"))
}
