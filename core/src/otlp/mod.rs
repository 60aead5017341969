//! OTLP export: every event as an OpenTelemetry log record, every tool call
//! as an `execute_tool {tool}` span under its run's span, sent as OTLP/HTTP
//! JSON to `/v1/logs` and `/v1/traces`. See `docs/otlp.md`.
//!
//! The exporter is a second writer fed the same line bytes as the file sink
//! (a fan-out in [`crate::writer::EventWriter::write_line`]): its own bounded
//! queue and its own worker thread, so a slow or dead collector drops export
//! events (counted) and never stalls producers or the file sink. HTTP is a
//! synchronous client on that worker thread; no async runtime.

mod config;
mod encode;
mod exporter;
mod http;
mod spans;

use std::fmt;
use std::time::Duration;

pub(crate) use config::parse_otlp_section;
pub use exporter::{Exporter, OtlpSinkSpec};

/// `sinks.otlp` of the configuration file.
#[derive(Clone, PartialEq)]
pub struct OtlpConfig {
    /// Base URL of the collector's OTLP/HTTP receiver, e.g.
    /// `http://127.0.0.1:4318`; `/v1/logs` and `/v1/traces` are appended.
    pub endpoint: String,
    /// Extra request headers (e.g. an API key for a hosted backend).
    pub headers: Vec<(String, String)>,
    /// Export log records (one per event).
    pub logs: bool,
    /// Export spans (runs and tool calls).
    pub traces: bool,
    /// `service.name` resource attribute.
    pub service_name: String,
    /// Per-request timeout (connect + send + response).
    pub timeout: Duration,
    /// Retries of one request after 429/502/503/504 (0: never retry).
    pub max_retries: u32,
    /// First retry delay; doubles per retry up to `max_backoff`.
    pub backoff: Duration,
    /// Longest single wait, also the cap on a server's `Retry-After`.
    pub max_backoff: Duration,
    /// Export queue bound, in events (overflow drops, counted `queue_full`).
    pub queue_events: usize,
    /// Most events per export request.
    pub batch_events: usize,
    /// Longest time an event waits for its batch to fill (at most 1 s).
    pub flush_interval: Duration,
}

impl Default for OtlpConfig {
    fn default() -> Self {
        Self {
            endpoint: "http://127.0.0.1:4318".into(),
            headers: Vec::new(),
            logs: true,
            traces: true,
            service_name: "tooltrail".into(),
            timeout: Duration::from_secs(10),
            max_retries: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            queue_events: 8192,
            batch_events: 512,
            flush_interval: Duration::from_millis(500),
        }
    }
}

impl fmt::Debug for OtlpConfig {
    // Header values are often credentials: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, _)| format!("{k}: [REDACTED]"))
            .collect();
        f.debug_struct("OtlpConfig")
            .field("endpoint", &without_credentials(&self.endpoint))
            .field("headers", &headers)
            .field("logs", &self.logs)
            .field("traces", &self.traces)
            .field("service_name", &self.service_name)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("queue_events", &self.queue_events)
            .field("batch_events", &self.batch_events)
            .field("flush_interval", &self.flush_interval)
            .finish()
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

    pub(crate) const fn index(self) -> usize {
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

/// `url` with any `user:password@` replaced by `[REDACTED]@`: endpoints are
/// printed (errors, export failures on stderr, `Debug`), credentials never.
pub fn without_credentials(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    match url[scheme_end..authority_end].rfind('@') {
        Some(at) => format!(
            "{}[REDACTED]{}",
            &url[..scheme_end],
            &url[scheme_end + at..]
        ),
        None => url.to_owned(),
    }
}

/// The `user:password` part of `url`, if any (to scrub it from messages
/// that quote the URL, such as an HTTP client's errors).
pub(crate) fn credentials(url: &str) -> Option<&str> {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    let at = url[scheme_end..authority_end].rfind('@')?;
    Some(&url[scheme_end..scheme_end + at]).filter(|c| !c.is_empty())
}

#[cfg(test)]
mod credential_tests {
    use super::{credentials, without_credentials};

    #[test]
    fn credentials_are_never_printed() {
        for (url, shown) in [
            ("http://u:hunter2@h:4318/v1", "http://[REDACTED]@h:4318/v1"),
            ("https://tok@h", "https://[REDACTED]@h"),
            ("u:hunter2@h:4318", "[REDACTED]@h:4318"),
            ("http://h:4318/a@b", "http://h:4318/a@b"),
            ("http://127.0.0.1:4318", "http://127.0.0.1:4318"),
        ] {
            assert_eq!(without_credentials(url), shown);
        }
        assert_eq!(credentials("http://u:hunter2@h"), Some("u:hunter2"));
        assert_eq!(credentials("http://h/x@y"), None);
    }
}
