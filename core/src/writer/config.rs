//! Writer configuration and its errors.

use std::fmt;
use std::io;
use std::time::Duration;

use super::file_sink::{DEFAULT_DIR, DirSinkConfig};
use super::sink::SinkSpec;

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
        }
    }
}

impl WriterConfig {
    /// Checks limits; the error names the offending key.
    pub fn validate(&self) -> Result<(), WriterError> {
        let bad = |key: &'static str, message: &str| {
            Err(WriterError::InvalidConfig {
                key,
                message: message.to_owned(),
            })
        };
        if self.queue_events == 0 {
            return bad("queue_events", "must be at least 1");
        }
        if self.queue_bytes == 0 {
            return bad("queue_bytes", "must be at least 1");
        }
        if self.batch_events == 0 {
            return bad("batch_events", "must be at least 1");
        }
        if self.batch_bytes == 0 {
            return bad("batch_bytes", "must be at least 1");
        }
        if self.flush_interval > Duration::from_secs(1) {
            return bad("flush_interval", "must be at most 1 second");
        }
        if let SinkSpec::Dir(d) = &self.sink {
            if d.max_files == 0 {
                return bad("max_files", "must be at least 1");
            }
            if d.max_file_bytes == 0 {
                return bad("max_file_bytes", "must be at least 1");
            }
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
