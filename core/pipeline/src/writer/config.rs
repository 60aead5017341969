//! Writer configuration and its errors.

use std::fmt;
use std::io;
use std::time::Duration;

use super::file_sink::{DEFAULT_DIR, DirSinkConfig};
use super::sink::MemorySink;
use super::spec::SinkSpec;

/// What a producer does when the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Drop the newest event and count it (the default: never block callers).
    Drop,
    /// Wait up to the given time for space, then drop and count.
    Block(Duration),
}

/// Writer settings; `WriterConfig::default()` is the safe default.
#[derive(Debug, Clone)]
pub struct WriterConfig {
    /// Where batches go (default: JSONL files in `./tooltrail-logs`).
    pub sink: SinkSpec,
    /// Queue bound in events.
    pub queue_events: usize,
    /// Queue bound in bytes.
    pub queue_bytes: usize,
    /// Most events in one batch write.
    pub batch_events: usize,
    /// Most bytes in one batch write (a batch may exceed it by one line).
    pub batch_bytes: usize,
    /// Longest time an event waits in the worker for its batch to fill
    /// (at most one second; this bounds what SIGKILL can lose).
    pub flush_interval: Duration,
    /// Full-queue behaviour.
    pub overflow: Overflow,
    /// How long exit hooks and drop wait for the queue to drain.
    pub close_timeout: Duration,
    /// Also export every event to an OpenTelemetry collector, from a queue
    /// and thread of its own (`sinks.otlp` in the config file; docs/otlp.md).
    pub otlp: Option<crate::config::OtlpConfig>,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            sink: SinkSpec::Dir(DirSinkConfig::new(DEFAULT_DIR)),
            queue_events: 65_536,
            queue_bytes: 64 << 20,
            batch_events: 4096,
            batch_bytes: 1 << 20,
            flush_interval: Duration::from_millis(100),
            overflow: Overflow::Drop,
            close_timeout: Duration::from_secs(5),
            otlp: None,
        }
    }
}

/// Most events a queue may hold: its slots are allocated when the writer
/// starts (64 times the default).
pub const MAX_QUEUE_EVENTS: usize = 1 << 22;
/// Most bytes for a queue, a batch or a file: 1 TiB.
pub const MAX_BYTES: usize = 1 << 40;
/// Most rotated files kept.
pub const MAX_FILES: usize = 1 << 20;

impl WriterConfig {
    /// Checks limits; the error names the offending key.
    pub fn validate(&self) -> Result<(), WriterError> {
        let bad = |key: &'static str, message: &str| {
            Err(WriterError::InvalidConfig {
                key,
                message: message.to_owned(),
            })
        };
        // Upper bounds keep every option away from an allocation that
        // aborts the process (the queue's slots are allocated up front) or
        // an overflow: a typed error names the key instead.
        let within = |key: &'static str, v: usize, max: usize| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(WriterError::InvalidConfig {
                    key,
                    message: format!("must be between 1 and {max}, got {v}"),
                })
            }
        };
        within("queue_events", self.queue_events, MAX_QUEUE_EVENTS)?;
        within("queue_bytes", self.queue_bytes, MAX_BYTES)?;
        within("batch_events", self.batch_events, MAX_QUEUE_EVENTS)?;
        within("batch_bytes", self.batch_bytes, MAX_BYTES)?;
        if self.flush_interval > Duration::from_secs(1) {
            return bad("flush_interval", "must be at most 1 second");
        }
        if let SinkSpec::Dir(d) = &self.sink {
            within("max_files", d.max_files, MAX_FILES)?;
            within(
                "max_file_bytes",
                usize::try_from(d.max_file_bytes).unwrap_or(usize::MAX),
                MAX_BYTES,
            )?;
        }
        Ok(())
    }
}

/// Why a writer could not be created.
#[derive(Debug)]
pub enum WriterError {
    /// The sink could not be opened (e.g. an unwritable directory).
    Open {
        /// Which sink.
        sink: String,
        /// The underlying error (its message names the path).
        source: io::Error,
    },
    /// A setting is out of range.
    InvalidConfig {
        /// The setting's name.
        key: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for WriterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriterError::Open { source, .. } => write!(f, "cannot open the event sink: {source}"),
            WriterError::InvalidConfig { key, message } => {
                write!(f, "invalid writer setting `{key}`: {message}")
            }
        }
    }
}

impl std::error::Error for WriterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriterError::Open { source, .. } => Some(source),
            WriterError::InvalidConfig { .. } => None,
        }
    }
}

/// Writer options as the bindings receive them: every field optional, the
/// core supplies defaults and validates, and errors name the binding-level key.
#[derive(Debug, Clone, Default)]
pub struct WriterOptions {
    /// The JSONL directory (`path`), default `./tooltrail-logs`.
    pub path: Option<std::path::PathBuf>,
    /// `"file"` (default), `"stdout"` or `"memory"` (tests: a recorder).
    pub sink: Option<String>,
    /// See [`WriterConfig::queue_events`].
    pub queue_events: Option<u64>,
    /// See [`WriterConfig::queue_bytes`].
    pub queue_bytes: Option<u64>,
    /// See [`WriterConfig::batch_events`].
    pub batch_events: Option<u64>,
    /// See [`WriterConfig::batch_bytes`].
    pub batch_bytes: Option<u64>,
    /// See [`WriterConfig::flush_interval`], in seconds.
    pub flush_interval_s: Option<f64>,
    /// `"drop"` (default) or `"block"`.
    pub overflow: Option<String>,
    /// With `overflow = "block"`: the longest wait, in seconds (default 1).
    pub block_timeout_s: Option<f64>,
    /// See [`WriterConfig::close_timeout`], in seconds.
    pub close_timeout_s: Option<f64>,
    /// See [`DirSinkConfig::max_file_bytes`].
    pub max_file_bytes: Option<u64>,
    /// See [`DirSinkConfig::max_files`].
    pub max_files: Option<u64>,
    /// See [`DirSinkConfig::run_index`].
    pub run_index: Option<bool>,
    /// See [`WriterConfig::otlp`] (from a configuration's `sinks.otlp`).
    pub otlp: Option<crate::config::OtlpConfig>,
}

/// Seconds from a host number; negative, NaN or huge values are an error
/// naming `key`.
pub fn duration_from_secs(key: &'static str, secs: f64) -> Result<Duration, WriterError> {
    Duration::try_from_secs_f64(secs).map_err(|_| WriterError::InvalidConfig {
        key,
        message: format!("must be a non-negative number of seconds, got {secs}"),
    })
}

/// How long `flush()` waits when the host gives no timeout.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// The timeout of a `flush` / `close` call: `secs` from the host, or
/// `default` when it gave none; a bad value is an error naming `key` (both
/// languages reject it the same way, never falling back silently).
pub fn wait_timeout(
    key: &'static str,
    secs: Option<f64>,
    default: Duration,
) -> Result<Duration, WriterError> {
    secs.map_or(Ok(default), |s| duration_from_secs(key, s))
}

impl WriterOptions {
    /// Applies the options over [`WriterConfig::default`] and validates.
    pub fn into_config(self) -> Result<WriterConfig, WriterError> {
        let bad = |key: &'static str, message: String| WriterError::InvalidConfig { key, message };
        // Beyond usize is beyond every limit `validate` checks.
        let size = |v: Option<u64>, default: usize| {
            v.map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let defaults = WriterConfig::default();
        let mut dir = DirSinkConfig::new(self.path.unwrap_or_else(|| DEFAULT_DIR.into()));
        if let Some(n) = self.max_file_bytes {
            dir.max_file_bytes = n;
        }
        dir.max_files = size(self.max_files, dir.max_files);
        dir.run_index = self.run_index.unwrap_or(dir.run_index);
        let sink = match self.sink.as_deref() {
            None | Some("file") => SinkSpec::Dir(dir),
            Some("stdout") => SinkSpec::Stdout,
            // Tests (a `Recorder`, docs/testing.md).
            Some("memory") => SinkSpec::Memory(MemorySink::new()),
            Some(other) => {
                return Err(bad(
                    "sink",
                    format!("must be \"file\", \"stdout\" or \"memory\", got {other:?}"),
                ));
            }
        };
        let block_timeout = match self.block_timeout_s {
            Some(s) => duration_from_secs("block_timeout", s)?,
            None => Duration::from_secs(1),
        };
        let overflow = match self.overflow.as_deref() {
            // Memory is never slow: a test must see every event, so a memory
            // sink waits for queue space unless told to drop.
            None if matches!(sink, SinkSpec::Memory(_)) => Overflow::Block(block_timeout),
            None | Some("drop") => Overflow::Drop,
            Some("block") => Overflow::Block(block_timeout),
            Some(other) => {
                return Err(bad(
                    "overflow",
                    format!("must be \"drop\" or \"block\", got {other:?}"),
                ));
            }
        };
        let seconds =
            |key, v: Option<f64>, default| v.map_or(Ok(default), |s| duration_from_secs(key, s));
        let config = WriterConfig {
            sink,
            queue_events: size(self.queue_events, defaults.queue_events),
            queue_bytes: size(self.queue_bytes, defaults.queue_bytes),
            batch_events: size(self.batch_events, defaults.batch_events),
            batch_bytes: size(self.batch_bytes, defaults.batch_bytes),
            flush_interval: seconds(
                "flush_interval",
                self.flush_interval_s,
                defaults.flush_interval,
            )?,
            overflow,
            close_timeout: seconds(
                "close_timeout",
                self.close_timeout_s,
                defaults.close_timeout,
            )?,
            otlp: self.otlp,
        };
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each size option is refused beyond its bound with a typed error naming
    /// it (before: `queue_events = 2^63` panicked in the channel and `10^9`
    /// aborted allocating 32 GB of queue slots).
    #[test]
    fn sizes_beyond_their_bounds_name_the_key() {
        type Set = fn(&mut WriterOptions, u64);
        let cases: [(&str, Set); 6] = [
            ("queue_events", |o, n| o.queue_events = Some(n)),
            ("queue_bytes", |o, n| o.queue_bytes = Some(n)),
            ("batch_events", |o, n| o.batch_events = Some(n)),
            ("batch_bytes", |o, n| o.batch_bytes = Some(n)),
            ("max_files", |o, n| o.max_files = Some(n)),
            ("max_file_bytes", |o, n| o.max_file_bytes = Some(n)),
        ];
        for (name, set) in cases {
            for n in [0, 1 << 41, 1 << 63, u64::MAX] {
                let mut options = WriterOptions::default();
                set(&mut options, n);
                match options.into_config() {
                    Err(WriterError::InvalidConfig { key, message }) => {
                        assert_eq!(key, name, "{n}");
                        assert!(message.starts_with("must be between 1 and "), "{message}");
                    }
                    other => panic!("{name} = {n}: {other:?}"),
                }
            }
        }
        let fine = WriterOptions {
            queue_events: Some(MAX_QUEUE_EVENTS as u64),
            max_files: Some(MAX_FILES as u64),
            ..WriterOptions::default()
        };
        assert!(fine.into_config().is_ok());
    }
}
