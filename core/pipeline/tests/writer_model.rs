//! Model test of the writer's accounting: for random sequences of emit,
//! flush, fault on/off and close, every submitted event is accounted for
//! exactly once, and the sink holds exactly the written lines plus reports.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use proptest::prelude::*;
use tooltrail_core::EventWriter;
use tooltrail_core::writer::{MemorySink, Sink, SinkSpec, WriterConfig};
use tooltrail_json::Value;

#[derive(Debug, Clone)]
enum Op {
    Emit(u16),
    Flush,
    Fault(bool),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u16..60).prop_map(Op::Emit),
        2 => Just(Op::Flush),
        2 => any::<bool>().prop_map(Op::Fault),
        1 => Just(Op::Close),
    ]
}

#[derive(Clone)]
struct Faulty {
    inner: MemorySink,
    failing: Arc<AtomicBool>,
}

impl Sink for Faulty {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            Err(io::Error::other("injected"))
        } else {
            self.inner.write_batch(batch)
        }
    }
    fn describe(&self) -> String {
        "faulty".into()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_event_is_accounted_for_exactly_once(ops in prop::collection::vec(op(), 1..40)) {
        let sink = Faulty { inner: MemorySink::new(), failing: Arc::default() };
        let s = sink.clone();
        let writer = EventWriter::new(WriterConfig {
            sink: SinkSpec::Custom(Arc::new(move || Ok(Box::new(s.clone()) as Box<dyn Sink>))),
            queue_events: 16,
            batch_events: 8,
            flush_interval: Duration::ZERO,
            ..WriterConfig::default()
        }).unwrap();
        let mut submitted = 0u64;
        let mut closed = false;
        for op in ops {
            match op {
                Op::Emit(n) => for i in 0..n {
                    let accepted = writer.event("e", &Value::object([("i", Value::Number(f64::from(i)))])).unwrap();
                    // After close an event is written synchronously; only a
                    // failing sink makes it a `closed` drop.
                    if closed {
                        prop_assert_eq!(accepted, !sink.failing.load(Ordering::SeqCst), "after close");
                    }
                    submitted += 1;
                },
                Op::Flush => { writer.flush(Duration::from_secs(10)); }
                Op::Fault(on) => sink.failing.store(on, Ordering::SeqCst),
                Op::Close => { writer.close(Duration::from_secs(10)); closed = true; }
            }
            let st = writer.stats();
            prop_assert_eq!(submitted, st.accepted + st.dropped_queue_full + st.dropped_closed);
        }
        writer.close(Duration::from_secs(10));
        let st = writer.stats();
        prop_assert_eq!(st.queued, 0);
        prop_assert_eq!(st.accepted, st.written + st.dropped_sink_error);
        prop_assert_eq!(submitted, st.accepted + st.dropped_queue_full + st.dropped_closed);
        let lines = sink.inner.lines();
        let reports = lines.iter().filter(|l| l.contains("\"writer_dropped\"")).count() as u64;
        prop_assert_eq!(reports, st.drop_reports);
        prop_assert_eq!(lines.len() as u64, st.written + st.drop_reports);
    }
}
