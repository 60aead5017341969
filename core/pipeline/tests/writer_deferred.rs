//! Deferred events: facts the writer's thread renders (how the gateway
//! writes a call's two events), their order, their accounting, and the cases
//! in which the producer renders them itself.

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use tooltrail_core::EventWriter;
use tooltrail_core::writer::{DeferredLine, MemorySink, SinkSpec, WriterConfig};

mod common;
use common::GatedSink;

const LONG: Duration = Duration::from_secs(30);

/// Renders `{"n":<n>}` and records which thread rendered it.
struct Probe {
    n: usize,
    rendered_on: Arc<Mutex<Vec<(usize, ThreadId)>>>,
}

impl DeferredLine for Probe {
    fn render(&self, out: &mut Vec<u8>) {
        self.rendered_on
            .lock()
            .unwrap()
            .push((self.n, thread::current().id()));
        out.extend_from_slice(format!("{{\"n\":{}}}\n", self.n).as_bytes());
    }
    fn len_hint(&self) -> usize {
        16
    }
}

fn probes() -> Arc<Mutex<Vec<(usize, ThreadId)>>> {
    Arc::new(Mutex::new(Vec::new()))
}

fn probe(n: usize, log: &Arc<Mutex<Vec<(usize, ThreadId)>>>) -> Box<dyn DeferredLine> {
    Box::new(Probe {
        n,
        rendered_on: Arc::clone(log),
    })
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("{{\"n\":{n}}}")).collect()
}

#[test]
fn deferred_events_are_rendered_by_the_worker_in_queue_order() {
    let sink = MemorySink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Memory(sink.clone()),
        ..WriterConfig::default()
    })
    .unwrap();
    let log = probes();
    for n in 0..100 {
        // Finished lines and deferred events share one queue and one order.
        let accepted = if n % 3 == 0 {
            writer.write_line(format!("{{\"n\":{n}}}\n").into_bytes())
        } else {
            writer.write_deferred(probe(n, &log))
        };
        assert!(accepted);
    }
    assert!(writer.flush(LONG));
    assert_eq!(sink.lines(), expected(0..100));
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 66, "each deferred event is rendered once");
    let me = thread::current().id();
    assert!(log.iter().all(|(_, t)| *t != me), "rendered by the worker");
    let stats = writer.stats();
    assert_eq!((stats.accepted, stats.written), (100, 100));
    // The byte bound counted each deferred event by its estimate, in and out.
    assert_eq!((stats.queued, stats.queued_bytes), (0, 0));
}

#[test]
fn a_backlog_makes_producers_render_and_nothing_is_dropped() {
    let gated = GatedSink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: gated.spec(),
        queue_events: 1000,
        batch_events: 8,
        flush_interval: Duration::ZERO,
        ..WriterConfig::default()
    })
    .unwrap();
    let log = probes();
    // The worker takes a batch and is stuck writing it: the queue grows.
    for n in 0..200 {
        assert!(writer.write_deferred(probe(n, &log)));
    }
    let me = thread::current().id();
    let by_producer = log.lock().unwrap().iter().filter(|(_, t)| *t == me).count();
    assert!(
        by_producer >= 200 - 8 - 8,
        "with a batch's worth queued the producer renders ({by_producer} of 200)"
    );
    gated.open();
    assert!(writer.flush(LONG));
    assert_eq!(
        gated.inner.lines(),
        expected(0..200),
        "all of them, in order"
    );
    let stats = writer.stats();
    assert_eq!((stats.written, stats.dropped_queue_full), (200, 0));
    assert_eq!(log.lock().unwrap().len(), 200, "each rendered once");
}

#[test]
fn after_close_a_deferred_event_is_rendered_and_written_by_the_caller() {
    let sink = MemorySink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Memory(sink.clone()),
        ..WriterConfig::default()
    })
    .unwrap();
    assert!(writer.close(LONG));
    let log = probes();
    assert!(writer.write_deferred(probe(7, &log)));
    assert_eq!(sink.lines(), expected(7..8));
    assert_eq!(*log.lock().unwrap(), vec![(7, thread::current().id())]);
}

#[test]
fn stats_count_what_waits_exactly_while_the_worker_is_stuck_writing() {
    // The worker publishes what it took from the queue in steps (not per
    // event), but always before a write: a stuck sink must not leave the
    // events it holds counted as queued, nor hide the ones still waiting.
    let gated = GatedSink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: gated.spec(),
        queue_events: 1000,
        batch_events: 512,
        flush_interval: Duration::ZERO,
        ..WriterConfig::default()
    })
    .unwrap();
    let log = probes();
    assert!(writer.write_deferred(probe(0, &log)));
    let deadline = std::time::Instant::now() + LONG;
    while writer.stats().queued != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never took the event"
        );
        thread::sleep(Duration::from_millis(1));
    }
    // The worker holds event 0 in a write that does not return.
    for n in 1..301 {
        assert!(writer.write_deferred(probe(n, &log)));
    }
    thread::sleep(Duration::from_millis(20));
    let stats = writer.stats();
    assert_eq!((stats.accepted, stats.queued), (301, 300), "{stats:?}");
    assert_eq!(stats.queued_bytes, 300 * 16, "{stats:?}");
    gated.open();
    assert!(writer.flush(LONG));
    let stats = writer.stats();
    assert_eq!(
        (stats.written, stats.queued, stats.queued_bytes),
        (301, 0, 0)
    );
    assert_eq!(gated.inner.lines(), expected(0..301));
}

#[test]
fn with_the_queue_full_a_deferred_event_is_dropped_unbuilt_and_counted() {
    // A stuck sink, a full queue that drops: building the line would only
    // cost the caller, since the queue refuses it.
    let gated = GatedSink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: gated.spec(),
        queue_events: 64,
        batch_events: 8,
        flush_interval: Duration::ZERO,
        ..WriterConfig::default()
    })
    .unwrap();
    let log = probes();
    let mut accepted = 0;
    for n in 0..200 {
        accepted += usize::from(writer.write_deferred(probe(n, &log)));
    }
    let built = log.lock().unwrap().len();
    let stats = writer.stats();
    assert_eq!(stats.accepted as usize, accepted);
    assert_eq!(
        stats.dropped_queue_full as usize,
        200 - accepted,
        "{stats:?}"
    );
    assert!(
        accepted <= 64 + 8,
        "the queue and the batch the worker holds ({accepted})"
    );
    // Before the queue filled, producers built lines (a batch was queued);
    // once it was full, none: each built line is an accepted one.
    assert!(built <= accepted, "{built} built for {accepted} accepted");
    gated.open();
    assert!(writer.flush(LONG));
    assert_eq!(
        gated.inner.lines().len(),
        accepted + 1,
        "plus the writer_dropped report"
    );
    assert_eq!(
        log.lock().unwrap().len(),
        accepted,
        "each accepted event built once"
    );
}

/// A call with 65 MiB of arguments on an idle writer: its `tool_call` line
/// is a few hundred bytes (the arguments are hashed, not stored), but the
/// deferred event weighed 65 MiB against the 64 MiB queue and was dropped as
/// `queue_full`. It is rendered by the caller now, and written.
#[test]
fn a_call_with_huge_arguments_is_written_not_dropped() {
    use tooltrail_core::{Config, Gateway};
    use tooltrail_json::Value;
    let (writer, sink) = common::memory_writer();
    let gw = Gateway::new(Config::default(), ["t".to_owned()], None, None);
    let args = Value::object([("blob", Value::from("x".repeat(65 << 20)))]);
    let (handle, events) = gw.begin(&common::ctx(), "t", Ok(args)).unwrap();
    for e in events {
        e.write_to(&writer);
    }
    drop(handle);
    assert!(writer.flush(Duration::from_secs(30)));
    let stats = writer.stats();
    assert_eq!(
        (stats.written, stats.dropped_queue_full),
        (1, 0),
        "{stats:?}"
    );
    let text = String::from_utf8(sink.contents()).unwrap();
    assert!(
        text.contains("\"event\":\"tool_call\"") && text.len() < 1000,
        "{text}"
    );
}
