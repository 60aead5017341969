//! In-flight calls, held on the Rust side between `begin` and `finish*`.
//!
//! JS gets a number, not a wrapped object: a `#[napi]` class instance per
//! call (object wrap, reference, finalizer) was the largest single cost of a
//! Node tool call. The number carries a generation, so a stale or repeated
//! id finds nothing instead of another call.

/// Slots are reused; ids are `generation << 24 | index` (within 2^53, so a
/// JS number holds one exactly).
const INDEX_BITS: u32 = 24;
const GENERATION_MASK: u64 = (1 << (53 - INDEX_BITS)) - 1;

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
        ((slot.0 << INDEX_BITS) | index as u64) as f64
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
        let index = (id & ((1 << INDEX_BITS) - 1)) as usize;
        let slot = self.slots.get(index)?;
        (slot.0 == id >> INDEX_BITS).then_some(index)
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
}
