//! Slots this instance has seen refuse a seat (full, closed or started), so that the next
//! booking for one is refused from a read rather than through the batcher.
//!
//! Why: once a hot slot is full, every further attempt used to take its turn in a batch and run
//! the seat statement there; on PostgreSQL with several instances, those batches queue on the
//! slot's row behind the other instance's batch. A mark is only a hint: the refusal is still
//! decided from a fresh read of the slot ([`crate::reservation`]), a slot that has a seat again
//! goes through the batcher as before, and any change to the slot, here or on another instance
//! (the LISTEN/NOTIFY bridge), forgets its mark at once. Marks also fade after [`FADES`].
//!
//! A refusal also offers other slots, read with a query of their own; the offer for a slot is
//! kept for [`OFFERED_FOR`] and dropped with any change to any slot (their seats are what it
//! shows), so a hot slot's refusals do not each read the same offer; and when none is kept, one
//! refusal at a time reads it, so the first rush of refusals (hundreds at the same instant, as a
//! hot slot fills) reads it once rather than once each.
use crate::ids::SlotId;
use crate::reservation::AlternativeSlot;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a mark is trusted without news of the slot.
const FADES: Duration = Duration::from_secs(5);
/// How long the slots offered instead of a full one are kept without news of any slot.
const OFFERED_FOR: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct FullSlots {
    marked: Mutex<HashMap<SlotId, Instant>>,
    offers: Mutex<HashMap<SlotId, (Instant, Vec<AlternativeSlot>)>>,
    reading_offer: tokio::sync::Mutex<()>,
}

impl FullSlots {
    pub fn is_marked(&self, slot_id: SlotId) -> bool {
        let marked = self.marked.lock().unwrap_or_else(PoisonError::into_inner);
        marked.get(&slot_id).is_some_and(|at| at.elapsed() < FADES)
    }

    pub fn mark(&self, slot_id: SlotId) {
        let mut marked = self.marked.lock().unwrap_or_else(PoisonError::into_inner);
        // Faded marks go when a new one comes: the map holds about the slots full right now.
        if marked.len() >= 64 {
            marked.retain(|_, at| at.elapsed() < FADES);
        }
        marked.insert(slot_id, Instant::now());
    }

    pub fn forget(&self, slot_id: SlotId) {
        self.marked.lock().unwrap_or_else(PoisonError::into_inner).remove(&slot_id);
        self.offers.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    pub fn forget_all(&self) {
        self.marked.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.offers.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The slots to offer instead of `slot_id`: those kept while fresh, else those `read`
    /// answers, kept.
    pub async fn offer_or<E, F: Future<Output = Result<Vec<AlternativeSlot>, E>>>(
        &self,
        slot_id: SlotId,
        read: impl FnOnce() -> F,
    ) -> Result<Vec<AlternativeSlot>, E> {
        if let Some(offer) = self.offer(slot_id) {
            return Ok(offer);
        }
        let _one_at_a_time = self.reading_offer.lock().await;
        if let Some(offer) = self.offer(slot_id) {
            return Ok(offer);
        }
        let offer = read().await?;
        self.keep_offer(slot_id, offer.clone());
        Ok(offer)
    }

    /// The slots last offered instead of `slot_id`, while fresh.
    fn offer(&self, slot_id: SlotId) -> Option<Vec<AlternativeSlot>> {
        let offers = self.offers.lock().unwrap_or_else(PoisonError::into_inner);
        offers.get(&slot_id).filter(|(at, _)| at.elapsed() < OFFERED_FOR).map(|(_, offer)| offer.clone())
    }

    fn keep_offer(&self, slot_id: SlotId, offer: Vec<AlternativeSlot>) {
        let mut offers = self.offers.lock().unwrap_or_else(PoisonError::into_inner);
        if offers.len() >= 64 {
            offers.retain(|_, (at, _)| at.elapsed() < OFFERED_FOR);
        }
        offers.insert(slot_id, (Instant::now(), offer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_slot_is_known_until_forgotten() {
        let full = FullSlots::default();
        full.mark(SlotId(1));
        assert!(full.is_marked(SlotId(1)));
        assert!(!full.is_marked(SlotId(2)));
        full.forget(SlotId(1));
        assert!(!full.is_marked(SlotId(1)));
    }

    #[test]
    fn an_offer_is_kept_until_any_slot_changes() {
        let full = FullSlots::default();
        full.keep_offer(SlotId(1), Vec::new());
        assert_eq!(full.offer(SlotId(1)), Some(Vec::new()));
        assert_eq!(full.offer(SlotId(2)), None);
        full.forget(SlotId(3));
        assert_eq!(full.offer(SlotId(1)), None);
    }

    #[test]
    fn forgetting_everything_forgets_every_mark() {
        let full = FullSlots::default();
        full.mark(SlotId(1));
        full.mark(SlotId(2));
        full.forget_all();
        assert!(!full.is_marked(SlotId(1)) && !full.is_marked(SlotId(2)));
    }
}
