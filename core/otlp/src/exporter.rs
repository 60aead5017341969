//! The exporter: a second core writer whose sink turns batches of event lines
//! into OTLP requests. Its queue, worker thread and counters are its own, so
//! the file sink and producers never wait on the collector.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::encode::{log_record, logs_request, traces_request};
use super::http::{Client, Sent, Stop, Tally};
use super::spans::SpanBuilder;
use super::{OtlpConfig, OtlpDropReason, OtlpStats};
use tooltrail_core::writer::{
    EventWriter, Export, OpenExportSink, Overflow, Sink, SinkSpec, WriterConfig, WriterError,
};
use tooltrail_json::Value;

const REPORT_EVERY: Duration = Duration::from_secs(60);

/// State shared by the exporter handle and its sink (and a forked child's).
#[derive(Debug, Default)]
struct ExportShared {
    exported: AtomicU64,
    spans_exported: AtomicU64,
    spans_dropped: AtomicU64,
    requests: AtomicU64,
    retries: AtomicU64,
    /// Drops counted by the sink (queue_full and late events are counted
    /// by the inner writer).
    dropped: [AtomicU64; 6],
    /// Total losses as of the last flush/close answer.
    lost_answered: AtomicU64,
    stop: Stop,
    last_report: Mutex<Option<Instant>>,
}

impl Tally for ExportShared {
    fn request(&self) {
        self.requests.fetch_add(1, Relaxed);
    }

    fn retry(&self) {
        self.retries.fetch_add(1, Relaxed);
    }
}

/// How to open an OTLP sink (a [`SinkSpec::Export`]); made by [`Exporter::start`].
#[derive(Clone)]
pub struct OtlpSinkSpec {
    config: OtlpConfig,
    shared: Arc<ExportShared>,
}

impl fmt::Debug for OtlpSinkSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Otlp({})",
            tooltrail_core::config::without_credentials(&self.config.endpoint)
        )
    }
}

impl OpenExportSink for OtlpSinkSpec {
    fn open(&self) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(OtlpSink {
            client: Client::new(&self.config),
            spans: SpanBuilder::new(),
            config: self.config.clone(),
            shared: Arc::clone(&self.shared),
        }))
    }
}

struct OtlpSink {
    client: Client,
    spans: SpanBuilder,
    config: OtlpConfig,
    shared: Arc<ExportShared>,
}

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

impl OtlpSink {
    fn drop_events(&self, reason: OtlpDropReason, n: u64) {
        self.shared.dropped[reason.index()].fetch_add(n, Relaxed);
    }

    /// Says on stderr, at most once a minute, why export fails.
    fn report(&self, what: &str) {
        let mut last = self
            .shared
            .last_report
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| t.elapsed() < REPORT_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        // Never print credentials (the HTTP client's message may quote the URL).
        let mut what = what.to_owned();
        for secret in tooltrail_core::config::secrets(&self.config.endpoint) {
            what = what.replace(secret, "[REDACTED]");
        }
        eprintln!(
            "tooltrail: OTLP export to {} failed: {what} (events are still written to the \
             local sink; next report in at most 60 s)",
            tooltrail_core::config::without_credentials(&self.config.endpoint)
        );
    }

    /// Counts `n` items' fate; returns whether the request went through.
    fn settle(&self, sent: &Sent, n: u64, delivered: &AtomicU64, spans: bool) -> bool {
        let (lost, reason) = match sent {
            Sent::Delivered { rejected } => {
                let rejected = (*rejected).min(n);
                delivered.fetch_add(n - rejected, Relaxed);
                if rejected == 0 {
                    return true;
                }
                self.report(&format!("the collector rejected {rejected} items"));
                (rejected, OtlpDropReason::Rejected)
            }
            Sent::Rejected(status) => {
                self.report(&format!("HTTP {status}, not retried"));
                (n, OtlpDropReason::Rejected)
            }
            Sent::RetriesExhausted(status) => {
                self.report(&format!("HTTP {status} after every retry"));
                (n, OtlpDropReason::RetriesExhausted)
            }
            Sent::Network(e) => {
                self.report(e);
                (n, OtlpDropReason::Network)
            }
            Sent::Closed => (n, OtlpDropReason::Closed),
        };
        if spans {
            self.shared.spans_dropped.fetch_add(lost, Relaxed);
        } else {
            self.drop_events(reason, lost);
        }
        matches!(sent, Sent::Delivered { .. })
    }
}

impl Sink for OtlpSink {
    // Always Ok: every loss is counted here by reason, so the inner writer's
    // own sink-error accounting (and its writer_dropped lines) stays out of it.
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        let observed = now_nanos();
        let (mut records, mut spans, mut events) = (Vec::new(), Vec::new(), 0u64);
        for line in batch.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(Value::Object(ev)) = tooltrail_json::parse_json(line) else {
                self.drop_events(OtlpDropReason::Invalid, 1);
                continue;
            };
            events += 1;
            if self.config.logs {
                records.push(log_record(&ev, observed));
            }
            if self.config.traces
                && let Some(span) = self.spans.observe(&ev)
            {
                spans.push(span);
            }
        }
        let shared = Arc::clone(&self.shared);
        let name = &self.config.service_name;
        let mut reachable = true;
        if events > 0 && self.config.logs {
            let body = logs_request(name, records);
            let sent = self.client.export(
                "/v1/logs",
                &body,
                "rejectedLogRecords",
                &shared.stop,
                &*shared,
            );
            self.settle(&sent, events, &shared.exported, false);
            // After no answer at all, a second request would only wait again.
            reachable = !matches!(sent, Sent::Network(_) | Sent::Closed);
        }
        if spans.is_empty() {
            if !self.config.logs {
                shared.exported.fetch_add(events, Relaxed);
            }
            return Ok(());
        }
        let n = spans.len() as u64;
        let sent = if reachable {
            let body = traces_request(name, &spans);
            let stop = &shared.stop;
            self.client
                .export("/v1/traces", &body, "rejectedSpans", stop, &*shared)
        } else {
            Sent::Closed
        };
        let ok = self.settle(&sent, n, &shared.spans_exported, true);
        if !self.config.logs {
            // Without log records, a batch's events share its spans' fate.
            if ok {
                shared.exported.fetch_add(events, Relaxed);
            } else {
                self.settle(&sent, events, &AtomicU64::new(0), false);
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "otlp {}",
            tooltrail_core::config::without_credentials(&self.config.endpoint)
        )
    }
}

/// The exporter fed by an [`EventWriter`] configured with `otlp`.
pub struct Exporter {
    writer: EventWriter,
    shared: Arc<ExportShared>,
    close_timeout: Duration,
}

impl Exporter {
    /// Starts the export queue and worker (no connection is made yet).
    pub fn start(config: &OtlpConfig, close_timeout: Duration) -> Result<Self, WriterError> {
        let shared = Arc::new(ExportShared::default());
        let spec = OtlpSinkSpec {
            config: config.clone(),
            shared: Arc::clone(&shared),
        };
        let writer = EventWriter::new(WriterConfig {
            sink: SinkSpec::Export(Arc::new(spec)),
            queue_events: config.queue_events,
            queue_bytes: 16 << 20,
            batch_events: config.batch_events,
            batch_bytes: 1 << 20,
            flush_interval: config.flush_interval,
            overflow: Overflow::Drop,
            close_timeout,
            otlp: None,
        })?;
        Ok(Self {
            writer,
            shared,
            close_timeout,
        })
    }

    /// Accepted events and spans lost so far (`queue_full` events were never
    /// accepted, as in the file writer's flush answer).
    fn lost(&self) -> u64 {
        let s = &self.shared;
        let events: u64 = s.dropped.iter().map(|d| d.load(Relaxed)).sum();
        events + s.spans_dropped.load(Relaxed)
    }

    /// Whether nothing was lost since the previous answer.
    fn answer(&self, written: bool) -> bool {
        let lost = self.lost();
        let before = self.shared.lost_answered.swap(lost, Relaxed);
        written && lost == before
    }
}

impl Export for Exporter {
    /// Queues one line for export; never blocks.
    fn write_line(&self, line: Vec<u8>) -> bool {
        self.writer.write_line(line)
    }

    /// Waits until everything queued before the call was exported (or
    /// counted lost); false on timeout or if anything was lost since the
    /// previous flush.
    fn flush(&self, timeout: Duration) -> bool {
        let written = self.writer.flush(timeout);
        self.answer(written)
    }

    /// Tells the worker to give up retries and requests at `deadline`.
    fn begin_close(&self, deadline: Instant) {
        self.shared.stop.set(deadline);
    }

    /// Exports what is queued until `deadline`, then stops; events still
    /// undelivered then are counted `closed`. Never waits past `deadline`.
    fn close(&self, deadline: Instant) -> bool {
        self.begin_close(deadline);
        let left = deadline.saturating_duration_since(Instant::now());
        let written = self.writer.close(left);
        self.answer(written)
    }

    /// A snapshot of the counters.
    fn stats(&self) -> OtlpStats {
        let (w, close_timed_out) = self.writer.raw_stats();
        let s = &self.shared;
        let exported = s.exported.load(Relaxed);
        let mut dropped: [u64; 6] = std::array::from_fn(|i| s.dropped[i].load(Relaxed));
        // writer_dropped notices of the export queue go to the collector too.
        let accepted = w.accepted + w.drop_reports;
        let mut queued = w.queued;
        if close_timed_out {
            // The sink settles each event once (exported or dropped by
            // reason); what it has not settled by now was not delivered by
            // close's deadline. Derived from the values loaded above, not
            // from the worker's `written` (which lags the sink's counters),
            // so each snapshot counts every accepted event exactly once.
            let settled = exported + dropped.iter().sum::<u64>();
            dropped[OtlpDropReason::Closed.index()] += accepted.saturating_sub(settled);
            queued = 0;
        }
        // Never accepted: refused by a full queue, or written after close.
        dropped[OtlpDropReason::QueueFull.index()] += w.dropped_queue_full;
        dropped[OtlpDropReason::Closed.index()] += w.dropped_closed;
        OtlpStats {
            accepted,
            exported,
            spans_exported: s.spans_exported.load(Relaxed),
            spans_dropped: s.spans_dropped.load(Relaxed),
            requests: s.requests.load(Relaxed),
            retries: s.retries.load(Relaxed),
            dropped,
            queued,
        }
    }
}

impl Drop for Exporter {
    // Dropped without close (e.g. the writer was garbage-collected): bound
    // the inner writer's drain by the close timeout, retries included.
    fn drop(&mut self) {
        self.shared.stop.set(Instant::now() + self.close_timeout);
    }
}
