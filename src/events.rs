//! What changed, for whoever watches as it happens (today: open booking pages showing slot
//! counts). Events carry only which slot changed; watchers read the counts themselves, so an
//! event is never stale and a missed one is made good by the next read.
//!
//! One broadcast channel per engine. Publishing costs nothing when nobody listens, so the hot
//! booking path pays no price for it. A bridge from PostgreSQL LISTEN/NOTIFY can feed the same
//! channel with other instances' changes.
use crate::ids::SlotId;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// Events a slow watcher may fall behind by before it is told it lagged (and re-reads).
const BACKLOG: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotChanged {
    pub slot_id: SlotId,
}

#[derive(Clone)]
pub struct Events {
    slots: broadcast::Sender<SlotChanged>,
    /// Set once the server shuts down, so long-lived watchers (open SSE streams) end.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for Events {
    fn default() -> Self {
        Self { slots: broadcast::channel(BACKLOG).0, closing: Arc::new(watch::channel(false).0) }
    }
}

impl Events {
    pub fn slot_changed(&self, slot_id: SlotId) {
        // An error only means no one is watching.
        let _ = self.slots.send(SlotChanged { slot_id });
    }

    pub fn watch_slots(&self) -> broadcast::Receiver<SlotChanged> {
        self.slots.subscribe()
    }

    /// Tells every watcher to stop: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once `close` has been called (at once if it already was).
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|c| *c).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn watchers_hear_changes_published_after_they_subscribed() {
        let events = Events::default();
        events.slot_changed(SlotId(1));
        let mut watcher = events.watch_slots();
        events.slot_changed(SlotId(2));
        assert_eq!(watcher.recv().await.unwrap(), SlotChanged { slot_id: SlotId(2) });
        assert!(watcher.try_recv().is_err());
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
