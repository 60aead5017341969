//! Every event line the core writes fits the schema table: the golden
//! vectors, lines the gateway writes under other configurations (HMAC keys,
//! no args hash, unhashable results, error messages, absent ids, every stop
//! reason, alerts firing and resolving), and the writer's `writer_dropped`.
//! And the validator refuses lines that do not fit.

use std::collections::BTreeSet;
use std::time::Duration;

use tooltrail_core::gateway::{Deterministic, RunExit};
use tooltrail_core::schema::{self, StopReason, event, validate_line};
use tooltrail_core::writer::{MemorySink, Sink, SinkSpec, WriterConfig};
use tooltrail_core::{Config, EventWriter, FailureFacts, Gateway, Outcome, RunCtx};
use tooltrail_json::{CanonError, ErrorKind, Value, parse_json};

fn vectors() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/gateway").to_owned()
}

fn check_all(lines: &[Vec<u8>], seen: &mut BTreeSet<&'static str>) {
    for line in lines {
        match validate_line(line) {
            Ok(spec) => {
                seen.insert(spec.name);
            }
            Err(e) => panic!("{e}\n{}", String::from_utf8_lossy(line)),
        }
    }
}

#[test]
fn golden_vectors_fit_the_schema() {
    let mut seen = BTreeSet::new();
    for name in ["basic", "runs"] {
        let text = std::fs::read(format!("{}/{name}.expected.jsonl", vectors())).unwrap();
        let lines: Vec<Vec<u8>> = text
            .split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        assert!(lines.len() > 10);
        check_all(&lines, &mut seen);
    }
    let want: BTreeSet<&str> = [event::RUN_START, event::TOOL_CALL, event::TOOL_RESULT]
        .into_iter()
        .chain([event::RUN_END, event::ALERT])
        .collect();
    assert_eq!(seen, want);
}

fn config(json: &str) -> Config {
    Config::from_value(&parse_json(json.as_bytes()).unwrap()).unwrap()
}

fn ctx(run: &str) -> RunCtx {
    RunCtx {
        run_id: Some(run.into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("req".into()),
        user_id: None,
        parent_span_id: None,
        agent_id: None,
    }
}

fn failed(class: &str) -> Outcome {
    Outcome::Failed {
        facts: FailureFacts {
            class_names: vec![class.into()],
            ..FailureFacts::default()
        },
        message: "boom for bob@example.com".into(),
    }
}

/// Calls and runs under configurations the golden vectors do not use.
#[test]
fn gateway_lines_under_other_configurations_fit_the_schema() {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut keep = |events: &mut dyn Iterator<Item = tooltrail_core::Event>| {
        lines.extend(events.map(|e| e.into_line()))
    };
    let clock = Some(Deterministic {
        start_us: 1_795_550_260_000_000,
    });
    // HMAC key, results always stored (one without JSON form), messages stored,
    // ids optional, an agent id, a budget and a loop guard.
    let c = config(
        r#"{"logging":{"agent_id":"a-1","ids":{"run_id":"optional","trace_id":"optional","request_id":"optional"},
            "tool_calls":{"store_args":true,"store_results":"full","store_error_messages":true}},
            "budgets":{"max_tool_calls":5,"loop_guard":{"warn_after":2,"block_after":3}}}"#,
    );
    let gw = Gateway::new(c, ["t".to_owned()], Some(b"key".to_vec()), clock);
    let (run_ctx, e) = gw.start_run(&ctx("")).unwrap();
    keep(&mut e.into_iter());
    let outcomes = [
        Outcome::Returned(Ok(Value::from("fine"))),
        Outcome::Returned(Err(
            CanonError::new(ErrorKind::NonFinite, "nan").within_key("x")
        )),
        failed("TimeoutError"),
        Outcome::Invalid {
            message: "no".into(),
        },
    ];
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let args = if i < 2 {
            Value::from("same")
        } else {
            Value::Number(i as f64)
        };
        match gw.begin(&run_ctx, "t", Ok(args)) {
            Ok((h, e)) => {
                keep(&mut e.into_iter());
                gw.clock().advance_us(1500);
                keep(&mut gw.finish(h, outcome).into_iter());
            }
            Err((_, e)) => keep(&mut e.into_iter()),
        }
    }
    let unhashable = Err(CanonError::new(ErrorKind::UnsupportedType, "set").within_key("ids"));
    if let Err((_, e)) = gw.begin(&run_ctx, "missing", unhashable) {
        keep(&mut e.into_iter());
    }
    // The loop guard refuses a third identical call.
    if let Err((_, e)) = gw.begin(&run_ctx, "t", Ok(Value::from("same"))) {
        keep(&mut e.into_iter());
    }
    let run_id = run_ctx.run_id.clone().unwrap();
    keep(&mut gw.end_run(&run_id, RunExit::Raised).unwrap().into_iter());
    // A call outside any run with no ids at all.
    let (h, e) = gw.begin(&RunCtx::default(), "t", Ok(Value::Null)).unwrap();
    keep(&mut e.into_iter());
    keep(&mut gw.finish(h, failed("ValueError")).into_iter());

    // No args hash, alerts on every sample: every stop reason, alerts fire
    // then resolve; runs of their own agent; an incident window opens and
    // closes.
    let c = config(
        r#"{"logging":{"tool_calls":{"store_args_hash":false},"alerts":{"min_calls":1,"min_runs":1}}}"#,
    );
    let gw = Gateway::new(c, ["t".to_owned()], None, clock);
    keep(&mut gw.incident_window(Some(1.0), None).unwrap().1.into_iter());
    for (i, reason) in StopReason::ALL.into_iter().enumerate() {
        let agent = RunCtx {
            agent_id: Some(format!("agent-{i}")),
            ..ctx(&format!("run-{i}"))
        };
        let (run_ctx, e) = gw.start_run(&agent).unwrap();
        keep(&mut e.into_iter());
        let (h, e) = gw.begin(&run_ctx, "t", Ok(Value::Null)).unwrap();
        keep(&mut e.into_iter());
        keep(
            &mut gw
                .finish(
                    h,
                    if i == 0 {
                        failed("TimeoutError")
                    } else {
                        Outcome::Returned(Ok(Value::Null))
                    },
                )
                .into_iter(),
        );
        let run_id = run_ctx.run_id.unwrap();
        gw.stop_run(&run_id, reason.as_str()).unwrap();
        keep(&mut gw.end_run(&run_id, RunExit::Normal).unwrap().into_iter());
    }
    gw.clock().advance_us(3_600_000_000);
    keep(&mut gw.check_alerts().into_iter());

    let mut seen = BTreeSet::new();
    check_all(&lines, &mut seen);
    assert_eq!(seen.len(), 7, "{seen:?}");
    let text = String::from_utf8(lines.concat()).unwrap();
    for needle in [
        "\"hash_alg\":\"hmac-sha256\"",
        "\"result_error\":{\"kind\":\"non_finite\"",
        "\"args_error\":",
        "\"loop_count\":2",
        "\"level\":\"resolved\"",
        "\"error_message\":",
        "\"agent_id\":\"a-1\"",
        "\"error_class\":\"validation_failed\"",
        "\"error_class\":\"loop_detected\"",
        "\"error_class\":\"unknown_tool\"",
        "\"error_class\":\"ValueError\"",
        "\"tripped_run_id\":\"run-0\"",
        "\"agent_id\":\"agent-3\"",
        "\"event\":\"incident_window_close\"",
    ] {
        assert!(text.contains(needle), "{needle} not produced:\n{text}");
    }
    for reason in schema::STOP_REASONS {
        assert!(
            text.contains(&format!("\"stop_reason\":\"{reason}\"")),
            "{reason}"
        );
    }
}

/// A sink that fails its first batch (a full disk), then writes to memory.
struct FailsOnce {
    failed: bool,
    inner: MemorySink,
}

impl Sink for FailsOnce {
    fn write_batch(&mut self, batch: &[u8]) -> std::io::Result<()> {
        if !self.failed {
            self.failed = true;
            return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
        }
        self.inner.write_batch(batch)
    }
    fn describe(&self) -> String {
        "fails-once".into()
    }
}

/// A real `writer_dropped` line: the sink fails, then recovers.
#[test]
fn the_writers_dropped_report_fits_the_schema() {
    let memory = MemorySink::new();
    let sink = memory.clone();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Custom(std::sync::Arc::new(move || {
            Ok(Box::new(FailsOnce {
                failed: false,
                inner: sink.clone(),
            }) as Box<dyn Sink>)
        })),
        ..WriterConfig::default()
    })
    .unwrap();
    writer.event("lost", &Value::Null).unwrap();
    assert!(!writer.flush(Duration::from_secs(10)));
    writer.event("kept", &Value::Null).unwrap();
    assert!(writer.flush(Duration::from_secs(10)));
    let lines = memory.lines();
    let report = lines
        .iter()
        .find(|l| l.contains("writer_dropped"))
        .expect("a writer_dropped line");
    assert_eq!(
        validate_line(report.as_bytes()).unwrap().name,
        event::WRITER_DROPPED
    );
}

/// The validator is not a rubber stamp: each kind of mistake in a real line
/// is refused.
#[test]
fn lines_that_do_not_fit_are_refused() {
    let text = std::fs::read_to_string(format!("{}/runs.expected.jsonl", vectors())).unwrap();
    let end = text.lines().find(|l| l.contains("\"run_end\"")).unwrap();
    let result = text
        .lines()
        .find(|l| l.contains("\"error_class\":\"http_5xx\""))
        .unwrap();
    assert!(validate_line(end.as_bytes()).is_ok());
    let cases = [
        (
            end,
            "\"stop_reason\":\"max_tool_calls\"",
            "\"stop_reason\":\"done\"",
        ),
        (end, "\"errors\":0,", "\"errors\":0,\"extra\":1,"),
        (end, "\"steps\":0,", ""),
        (end, "\"limit\":4,\"used\":4", "\"used\":4,\"limit\":4"),
        (end, "\"v\":1", "\"v\":\"1\""),
        (result, ",\"error_class\":\"http_5xx\"", ""),
        (result, "\"ok\":false", "\"ok\":true"),
        (result, "\"latency_ms\":0.5", "\"latency_ms\":\"0.5\""),
    ];
    for (line, from, to) in cases {
        assert!(line.contains(from), "{from}");
        let bad = line.replacen(from, to, 1);
        assert!(validate_line(bad.as_bytes()).is_err(), "accepted: {bad}");
    }
}
