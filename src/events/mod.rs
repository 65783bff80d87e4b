//! What changed, for whoever watches as it happens: open booking pages showing slot counts, the
//! admin's live operations page. Events carry only *what* changed (a slot, an organization's
//! door or bookings); watchers read the figures themselves, so an event is never stale and a
//! missed one is made good by the next read.
//!
//! One broadcast channel per engine. Publishing costs a channel send when nobody listens, so
//! the hot booking path pays no measurable price for it. On PostgreSQL, [`bridge`] tells the
//! other instances on the same database (LISTEN/NOTIFY) and feeds theirs into this channel;
//! on SQLite there is one instance and the channel is enough. [`tally`] counts booking
//! attempts by outcome, for the reservation failure rate.
pub mod bridge;
pub mod full;
pub mod tally;

use crate::ids::{OrgId, SlotId};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{broadcast, watch, Notify};

/// Events a slow watcher may fall behind by before it is told it lagged (and re-reads).
const BACKLOG: usize = 1024;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// A slot's seats, capacity or status: a booking, a change, a cancellation, an edit.
    Slot(SlotId),
    /// Someone was admitted or refused at an organization's door, or a scanner synced its
    /// offline queue (conflicts included).
    Door(OrgId),
    /// Booking attempts of an organization were counted (refusals included).
    Bookings(OrgId),
    /// An organization's shop stock or holds: a cart held or let go, an order placed or given
    /// back (a hold that merely expires is seen by the next read).
    Shop(OrgId),
    /// Changes may have been missed (the bridge to the other instances was down): read again.
    Unknown,
}

#[derive(Clone)]
pub struct Events {
    changes: broadcast::Sender<Change>,
    /// Changes waiting for the bridge to tell the other instances.
    outbox: Arc<Outbox>,
    /// Set once the server shuts down, so long-lived watchers (open SSE streams) end.
    closing: Arc<watch::Sender<bool>>,
    tally: Arc<tally::Tally>,
    /// Slots seen full; forgotten on any change to them, here or on another instance.
    full: Arc<full::FullSlots>,
    streams: Arc<AtomicUsize>,
    /// This instance among those on one database, so that it ignores its own notifications.
    instance: i64,
    /// Rung when a message is written to the notifications outbox, so this instance's worker
    /// delivers it at once rather than at its next look.
    messages: Arc<Notify>,
}

/// Pending changes, each once however often it happened since the last notification.
#[derive(Default)]
struct Outbox {
    /// Whether a bridge sends them; without one nothing is kept.
    open: AtomicBool,
    pending: Mutex<HashSet<Change>>,
    ready: Notify,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            changes: broadcast::channel(BACKLOG).0,
            outbox: Arc::default(),
            closing: Arc::new(watch::channel(false).0),
            tally: Arc::default(),
            full: Arc::default(),
            streams: Arc::default(),
            instance: rand::random::<i64>() & i64::MAX,
            messages: Arc::default(),
        }
    }
}

impl Events {
    pub fn slot_changed(&self, slot_id: SlotId) {
        self.publish(Change::Slot(slot_id));
    }

    /// `orq`'s shop stock or holds changed.
    pub fn shop(&self, orq: OrgId) {
        self.publish(Change::Shop(orq));
    }

    /// An attempt at `orq`'s door was logged.
    pub fn door(&self, orq: OrgId) {
        self.publish(Change::Door(orq));
    }

    /// Counts a booking attempt for `slot_id` at `at` by its outcome (`RESERVED` or the
    /// refusal's code). Kept in memory and written by [`tally::flush`].
    pub fn booking_attempt(&self, slot_id: SlotId, outcome: &'static str, at: chrono::DateTime<chrono::Utc>) {
        self.tally.count(slot_id, outcome, at);
    }

    pub fn publish(&self, change: Change) {
        self.publish_here(change);
        if self.outbox.open.load(Ordering::Relaxed) {
            let mut pending = self.outbox.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.insert(change) && pending.len() == 1 {
                self.outbox.ready.notify_one();
            }
        }
    }

    /// Slots seen refusing a seat (see [`full`]).
    pub fn full_slots(&self) -> &full::FullSlots {
        &self.full
    }

    /// To this instance's watchers only (a change another instance made, or `Unknown`).
    fn publish_here(&self, change: Change) {
        // Every change to a slot, made here or told by another instance, passes here.
        match change {
            Change::Slot(id) => self.full.forget(id),
            Change::Unknown => self.full.forget_all(),
            Change::Door(_) | Change::Bookings(_) | Change::Shop(_) => {}
        }
        // An error only means no one is watching.
        let _ = self.changes.send(change);
    }

    pub fn watch(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Counts an open stream until the guard is dropped.
    pub fn stream_opened(&self) -> StreamGuard {
        self.streams.fetch_add(1, Ordering::Relaxed);
        StreamGuard(self.streams.clone())
    }

    /// Live streams (SSE) open on this instance.
    pub fn open_streams(&self) -> usize {
        self.streams.load(Ordering::Relaxed)
    }

    /// Tells every watcher to stop: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once `close` has been called (at once if it already was).
    /// A message was written to the notifications outbox (`crate::notify`).
    pub fn outbox_written(&self) {
        self.messages.notify_one();
    }

    /// Until [`Events::outbox_written`] rings (at once if it rang since the last wait).
    pub async fn outbox_rang(&self) {
        self.messages.notified().await;
    }

    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|c| *c).await;
    }
}

/// Held by an open stream; see [`Events::stream_opened`].
pub struct StreamGuard(Arc<AtomicUsize>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn watchers_hear_changes_published_after_they_subscribed() {
        let events = Events::default();
        events.slot_changed(SlotId(1));
        let mut watcher = events.watch();
        events.slot_changed(SlotId(2));
        events.door(OrgId(7));
        assert_eq!(watcher.recv().await.unwrap(), Change::Slot(SlotId(2)));
        assert_eq!(watcher.recv().await.unwrap(), Change::Door(OrgId(7)));
        assert!(watcher.try_recv().is_err());
    }

    #[tokio::test]
    async fn without_a_bridge_nothing_waits_to_be_sent() {
        let events = Events::default();
        events.slot_changed(SlotId(1));
        assert!(events.outbox.pending.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn with_a_bridge_a_burst_waits_as_one_change_each() {
        let events = Events::default();
        events.outbox.open.store(true, Ordering::Relaxed);
        for _ in 0..100 {
            events.slot_changed(SlotId(1));
        }
        events.door(OrgId(1));
        assert_eq!(events.outbox.pending.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn open_streams_are_counted_until_they_close() {
        let events = Events::default();
        let a = events.stream_opened();
        let b = events.stream_opened();
        assert_eq!(events.open_streams(), 2);
        drop(a);
        drop(b);
        assert_eq!(events.open_streams(), 0);
    }

    #[tokio::test]
    async fn closing_releases_those_waiting_and_those_who_come_later() {
        let events = Events::default();
        let waiting = tokio::spawn({
            let events = events.clone();
            async move { events.closed().await }
        });
        events.close();
        waiting.await.unwrap();
        events.closed().await;
    }
}
