//! The writer's export interface: a second destination fed the same line
//! bytes as the sink, with its own bounded queue and thread, so a slow or
//! dead collector drops export events (counted) and never stalls producers
//! or the local sink. The writer knows only this interface; the OTLP
//! exporter (crate `tooltrail-otlp`) implements it and registers itself with
//! [`register_exporter`], so the writer never depends on it.

use std::fmt;
use std::io;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::WriterError;
use super::sink::Sink;
use crate::config::OtlpConfig;

/// A running exporter, fed by the writer's [`EventWriter::write_line`](super::EventWriter::write_line).
pub trait Export: Send + Sync {
    /// Queues one line for export; never blocks.
    fn write_line(&self, line: Vec<u8>) -> bool;
    /// Waits until everything queued before the call was exported (or
    /// counted lost); false on timeout or if anything was lost since the
    /// previous answer.
    fn flush(&self, timeout: Duration) -> bool;
    /// Tells the exporter to give up retries and requests at `deadline`.
    fn begin_close(&self, deadline: Instant);
    /// Exports what is queued until `deadline`, then stops; never waits past it.
    fn close(&self, deadline: Instant) -> bool;
    /// A snapshot of the exporter's counters.
    fn stats(&self) -> OtlpStats;
}

/// How an exporter opens its sink (again in a forked child): a
/// `SinkSpec::Export`. Lines written after
/// `close()` are never written to it synchronously.
pub trait OpenExportSink: Send + Sync + fmt::Debug {
    /// A sink posting to the exporter's destination (no connection is made here).
    fn open(&self) -> io::Result<Box<dyn Sink>>;
}

/// Starts an exporter for a configuration's `sinks.otlp`, with the writer's
/// close timeout.
pub type StartExport = fn(&OtlpConfig, Duration) -> Result<Box<dyn Export>, WriterError>;

static START: OnceLock<StartExport> = OnceLock::new();

/// Makes OTLP export available to every writer of the process (the
/// `tooltrail-otlp` crate's `install` calls it; the first registration wins).
pub fn register_exporter(start: StartExport) {
    let _ = START.set(start);
}

/// Starts the registered exporter; a configuration that asks for export in
/// a program built without it is an error naming `sinks.otlp`.
pub(crate) fn start_export(
    config: &OtlpConfig,
    close_timeout: Duration,
) -> Result<Box<dyn Export>, WriterError> {
    match START.get() {
        Some(start) => start(config, close_timeout),
        None => Err(WriterError::InvalidConfig {
            key: "sinks.otlp",
            message: "OTLP export is not built into this program".into(),
        }),
    }
}

/// Why events did not reach the collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpDropReason {
    /// The export queue was full.
    QueueFull,
    /// The collector refused them for good: 400 or another status that is
    /// not retried, or a partial success naming rejected records.
    Rejected,
    /// 429/502/503/504 on every attempt, or the retry budget ran out.
    RetriesExhausted,
    /// No HTTP answer: connection refused or reset, timeout, bad address.
    Network,
    /// Queued after close, or still undelivered when close's timeout ran out.
    Closed,
    /// A queued line that is not a JSON object (written with `write_line`).
    Invalid,
}

impl OtlpDropReason {
    /// Every reason, in the order `stats()` lists them.
    pub const ALL: [OtlpDropReason; 6] = [
        OtlpDropReason::QueueFull,
        OtlpDropReason::Rejected,
        OtlpDropReason::RetriesExhausted,
        OtlpDropReason::Network,
        OtlpDropReason::Closed,
        OtlpDropReason::Invalid,
    ];

    /// The name used in `stats()`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OtlpDropReason::QueueFull => "queue_full",
            OtlpDropReason::Rejected => "rejected",
            OtlpDropReason::RetriesExhausted => "retries_exhausted",
            OtlpDropReason::Network => "network",
            OtlpDropReason::Closed => "closed",
            OtlpDropReason::Invalid => "invalid",
        }
    }

    /// Its position in [`OtlpStats::dropped`].
    pub const fn index(self) -> usize {
        match self {
            OtlpDropReason::QueueFull => 0,
            OtlpDropReason::Rejected => 1,
            OtlpDropReason::RetriesExhausted => 2,
            OtlpDropReason::Network => 3,
            OtlpDropReason::Closed => 4,
            OtlpDropReason::Invalid => 5,
        }
    }
}

/// A snapshot of the exporter's counters. Events are counted as log records;
/// spans separately.
///
/// Once the export queue is empty: `accepted == exported + dropped(rejected
/// | retries_exhausted | network | closed | invalid)`; `queue_full` events
/// were never accepted. With `logs: false`, "exported" counts events whose
/// batch was delivered as spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OtlpStats {
    /// Events taken into the export queue.
    pub accepted: u64,
    /// Events the collector accepted (as log records).
    pub exported: u64,
    /// Spans the collector accepted.
    pub spans_exported: u64,
    /// Spans lost (any reason).
    pub spans_dropped: u64,
    /// HTTP requests made, retries included.
    pub requests: u64,
    /// Of those, retries (after 429/502/503/504).
    pub retries: u64,
    /// Events lost, by [`OtlpDropReason::index`].
    pub dropped: [u64; 6],
    /// Events waiting in the export queue now.
    pub queued: u64,
}

impl OtlpStats {
    /// Events lost for one reason.
    pub fn dropped(&self, reason: OtlpDropReason) -> u64 {
        self.dropped[reason.index()]
    }
}
