//! Several instances on one PostgreSQL: each tells the others what changed (NOTIFY on
//! [`CHANNEL`]) and listens for theirs, feeding them to its own watchers.
//!
//! A notification is sent after the change is committed, on a pool connection of its own, never
//! inside the booking's transaction: PostgreSQL serializes the commits of transactions that
//! notify, which would queue every batch behind one lock. Changes wait in the outbox while a
//! notification is being sent, so a burst goes out as one (each change once), and the hot path
//! only adds to a set. Payloads are short text: the sender's instance id, then the changes
//! (`s12 d1 b1 *`: slot 12, organization 1's door, its bookings, anything).
//!
//! Notifications sent while a listener's connection is down are lost: on reconnecting it tells
//! its watchers `Unknown`, and they read everything again.
use super::{Change, Events};
use crate::ids::{OrgId, SlotId};
use crate::store::Db;
use sqlx::postgres::{PgListener, PgPool};
use std::sync::atomic::Ordering;
use std::sync::PoisonError;
use std::time::Duration;

/// The notification channel every instance of one database shares.
pub const CHANNEL: &str = "gatehouse_events";
/// Payloads stay below PostgreSQL's limit of 8000 bytes.
const MAX_PAYLOAD: usize = 7000;
/// Wait before connecting again after the listener's connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Starts the bridge on PostgreSQL (on SQLite there is nothing to bridge): a task that sends
/// this instance's changes and one that listens for the others'. Both end when `events` closes.
pub fn spawn(events: &Events, db: &Db) {
    let Db::Postgres(pool) = db else { return };
    events.outbox.open.store(true, Ordering::Relaxed);
    tokio::spawn(send(events.clone(), pool.clone()));
    tokio::spawn(listen(events.clone(), pool.clone()));
}

async fn send(events: Events, pool: PgPool) {
    loop {
        tokio::select! {
            () = events.outbox.ready.notified() => {}
            () = events.closed() => return,
        }
        let changes: Vec<Change> = {
            let mut pending = events.outbox.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.drain().collect()
        };
        for payload in encode(events.instance, &changes) {
            let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(&payload).execute(&pool).await;
            if let Err(e) = sent {
                // The other instances' pages catch up at their next periodic read.
                tracing::warn!(error = %e, "could not notify the other instances of a change");
            }
        }
    }
}

async fn listen(events: Events, pool: PgPool) {
    let mut first = true;
    loop {
        let connected = tokio::select! {
            l = subscribe(&pool) => l,
            () = events.closed() => return,
        };
        let mut listener = match connected {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for the other instances' changes; retrying");
                tokio::select! {
                    () = tokio::time::sleep(RETRY) => continue,
                    () = events.closed() => return,
                }
            }
        };
        if !first {
            events.publish_here(Change::Unknown);
        }
        first = false;
        loop {
            let next = tokio::select! {
                n = listener.try_recv() => n,
                () = events.closed() => return,
            };
            match next {
                Ok(Some(notification)) => match decode(notification.payload()) {
                    Some((from, changes)) if from != events.instance => {
                        changes.into_iter().for_each(|c| events.publish_here(c));
                    }
                    Some(_) => {}
                    None => tracing::warn!(payload = notification.payload(), "unreadable change notification"),
                },
                // The connection was lost: connect again and say that changes may have been missed.
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "lost the listener for the other instances' changes");
                    break;
                }
            }
        }
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// The payloads telling `changes`, each under [`MAX_PAYLOAD`] bytes.
fn encode(instance: i64, changes: &[Change]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current = instance.to_string();
    let head = current.len();
    for change in changes {
        let word = match change {
            Change::Slot(id) => format!(" s{id}"),
            Change::Door(orq) => format!(" d{orq}"),
            Change::Bookings(orq) => format!(" b{orq}"),
            Change::Shop(orq) => format!(" p{orq}"),
            Change::Unknown => " *".to_string(),
        };
        if current.len() + word.len() > MAX_PAYLOAD {
            payloads.push(std::mem::replace(&mut current, instance.to_string()));
        }
        current.push_str(&word);
    }
    if current.len() > head {
        payloads.push(current);
    }
    payloads
}

/// The sender and its changes; `None` when the payload does not read as [`encode`] writes.
fn decode(payload: &str) -> Option<(i64, Vec<Change>)> {
    let mut words = payload.split(' ');
    let instance = words.next()?.parse().ok()?;
    let changes = words
        .map(|word| {
            let number = || word.get(1..).and_then(|n| n.parse::<i64>().ok());
            match word.as_bytes().first()? {
                b's' => number().map(|n| Change::Slot(SlotId(n))),
                b'd' => number().map(|n| Change::Door(OrgId(n))),
                b'b' => number().map(|n| Change::Bookings(OrgId(n))),
                b'p' => number().map(|n| Change::Shop(OrgId(n))),
                b'*' if word.len() == 1 => Some(Change::Unknown),
                _ => None,
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some((instance, changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_back_as_they_were_sent() {
        let changes = vec![
            Change::Slot(SlotId(12)),
            Change::Door(OrgId(1)),
            Change::Bookings(OrgId(3)),
            Change::Shop(OrgId(4)),
            Change::Unknown,
        ];
        let payloads = encode(42, &changes);
        assert_eq!(payloads, vec!["42 s12 d1 b3 p4 *".to_string()]);
        assert_eq!(decode(&payloads[0]), Some((42, changes)));
    }

    #[test]
    fn many_changes_are_split_into_payloads_postgresql_accepts() {
        let changes: Vec<Change> = (0..5000).map(|i| Change::Slot(SlotId(1_000_000 + i))).collect();
        let payloads = encode(7, &changes);
        assert!(payloads.len() > 1);
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let back: Vec<Change> = payloads.iter().flat_map(|p| decode(p).expect("readable").1).collect();
        assert_eq!(back, changes);
    }

    #[test]
    fn nothing_to_tell_sends_nothing() {
        assert!(encode(7, &[]).is_empty());
    }

    #[test]
    fn a_payload_that_is_not_ours_is_not_read() {
        for payload in ["", "x s1", "1 s", "1 q4", "1 s1x", "1 **"] {
            assert_eq!(decode(payload), None, "{payload:?}");
        }
    }
}
