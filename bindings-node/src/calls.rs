//! In-flight calls, held on the Rust side between `begin` and `finish*`.
//!
//! JS gets a number, not a wrapped object: a `#[napi]` class instance per
//! call (object wrap, reference, finalizer) was the largest single cost of a
//! Node tool call. The number carries a generation, so a stale or repeated
//! id finds nothing instead of another call.
//!
//! Slots are reused. The first 2^16 slots (calls in flight at once) have
//! ids below 2^31, `generation << 16 | index` with 15 bits of generation:
//! V8 holds such a number as a small integer, where a larger one is a heap
//! object allocated for every call (a sync tool reuses one slot, so its ids
//! passed 2^31 after 128 calls when they were `generation << 24 | index`).
//! Slots beyond have ids from 2^31 up, `2^31 + (generation << 24 | index)`
//! (within 2^53, so a JS number holds one exactly).

/// Slots whose ids are small integers.
const SMALL_INDEX_BITS: u32 = 16;
const SMALL_GENERATION_MASK: u64 = (1 << (31 - SMALL_INDEX_BITS)) - 1;
/// The rest (16 million calls in flight at once would wrap the index).
const INDEX_BITS: u32 = 24;
const GENERATION_MASK: u64 = (1 << (52 - INDEX_BITS)) - 1;
const WIDE: u64 = 1 << 31;

pub(crate) struct Calls<T> {
    slots: Vec<(u64, Option<T>)>,
    free: Vec<usize>,
}

impl<T> Default for Calls<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Calls<T> {
    /// Stores a call; returns its id.
    pub fn put(&mut self, handle: T) -> f64 {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                // 16 million calls in flight at once would wrap the index.
                debug_assert!(self.slots.len() < 1 << INDEX_BITS);
                self.slots.push((0, None));
                self.slots.len() - 1
            }
        };
        let slot = &mut self.slots[index];
        slot.0 = (slot.0 + 1) & GENERATION_MASK;
        slot.1 = Some(handle);
        encode(slot.0, index) as f64
    }

    /// Takes the call back (once); `None` for an unknown or finished id.
    pub fn take(&mut self, id: f64) -> Option<T> {
        let index = self.index(id)?;
        let handle = self.slots[index].1.take()?;
        self.free.push(index);
        Some(handle)
    }

    /// The call in flight under `id`, left in place.
    pub fn get(&self, id: f64) -> Option<&T> {
        self.slots[self.index(id)?].1.as_ref()
    }

    /// The slot of a live id's generation.
    fn index(&self, id: f64) -> Option<usize> {
        if !(id >= 0.0 && id < 2f64.powi(53) && id.fract() == 0.0) {
            return None;
        }
        let id = id as u64;
        let index = match id < WIDE {
            true => id & ((1 << SMALL_INDEX_BITS) - 1),
            false => (id - WIDE) & ((1 << INDEX_BITS) - 1),
        } as usize;
        let slot = self.slots.get(index)?;
        (slot.1.is_some() && encode(slot.0, index) == id).then_some(index)
    }
}

/// The id of `index`'s slot at `generation`.
fn encode(generation: u64, index: usize) -> u64 {
    let index = index as u64;
    if index < 1 << SMALL_INDEX_BITS {
        (generation & SMALL_GENERATION_MASK) << SMALL_INDEX_BITS | index
    } else {
        WIDE + ((generation & GENERATION_MASK) << INDEX_BITS | index)
    }
}

#[cfg(test)]
mod tests {
    use super::Calls;

    #[test]
    fn ids_are_taken_once_and_stale_ids_find_nothing() {
        let mut calls = Calls::default();
        let a = calls.put("a");
        let b = calls.put("b");
        assert_eq!(calls.get(a), Some(&"a"));
        assert_eq!(calls.take(a), Some("a"));
        assert_eq!(calls.get(a), None, "taken");
        assert_eq!(calls.take(a), None, "taken once");
        let c = calls.put("c"); // reuses a's slot
        assert_ne!(c, a);
        assert_eq!(calls.take(a), None, "a stale id does not find c");
        assert_eq!((calls.take(b), calls.take(c)), (Some("b"), Some("c")));
        for bad in [-1.0, 0.5, f64::NAN, 1e300] {
            assert_eq!(calls.take(bad), None);
        }
    }

    #[test]
    fn a_sync_tools_ids_stay_small_integers() {
        let mut calls = Calls::default();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            let id = calls.put(());
            assert!(id < 2f64.powi(31), "{id} is not a small integer for V8");
            seen.insert(id as u64);
            assert_eq!(calls.take(id), Some(()));
            assert_eq!(calls.take(id), None, "taken once");
        }
        // 2^15 generations before an id repeats.
        assert_eq!(seen.len(), 1 << 15);
    }

    #[test]
    fn calls_beyond_the_small_slots_get_wide_ids_that_work_alike() {
        let mut calls = Calls::default();
        let ids: Vec<f64> = (0..70_000u32).map(|i| calls.put(i)).collect();
        assert!(ids[65_535] < 2f64.powi(31) && ids[65_536] >= 2f64.powi(31));
        for (i, &id) in ids.iter().enumerate().rev() {
            assert_eq!(calls.get(id), Some(&(i as u32)));
            assert_eq!(calls.take(id), Some(i as u32));
            assert_eq!(calls.take(id), None);
        }
        let again = calls.put(7);
        assert!(!ids.contains(&again), "a reused slot has a new id");
        assert_eq!(calls.take(again), Some(7));
        assert_eq!(calls.take(ids[69_999]), None, "stale wide id");
    }
}
