//! Writer counters, shared by producers and the worker.

use super::export::{OtlpDropReason, OtlpStats};
use crate::schema::DROP_REASONS;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use tooltrail_json::Value;

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
            DropReason::QueueFull => DROP_REASONS[0],
            DropReason::SinkError => DROP_REASONS[1],
            DropReason::Closed => DROP_REASONS[2],
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

/// The writer's counters, split by who writes them: producers (every
/// thread that logs) and the worker. Each side's are on cache lines of
/// their own, and the worker publishes what it took from the queue every
/// [`PUBLISH_EVERY`] events rather than per event: when both sides updated
/// one line per event, each event moved that line between the two cores
/// several times (measured on Node's call path, see bench/README.md).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    producers: Padded<ProducerSide>,
    worker: Padded<WorkerSide>,
}

/// How many events the worker takes before it publishes them (it also
/// publishes whenever the queue is empty and after every batch, so an idle
/// writer's counters are exact). Producers see the queue at most this many
/// events fuller than it is.
pub(crate) const PUBLISH_EVERY: u64 = 64;

/// Two cache lines (adjacent-line prefetch pairs them on x86).
#[derive(Debug, Default)]
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Debug, Default)]
struct ProducerSide {
    /// Events and bytes ever put in the queue (minus refused reservations).
    enqueued: AtomicU64,
    enqueued_bytes: AtomicUsize,
    /// Events written by the caller after `close` (accepted, not queued).
    late: AtomicU64,
}

#[derive(Debug, Default)]
struct WorkerSide {
    /// Events and bytes the worker has taken out of the queue (published).
    taken: AtomicU64,
    taken_bytes: AtomicUsize,
    written: AtomicU64,
    dropped: [AtomicU64; 3],
    write_errors: AtomicU64,
    drop_reports: AtomicU64,
}

impl Counters {
    /// Reserves room for one event of `len` bytes before it is sent;
    /// returns the bytes queued before it.
    pub(super) fn reserve(&self, len: usize) -> usize {
        let p = &self.producers;
        p.enqueued.fetch_add(1, Relaxed);
        let before = p.enqueued_bytes.fetch_add(len, Relaxed);
        before.saturating_sub(self.worker.taken_bytes.load(Relaxed))
    }

    /// Gives back a reservation whose event was not queued.
    pub(super) fn unreserve(&self, len: usize) {
        self.producers.enqueued.fetch_sub(1, Relaxed);
        self.producers.enqueued_bytes.fetch_sub(len, Relaxed);
    }

    /// An event written by its caller after `close`.
    pub(super) fn count_late(&self) {
        self.producers.late.fetch_add(1, Relaxed);
        self.worker.written.fetch_add(1, Relaxed);
    }

    /// The worker took `events` events of `bytes` bytes out of the queue.
    pub(super) fn take(&self, events: u64, bytes: usize) {
        self.worker.taken.fetch_add(events, Relaxed);
        self.worker.taken_bytes.fetch_add(bytes, Relaxed);
    }

    /// Events waiting in the queue (as of the worker's last publication).
    pub(super) fn queued(&self) -> u64 {
        // The worker's count first: it only grows after the producers' does.
        let taken = self.worker.taken.load(Relaxed);
        self.producers.enqueued.load(Relaxed).saturating_sub(taken)
    }

    /// Bytes waiting in the queue.
    pub(super) fn queued_bytes(&self) -> usize {
        let taken = self.worker.taken_bytes.load(Relaxed);
        self.producers
            .enqueued_bytes
            .load(Relaxed)
            .saturating_sub(taken)
    }

    pub(super) fn count_written(&self, n: u64) {
        self.worker.written.fetch_add(n, Relaxed);
    }

    pub(super) fn count_write_error(&self) {
        self.worker.write_errors.fetch_add(1, Relaxed);
    }

    pub(super) fn count_drop_report(&self) {
        self.worker.drop_reports.fetch_add(1, Relaxed);
    }

    pub(super) fn count_drop(&self, reason: DropReason, n: u64) {
        self.worker.dropped[reason.index()].fetch_add(n, Relaxed);
    }

    pub(super) fn dropped(&self, reason: DropReason) -> u64 {
        self.worker.dropped[reason.index()].load(Relaxed)
    }

    pub(super) fn snapshot(&self) -> WriterStats {
        let w = &self.worker;
        let queued = self.queued();
        WriterStats {
            accepted: self.producers.enqueued.load(Relaxed) + self.producers.late.load(Relaxed),
            written: w.written.load(Relaxed),
            dropped_queue_full: self.dropped(DropReason::QueueFull),
            dropped_sink_error: self.dropped(DropReason::SinkError),
            dropped_closed: self.dropped(DropReason::Closed),
            write_errors: w.write_errors.load(Relaxed),
            drop_reports: w.drop_reports.load(Relaxed),
            queued,
            queued_bytes: self.queued_bytes() as u64,
        }
    }
}

/// [`WriterStats`] (and the exporter's [`OtlpStats`]) as one value: what
/// `EventWriter.stats()` returns in both languages.
pub fn stats_value(s: &WriterStats, otlp: Option<&OtlpStats>) -> Value {
    let n = |v: u64| Value::Number(v as f64);
    let dropped = DropReason::ALL.map(|r| (r.as_str(), n(s.dropped(r))));
    let mut members = vec![
        ("accepted", n(s.accepted)),
        ("written", n(s.written)),
        ("dropped", Value::object(dropped)),
        ("write_errors", n(s.write_errors)),
        ("drop_reports", n(s.drop_reports)),
        ("queued", n(s.queued)),
        ("queued_bytes", n(s.queued_bytes)),
    ];
    if let Some(o) = otlp {
        let dropped = OtlpDropReason::ALL.map(|r| (r.as_str(), n(o.dropped(r))));
        members.push((
            "otlp",
            Value::object([
                ("accepted", n(o.accepted)),
                ("exported", n(o.exported)),
                ("dropped", Value::object(dropped)),
                ("spans_exported", n(o.spans_exported)),
                ("spans_dropped", n(o.spans_dropped)),
                ("requests", n(o.requests)),
                ("retries", n(o.retries)),
                ("queued", n(o.queued)),
            ]),
        ));
    }
    Value::object(members)
}
