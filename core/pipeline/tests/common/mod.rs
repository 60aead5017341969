//! Helpers shared by the scenario replays and the writer tests.
#![allow(dead_code)]

use std::io;
use std::sync::{Arc, Condvar, Mutex};

use tooltrail_core::writer::{MemorySink, Sink, SinkSpec, WriterConfig};
use tooltrail_core::{Event, EventWriter, RunCtx};
use tooltrail_json::Value;

/// A string member, if present.
pub fn text(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// A number member (panics otherwise: the vector file is malformed).
pub fn num(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Number(n)) => *n,
        other => panic!("number expected, got {other:?}"),
    }
}

/// A writer into memory, and the sink to read it back.
pub fn memory_writer() -> (EventWriter, MemorySink) {
    let sink = MemorySink::new();
    let config = WriterConfig {
        sink: SinkSpec::Memory(sink.clone()),
        ..WriterConfig::default()
    };
    (EventWriter::new(config).unwrap(), sink)
}

/// Writes events as the bindings do: a call's events are built by the
/// writer's thread (`write_to`). Also checks that a host logger's
/// `(name, fields)`, from the line built here, would write the same bytes.
pub fn emit(writer: &EventWriter, events: impl IntoIterator<Item = Event>) {
    for e in events {
        let mut again = Vec::new();
        tooltrail_core::write_event_line(e.name, &e.fields(), || unreachable!(), &mut again)
            .unwrap();
        assert_eq!(again, e.line().into_owned());
        e.write_to(writer);
    }
}

/// Compares with (or, with `UPDATE_GOLDEN=1`, rewrites) a golden file.
pub fn check_golden(path: &str, got: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, got).unwrap();
    }
    assert_eq!(got, std::fs::read_to_string(path).unwrap());
}

/// A call's ids with every id the default config requires: run `r`, a
/// fixed trace, request `q`.
pub fn ctx() -> RunCtx {
    RunCtx {
        run_id: Some("r".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    }
}

/// A sink whose writes block until [`GatedSink::open`] (a hung disk, for the
/// writer's tests): `spec()` makes a writer of it, `inner` holds what got
/// through.
#[derive(Clone)]
pub struct GatedSink {
    pub inner: MemorySink,
    gate: Arc<(Mutex<bool>, Condvar)>,
}

impl GatedSink {
    /// A closed gate in front of a fresh memory sink.
    pub fn new() -> Self {
        Self {
            inner: MemorySink::new(),
            gate: Arc::new((Mutex::new(false), Condvar::new())),
        }
    }

    /// The sink spec a `WriterConfig` takes.
    pub fn spec(&self) -> SinkSpec {
        let sink = self.clone();
        SinkSpec::Custom(Arc::new(
            move || Ok(Box::new(sink.clone()) as Box<dyn Sink>),
        ))
    }

    /// Lets every write through, now and later.
    pub fn open(&self) {
        *self.gate.0.lock().unwrap() = true;
        self.gate.1.notify_all();
    }
}

impl Sink for GatedSink {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        let (open, cv) = &*self.gate;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
        self.inner.write_batch(batch)
    }
    fn describe(&self) -> String {
        "gated".into()
    }
}
