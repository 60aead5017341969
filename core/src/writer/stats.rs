//! Writer counters, shared by producers and the worker.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Why events were dropped (the `reason` of a `writer_dropped` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// The queue was full (by events or bytes) when the event arrived.
    QueueFull,
    /// The sink failed to write the batch holding the event.
    SinkError,
    /// The event arrived after `close()`.
    Closed,
}

impl DropReason {
    /// Every reason, in wire order.
    pub const ALL: [DropReason; 3] = [
        DropReason::QueueFull,
        DropReason::SinkError,
        DropReason::Closed,
    ];

    /// The wire name (`queue_full`, `sink_error`, `closed`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DropReason::QueueFull => "queue_full",
            DropReason::SinkError => "sink_error",
            DropReason::Closed => "closed",
        }
    }

    fn index(self) -> usize {
        match self {
            DropReason::QueueFull => 0,
            DropReason::SinkError => 1,
            DropReason::Closed => 2,
        }
    }
}

/// A snapshot of the writer's counters.
///
/// Invariant once the queue is empty (after a successful `flush`):
/// `accepted == written + dropped_sink_error`. Events dropped as `queue_full`
/// or `closed` were never accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Events taken into the queue.
    pub accepted: u64,
    /// Events written to the sink.
    pub written: u64,
    /// Events refused because the queue was full.
    pub dropped_queue_full: u64,
    /// Accepted events lost because the sink failed.
    pub dropped_sink_error: u64,
    /// Events refused because the writer was closed.
    pub dropped_closed: u64,
    /// Failed batch writes.
    pub write_errors: u64,
    /// `writer_dropped` lines written.
    pub drop_reports: u64,
    /// Events waiting in the queue now.
    pub queued: u64,
    /// Bytes waiting in the queue now.
    pub queued_bytes: u64,
}

impl WriterStats {
    /// Dropped events of one reason.
    pub fn dropped(&self, reason: DropReason) -> u64 {
        match reason {
            DropReason::QueueFull => self.dropped_queue_full,
            DropReason::SinkError => self.dropped_sink_error,
            DropReason::Closed => self.dropped_closed,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub accepted: AtomicU64,
    pub written: AtomicU64,
    dropped: [AtomicU64; 3],
    pub write_errors: AtomicU64,
    pub drop_reports: AtomicU64,
    pub queued: AtomicU64,
    pub queued_bytes: AtomicUsize,
}

impl Counters {
    pub fn count_drop(&self, reason: DropReason, n: u64) {
        self.dropped[reason.index()].fetch_add(n, Relaxed);
    }

    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason.index()].load(Relaxed)
    }

    pub fn snapshot(&self) -> WriterStats {
        WriterStats {
            accepted: self.accepted.load(Relaxed),
            written: self.written.load(Relaxed),
            dropped_queue_full: self.dropped(DropReason::QueueFull),
            dropped_sink_error: self.dropped(DropReason::SinkError),
            dropped_closed: self.dropped(DropReason::Closed),
            write_errors: self.write_errors.load(Relaxed),
            drop_reports: self.drop_reports.load(Relaxed),
            queued: self.queued.load(Relaxed),
            queued_bytes: self.queued_bytes.load(Relaxed) as u64,
        }
    }
}
