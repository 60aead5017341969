//! Per-`run_id` call counters (`seq`). A run's counter lives until its
//! `run_end`; calls made with a ctx of their own and no open run would keep
//! one counter per run id for the gateway's lifetime (a server passing each
//! request's id grew by ~100 bytes per request). So once the map holds more
//! than [`SWEEP_AT`] ids, the ids of no open run that no call used in the
//! last [`KEEP_IDLE`] calls are forgotten.

use foldhash::{HashMap, HashMapExt};

/// Calls since its last use after which a counter outside any open run
/// may be forgotten.
pub(crate) const KEEP_IDLE: u64 = 65_536;

/// Map size that starts a sweep (raised to twice what a sweep leaves, so
/// many open runs cannot make every call sweep).
pub(crate) const SWEEP_AT: usize = 2 * KEEP_IDLE as usize;

#[derive(Debug)]
pub(crate) struct Seqs {
    /// run id -> (last seq, tick of its last use).
    map: HashMap<String, (u64, u64)>,
    tick: u64,
    sweep_at: usize,
}

impl Default for Seqs {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            tick: 0,
            sweep_at: SWEEP_AT,
        }
    }
}

impl Seqs {
    /// The next `seq` of `run_id` (1 for its first call). `is_open` says
    /// whether a run id belongs to an open run (asked only during a sweep).
    pub(super) fn next(&mut self, run_id: &str, is_open: impl Fn(&str) -> bool) -> u64 {
        self.tick += 1;
        let tick = self.tick;
        if let Some((n, last)) = self.map.get_mut(run_id) {
            *n += 1;
            *last = tick;
            return *n;
        }
        self.map.insert(run_id.to_owned(), (1, tick));
        if self.map.len() > self.sweep_at {
            self.map
                .retain(|id, (_, last)| tick - *last < KEEP_IDLE || is_open(id));
            self.sweep_at = SWEEP_AT.max(2 * self.map.len());
        }
        1
    }

    /// Forgets `run_id`'s counter (its run ended).
    pub(super) fn remove(&mut self, run_id: &str) {
        self.map.remove(run_id);
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server passing each request's own run id, with no runs opened:
    /// before, one counter per id for the gateway's lifetime.
    #[test]
    fn ids_of_no_open_run_are_forgotten_once_idle() {
        let mut s = Seqs::default();
        let busy = "busy-run";
        for i in 0..1_000_000u64 {
            assert_eq!(s.next(&format!("req-{i}"), |_| false), 1);
            if i % 1000 == 0 {
                assert_eq!(
                    s.next(busy, |_| false),
                    i / 1000 + 1,
                    "a used id keeps counting"
                );
            }
            assert!(s.len() <= SWEEP_AT + 1, "call {i}: {} ids", s.len());
        }
    }

    #[test]
    fn ids_of_open_runs_are_kept_however_idle() {
        let mut s = Seqs::default();
        assert_eq!(s.next("open-run", |_| false), 1);
        for i in 0..(3 * SWEEP_AT) {
            s.next(&format!("req-{i}"), |id| id == "open-run");
        }
        assert_eq!(s.next("open-run", |_| false), 2);
    }

    #[test]
    fn many_open_runs_do_not_make_every_call_sweep() {
        let mut s = Seqs::default();
        let open = |id: &str| id.starts_with("open-");
        for i in 0..(SWEEP_AT + 10) {
            s.next(&format!("open-{i}"), open);
        }
        let after_sweep = s.sweep_at;
        assert!(after_sweep >= 2 * SWEEP_AT, "{after_sweep}");
        for i in 0..1000 {
            s.next(&format!("req-{i}"), open);
        }
        assert_eq!(s.sweep_at, after_sweep, "no sweep until the map doubles");
    }
}
