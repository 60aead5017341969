//! [`SinkSpec`]: how the writer (re)opens its sink, kept so a forked child
//! opens its own instead of sharing the parent's worker.

use std::io;
use std::sync::Arc;

use super::export::OpenExportSink;
use super::file_sink::{DirSink, DirSinkConfig};
use super::sink::{MemorySink, Sink, StdoutSink};

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
    /// An exporter's destination (an OpenTelemetry collector, say), fed from
    /// the exporter's own queue ([`Export`](super::Export); docs/otlp.md).
    Export(Arc<dyn OpenExportSink>),
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
            SinkSpec::Export(spec) => spec.open(),
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
            SinkSpec::Export(spec) => spec.fmt(f),
            SinkSpec::Custom(_) => f.write_str("Custom"),
        }
    }
}
