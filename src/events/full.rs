//! Slots this instance has seen refuse a seat (full, closed or started), so that the next
//! booking for one is refused from a read rather than through the batcher.
//!
//! Why: once a hot slot is full, every further attempt used to take its turn in a batch and run
//! the seat statement there; on PostgreSQL with several instances, those batches queue on the
//! slot's row behind the other instance's batch. A mark is only a hint: the refusal is still
//! decided from a fresh read of the slot ([`crate::reservation`]), a slot that has a seat again
//! goes through the batcher as before, and any change to the slot, here or on another instance
//! (the LISTEN/NOTIFY bridge), forgets its mark at once. Marks also fade after [`FADES`].
use crate::ids::SlotId;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a mark is trusted without news of the slot.
const FADES: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct FullSlots {
    marked: Mutex<HashMap<SlotId, Instant>>,
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
    }

    pub fn forget_all(&self) {
        self.marked.lock().unwrap_or_else(PoisonError::into_inner).clear();
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
    fn forgetting_everything_forgets_every_mark() {
        let full = FullSlots::default();
        full.mark(SlotId(1));
        full.mark(SlotId(2));
        full.forget_all();
        assert!(!full.is_marked(SlotId(1)) && !full.is_marked(SlotId(2)));
    }
}
