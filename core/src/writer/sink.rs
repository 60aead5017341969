//! Where batches of event lines go.
//!
//! Producers never see a sink: they enqueue bytes, and the worker thread hands
//! whole batches to [`Sink::write_batch`]. A new destination (OTLP, say) is a new
//! `Sink` plus a [`SinkSpec`] variant; nothing on the producer side changes.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use super::file_sink::{DirSink, DirSinkConfig};

/// A destination for batches of `\n`-terminated event lines.
pub trait Sink: Send {
    /// Writes one batch of whole lines. Called with one batch at a time from
    /// the worker thread; an error drops the batch (counted as `sink_error`).
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()>;

    /// Pushes buffered bytes down (called by `flush()` and `close()`).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// A short description for error reports, e.g. the file path.
    fn describe(&self) -> String;
}

/// How to (re)open a sink. Kept by the writer so a forked child can open its
/// own sink instead of sharing the parent's worker.
#[derive(Clone)]
pub enum SinkSpec {
    /// JSONL files in a directory, rotated by size (the default).
    Dir(DirSinkConfig),
    /// Standard output.
    Stdout,
    /// An in-memory buffer (tests, embedding).
    Memory(MemorySink),
    /// An OpenTelemetry collector (made by [`crate::otlp::Exporter`], which
    /// feeds it from its own queue; see docs/otlp.md).
    Otlp(crate::otlp::OtlpSinkSpec),
    /// Anything else: a factory called on start and after a fork.
    Custom(Arc<dyn Fn() -> io::Result<Box<dyn Sink>> + Send + Sync>),
}

impl SinkSpec {
    /// Opens the sink; errors here are construction errors (unwritable path).
    pub fn open(&self) -> io::Result<Box<dyn Sink>> {
        match self {
            SinkSpec::Dir(config) => Ok(Box::new(DirSink::open(config.clone())?)),
            SinkSpec::Stdout => Ok(Box::new(StdoutSink)),
            SinkSpec::Memory(m) => Ok(Box::new(m.clone())),
            SinkSpec::Otlp(spec) => spec.open(),
            SinkSpec::Custom(factory) => factory(),
        }
    }
}

impl std::fmt::Debug for SinkSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SinkSpec::Dir(c) => f.debug_tuple("Dir").field(&c.dir).finish(),
            SinkSpec::Stdout => f.write_str("Stdout"),
            SinkSpec::Memory(_) => f.write_str("Memory"),
            SinkSpec::Otlp(spec) => spec.fmt(f),
            SinkSpec::Custom(_) => f.write_str("Custom"),
        }
    }
}

/// Writes batches to the process's standard output (fd 1), one `write_all`
/// per batch.
#[derive(Debug, Default)]
pub struct StdoutSink;

impl Sink for StdoutSink {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        io::stdout().lock().write_all(batch)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().lock().flush()
    }

    fn describe(&self) -> String {
        "stdout".into()
    }
}

/// An in-memory sink; clones share one buffer, so a test keeps a clone and
/// reads what the writer wrote.
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl MemorySink {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.buf.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets everything written so far.
    pub fn clear(&self) {
        self.buf.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The written lines, as strings without their `\n`.
    pub fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.contents())
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Sink for MemorySink {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        self.buf
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(batch);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}
