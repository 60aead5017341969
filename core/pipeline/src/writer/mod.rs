//! The non-blocking, batched event writer.
//!
//! Producers serialize an event on their own thread and enqueue its bytes on a
//! bounded channel (bounded by events and by bytes); a worker thread writes
//! batches to a [`Sink`]. Overflow drops the newest event and counts it, unless
//! blocking with a timeout is chosen. See `docs/writer.md` for the design.

mod config;
mod enqueue;
mod entry;
mod export;
mod file_sink;
pub mod run_index;
mod sink;
mod spec;
mod stats;
mod worker;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use crossbeam_channel::{Sender, bounded, unbounded};

pub use crate::fork::generation as fork_generation;
pub use config::{
    FLUSH_TIMEOUT, MAX_BYTES, MAX_FILES, MAX_QUEUE_EVENTS, Overflow, WriterConfig, WriterError,
    WriterOptions, duration_from_secs, wait_timeout,
};
pub use entry::DeferredLine;
pub use export::{
    Export, OpenExportSink, OtlpDropReason, OtlpStats, StartExport, register_exporter,
};
pub use file_sink::{ACTIVE_FILE, DEFAULT_DIR, DirSink, DirSinkConfig};
pub use sink::{MemorySink, Sink, StdoutSink};
pub use spec::SinkSpec;
pub use stats::{DropReason, WriterStats, stats_value};

use entry::Entry;
use stats::Counters;
use worker::{BatchLimits, Control, Worker};

/// A handle to a running writer; clones share it.
#[derive(Clone)]
pub struct EventWriter {
    shared: Arc<Shared>,
}

struct Shared {
    config: WriterConfig,
    running: ArcSwap<Running>,
    restart: Mutex<()>,
    closed: AtomicBool,
    /// 0 = open or closing, 1 = closed cleanly, 2 = close timed out.
    close_outcome: AtomicU8,
    /// The OTLP fan-out: the same lines, its own queue and thread.
    otlp: Option<Box<dyn Export>>,
    /// After `close()`: the sink late lines are written to synchronously.
    late: Mutex<Option<Box<dyn Sink>>>,
    /// Whether a late line could not be written and stderr was told.
    late_failed: AtomicBool,
}

/// One worker's channels; replaced wholesale in a forked child.
struct Running {
    tx: Sender<Entry>,
    ctrl: Sender<Control>,
    counters: Arc<Counters>,
    generation: u64,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl EventWriter {
    /// Validates `config`, opens the sink (an unwritable path fails here) and
    /// starts the worker thread.
    pub fn new(config: WriterConfig) -> Result<Self, WriterError> {
        config.validate()?;
        let sink = config.sink.open().map_err(|source| WriterError::Open {
            sink: format!("{:?}", config.sink),
            source,
        })?;
        let otlp = match &config.otlp {
            Some(o) => Some(export::start_export(o, config.close_timeout)?),
            None => None,
        };
        crate::fork::install_hook();
        let running = start(&config, Some(sink), crate::fork::generation());
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                running: ArcSwap::from_pointee(running),
                restart: Mutex::new(()),
                closed: AtomicBool::new(false),
                close_outcome: AtomicU8::new(0),
                otlp,
                late: Mutex::new(None),
                late_failed: AtomicBool::new(false),
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &WriterConfig {
        &self.shared.config
    }

    /// Waits until everything accepted before the call is written and the sink
    /// flushed. Returns false on timeout, after `close` with events pending, or
    /// if the sink lost events since the previous flush answered.
    /// With OTLP export, also waits (within the same timeout) until the
    /// export queue is delivered, and answers false if export lost events.
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let local = self.flush_local(timeout);
        let exported = self
            .shared
            .otlp
            .as_ref()
            .is_none_or(|x| x.flush(deadline.saturating_duration_since(Instant::now())));
        local && exported
    }

    /// [`flush`](Self::flush) for the local sink only, not the OTLP export.
    /// For the before-fork hook: the child starts its own exporter and the
    /// parent's keeps delivering, so waiting there for a slow collector
    /// would only delay every fork.
    pub fn flush_local(&self, timeout: Duration) -> bool {
        let running = self.running();
        let (ack, answer) = bounded(1);
        if running.ctrl.send(Control::Flush(ack)).is_err() {
            return running.counters.queued() == 0;
        }
        answer.recv_timeout(timeout).unwrap_or(false)
    }

    /// Stops accepting events, writes what is queued and stops the worker.
    /// Idempotent: later calls return the first call's outcome. Returns false
    /// if the worker did not finish within `timeout` (it is then detached).
    /// With OTLP export, the exporter gets the same deadline (it works while
    /// the local sink closes); what it cannot deliver by then is counted.
    pub fn close(&self, timeout: Duration) -> bool {
        if self.shared.closed.swap(true, Relaxed) {
            return self.shared.close_outcome.load(Relaxed) == 1;
        }
        let deadline = Instant::now() + timeout;
        if let Some(otlp) = &self.shared.otlp {
            otlp.begin_close(deadline);
        }
        let local = self.close_local(timeout);
        let exported = self.shared.otlp.as_ref().is_none_or(|x| x.close(deadline));
        let ok = local && exported;
        self.shared
            .close_outcome
            .store(if ok { 1 } else { 2 }, Relaxed);
        ok
    }

    fn close_local(&self, timeout: Duration) -> bool {
        let running = self.running();
        let (ack, answer) = bounded(1);
        let ok = running.ctrl.send(Control::Close(ack)).is_ok()
            && answer.recv_timeout(timeout).unwrap_or(false);
        let handle = running
            .thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        // On timeout the handle is dropped, detaching the thread: safe here,
        // in the process that spawned it.
        if let Some(handle) = handle
            && ok
        {
            let _ = handle.join();
        }
        ok
    }

    /// Whether `close` has been called.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Relaxed)
    }

    /// A snapshot of the counters (since start, or since the fork in a child).
    pub fn stats(&self) -> WriterStats {
        let mut s = self.running().counters.snapshot();
        // A close that timed out detached the worker with events still queued
        // or in flight: they were not delivered by close's deadline, so they
        // count as `closed` now, not whenever the detached worker gets to
        // them (if ever). What it still delivers moves from here to written.
        // (These were accepted: `accepted == written + dropped_sink_error +
        // the undelivered part of dropped_closed` after such a close.)
        if self.shared.close_outcome.load(Relaxed) == 2 {
            let undelivered = s.accepted.saturating_sub(s.written + s.dropped_sink_error);
            s.dropped_closed += undelivered;
            s.queued = 0;
            s.queued_bytes = 0;
        }
        s
    }

    /// The counters as the worker keeps them, without the adjustment that
    /// [`stats`](Self::stats) makes after a close that timed out, and
    /// whether such a close happened. For the OTLP exporter, whose sink
    /// settles every event itself and must not see it counted twice.
    pub fn raw_stats(&self) -> (WriterStats, bool) {
        let s = self.running().counters.snapshot();
        (s, self.shared.close_outcome.load(Relaxed) == 2)
    }

    /// The OTLP exporter's counters, when export is configured.
    pub fn otlp_stats(&self) -> Option<OtlpStats> {
        self.shared.otlp.as_ref().map(|x| x.stats())
    }

    /// `stats()` as the bindings return it, one shape for both: the
    /// counters, `dropped` by reason, and `otlp` when export is configured
    /// (snake_case keys; Node spells them camelCase).
    pub fn stats_value(&self) -> tooltrail_json::Value {
        stats::stats_value(&self.stats(), self.otlp_stats().as_ref())
    }

    /// The current worker, restarted first if this process is a forked child.
    fn running(&self) -> arc_swap::Guard<Arc<Running>> {
        let current = self.shared.running.load();
        if current.generation == crate::fork::generation() {
            return current;
        }
        drop(current);
        self.restart_after_fork();
        self.shared.running.load()
    }

    #[cold]
    fn restart_after_fork(&self) {
        let _guard = self
            .shared
            .restart
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let generation = crate::fork::generation();
        if self.shared.running.load().generation == generation {
            return; // another thread of this child restarted it
        }
        // The sink is opened lazily by the new worker, so a failure to open
        // is counted as sink errors and retried instead of raised here.
        let fresh = Arc::new(start(&self.shared.config, None, generation));
        let inherited = self.shared.running.swap(fresh);
        // The parent's worker thread does not exist here: never join or drop
        // its handle (pthread_detach on a recycled id hits another thread).
        std::mem::forget(inherited);
    }
}

/// Writers being closed by their last handle's drop right now. An exit path
/// (a signal handler closing every writer it can still reach) waits for them
/// with [`wait_for_dropped`]: a binding may drop a writer on another thread
/// with its interpreter lock released, and the process must not end mid-close.
static CLOSING_ON_DROP: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts one close-on-drop in progress while it lives. `Shared::drop` holds
/// one; a binding takes one *before* releasing its interpreter lock to drop
/// a writer, so no exit path can slip in between.
#[derive(Debug)]
pub struct ClosingOnDrop(());

impl ClosingOnDrop {
    /// Starts counting.
    pub fn begin() -> Self {
        CLOSING_ON_DROP.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ClosingOnDrop(())
    }
}

impl Drop for ClosingOnDrop {
    fn drop(&mut self) {
        CLOSING_ON_DROP.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Waits (up to `timeout`) until no writer is being closed by a drop;
/// false if one still is.
pub fn wait_for_dropped(timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while CLOSING_ON_DROP.load(std::sync::atomic::Ordering::SeqCst) > 0 {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

impl Drop for Shared {
    fn drop(&mut self) {
        if self.running.load().generation != crate::fork::generation() {
            std::mem::forget(self.running.swap(Arc::new(placeholder())));
            return;
        }
        if !self.closed.swap(true, Relaxed) {
            let _closing = ClosingOnDrop::begin();
            let running = self.running.load();
            let (ack, answer) = bounded(1);
            if running.ctrl.send(Control::Close(ack)).is_ok() {
                let _ = answer.recv_timeout(self.config.close_timeout);
            }
        }
    }
}

fn start(config: &WriterConfig, sink: Option<Box<dyn Sink>>, generation: u64) -> Running {
    let (tx, rx) = bounded(config.queue_events);
    let (ctrl, ctrl_rx) = unbounded();
    let counters = Arc::new(Counters::default());
    let worker = Worker {
        rx,
        ctrl: ctrl_rx,
        spec: config.sink.clone(),
        sink,
        counters: Arc::clone(&counters),
        limits: BatchLimits {
            events: config.batch_events,
            bytes: config.batch_bytes,
            linger: config.flush_interval,
        },
        batch: Vec::with_capacity(config.batch_bytes.min(1 << 20)),
        batch_events: 0,
        taken: (0, 0),
        reported: [0; 2],
        sink_errors_answered: 0,
        last_error_report: None,
    };
    let thread = std::thread::Builder::new()
        .name("tooltrail-writer".into())
        .spawn(move || worker.run())
        .expect("spawn the tooltrail writer thread");
    Running {
        tx,
        ctrl,
        counters,
        generation,
        thread: Mutex::new(Some(thread)),
    }
}

/// A worker-less stand-in, used only to take the inherited one out of the
/// swap in a forked child's drop path.
fn placeholder() -> Running {
    let (tx, _) = bounded(1);
    let (ctrl, _) = unbounded();
    Running {
        tx,
        ctrl,
        counters: Arc::default(),
        generation: crate::fork::generation(),
        thread: Mutex::new(None),
    }
}
