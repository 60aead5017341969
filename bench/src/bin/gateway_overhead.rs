//! The core's share of a gateway call: `begin` + `finish` and both events
//! through the writer, with no Python or Node in the way.
//!
//! `cargo run --release -p tooltrail-bench --bin gateway_overhead [CALLS]`

use std::time::Instant;

use tooltrail_core::writer::{DirSinkConfig, SinkSpec};
use tooltrail_core::{Config, EventWriter, Gateway, Outcome, RunCtx, WriterConfig};
use tooltrail_json::Value;

fn main() {
    let calls: usize = std::env::args()
        .nth(1)
        .map_or(200_000, |a| a.parse().expect("CALLS: a number"));
    let dir = tempfile::tempdir().expect("temp dir");
    let config = WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(dir.path())),
        ..WriterConfig::default()
    };
    let writer = EventWriter::new(config).expect("writer");
    let gw = Gateway::new(Config::default(), ["search".to_owned()], None, None);
    let ctx = RunCtx {
        run_id: Some("r-1".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q-1".into()),
        user_id: Some("u-1".into()),
        parent_span_id: None,
        agent_id: None,
    };
    // Issue 14's arguments, built per call as a binding's conversion would.
    let args = |i: usize| {
        Value::object([
            (
                "query",
                Value::String(format!("refund policy for order {i}")),
            ),
            ("limit", Value::Number(10.0)),
            (
                "filters",
                Value::object([
                    ("lang", Value::from("en")),
                    ("since", Value::from("2026-01-01")),
                ]),
            ),
        ])
    };
    for round in 0..3 {
        let start = Instant::now();
        for i in 0..calls {
            let (handle, events) = gw.begin(&ctx, "search", Ok(args(i))).expect("begin");
            for e in events {
                writer.write_line(e.into_line());
            }
            for e in gw.finish(handle, Outcome::Returned(Ok(Value::Null))) {
                writer.write_line(e.into_line());
            }
        }
        let per_call = start.elapsed().as_secs_f64() / calls as f64 * 1e9;
        println!("round {round}: {per_call:.0} ns per call (begin + finish + 2 events)");
    }
    writer.flush(std::time::Duration::from_secs(30));
    println!("{:?}", writer.stats());
}
