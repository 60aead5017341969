//! Fork detection, for state a forked child must not share with its parent.
//!
//! A `pthread_atfork` child handler bumps a generation counter (an atomic
//! store is async-signal-safe). Each holder remembers the generation it was
//! made in and compares it with one relaxed load on its hot path:
//! - the writer: a child inherits its memory but not its worker thread, so
//!   it restarts itself, forgetting, never joining or dropping, the parent's
//!   thread handle;
//! - random ids: a child inherits the buffer of OS randomness ids are drawn
//!   from, so it drops it and draws its own (else every child repeats its
//!   siblings' and its parent's next span and trace ids);
//! - runs: a child's calls through a run its parent opened go to a run of
//!   the child's own, linked by `parent_run_id` (`Gateway::forked_run`).

use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static HOOK: Once = Once::new();

extern "C" fn child_after_fork() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// Installs the at-fork handler once per process.
pub(crate) fn install_hook() {
    HOOK.call_once(|| {
        // SAFETY: registering a handler that only touches an atomic.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(child_after_fork)) };
        debug_assert_eq!(rc, 0, "pthread_atfork failed");
    });
}

/// The number of forks this process descends through since the hook was set.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}
