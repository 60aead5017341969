//! Where batches of event lines go.
//!
//! Producers never see a sink: they enqueue bytes, and the worker thread hands
//! whole batches to [`Sink::write_batch`]. A new destination is a new `Sink`
//! plus a way to open it (`SinkSpec`); nothing on the producer side changes.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

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
