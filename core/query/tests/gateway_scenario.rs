//! Replays `tests/vectors/gateway/basic.json` through the core gateway and
//! compares with `basic.expected.jsonl`, the bytes the Python and Node suites
//! must also produce. `UPDATE_GOLDEN=1` rewrites the golden file (review it).

// The scenario helpers the pipeline crate's replays use.
#[path = "../../pipeline/tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::{check_golden, emit, memory_writer, num, text};

use tooltrail_core::gateway::Deterministic;
use tooltrail_core::{Config, FailureFacts, Gateway, Outcome, RunCtx};
use tooltrail_json::{CanonError, ErrorKind, Value, parse_json};

fn ctx_of(v: &Value) -> RunCtx {
    let mut c = RunCtx {
        run_id: text(v.get("run_id")),
        trace_id: text(v.get("trace_id")),
        user_id: text(v.get("user_id")),
        request_id: text(v.get("request_id")),
        parent_span_id: None,
        agent_id: None,
    };
    if let Some(header) = text(v.get("traceparent")) {
        c.continue_trace(&header).unwrap();
    }
    c
}

#[test]
fn the_scenario_matches_the_golden_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/gateway");
    let scenario = parse_json(&std::fs::read(format!("{dir}/basic.json")).unwrap()).unwrap();
    let config = Config::from_value(scenario.get("config").unwrap()).unwrap();
    let tools: Vec<String> = match scenario.get("tools") {
        Some(Value::Array(t)) => t.iter().map(|v| text(Some(v)).unwrap()).collect(),
        _ => panic!("tools"),
    };
    let start_us = num(scenario.get("start_us")) as i64;
    let gw = Gateway::new(config, tools, None, Some(Deterministic { start_us }));
    let (writer, sink) = memory_writer();
    let emit = |events: tooltrail_core::gateway::Events| emit(&writer, events);
    let Some(Value::Array(calls)) = scenario.get("calls") else {
        panic!("calls")
    };
    for call in calls {
        let tool = text(call.get("tool")).unwrap();
        let args = if call.get("args_unhashable") == Some(&Value::Bool(true)) {
            Err(CanonError::new(ErrorKind::UnsupportedType, "set").within_key("ids"))
        } else {
            Ok(call.get("args").unwrap().clone())
        };
        let handle = match gw.begin(&ctx_of(call.get("ctx").unwrap()), &tool, args) {
            Ok((h, e)) => {
                emit(e);
                h
            }
            Err((_, e)) => {
                emit(e);
                continue;
            }
        };
        gw.clock().advance_us(num(call.get("latency_us")) as i64);
        let outcome = call.get("outcome").unwrap();
        let result = if let Some(ret) = outcome.get("return") {
            match text(call.get("validator_rejects")) {
                Some(message) => Outcome::Invalid { message },
                None => Outcome::Returned(Ok(ret.clone())),
            }
        } else {
            let message = text(outcome.get("message")).unwrap();
            let mut facts = FailureFacts::default();
            match text(outcome.get("raise")).as_deref() {
                Some("timeout") => facts.class_names = vec!["TimeoutError".into()],
                Some("http") => {
                    facts.class_names = vec!["HTTPError".into()];
                    facts.http_status = Some(num(outcome.get("status")) as u16);
                }
                Some("network") => {
                    facts.class_names =
                        vec!["ConnectionRefusedError".into(), "ConnectionError".into()];
                }
                Some("class") => facts.class_names = vec![text(outcome.get("class")).unwrap()],
                other => panic!("unknown raise {other:?}"),
            }
            Outcome::Failed { facts, message }
        };
        emit(gw.finish(handle, result));
    }
    assert!(writer.close(Duration::from_secs(10)));
    let got = String::from_utf8(sink.contents()).unwrap();
    check_golden(&format!("{dir}/basic.expected.jsonl"), &got);
}

/// A `tool_call` is stamped with the instant its latency is measured from,
/// so `ts + latency_ms` is the `tool_result`'s `ts` to the microsecond, even
/// when hashing the arguments takes a while (it used to be stamped after
/// hashing, and the report's waterfall drew overlapping calls).
#[test]
fn call_time_plus_latency_is_result_time() {
    use tooltrail_query::parse_timestamp;
    let gw = Gateway::new(Config::default(), ["big".to_owned()], None, None);
    let big = Value::Array((0..200_000).map(|i| Value::Number(f64::from(i))).collect());
    let ctx = RunCtx {
        run_id: Some("r".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    let (handle, call) = gw.begin(&ctx, "big", Ok(big)).unwrap();
    std::thread::sleep(Duration::from_millis(2));
    let result = gw.finish(handle, Outcome::Returned(Ok(Value::Null)));
    let ts = |e: &tooltrail_core::gateway::Event| {
        parse_timestamp(text(e.get("ts").as_ref()).as_deref().unwrap()).unwrap()
    };
    let latency_us = (num(result[0].get("latency_ms").as_ref()) * 1000.0).round() as i64;
    assert!(latency_us >= 2000, "{latency_us}");
    assert_eq!(ts(&call[0]) + latency_us, ts(&result[0]));
}

#[test]
fn an_added_tool_is_admitted_and_a_handle_knows_its_span() {
    let config = Config::from_value(&parse_json(b"{}").unwrap()).unwrap();
    let gw = Gateway::new(config, ["a".to_owned()], None, None);
    let ctx = RunCtx {
        run_id: Some("r".into()),
        trace_id: Some("t".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    let args = || Ok(Value::object([("q", Value::from("x"))]));
    assert!(gw.begin(&ctx, "b", args()).is_err(), "b is unknown");
    assert!(!gw.knows_tool("b"));
    gw.add_tool("b");
    gw.add_tool("a"); // known already: nothing changes
    assert!(gw.knows_tool("b") && gw.knows_tool("a"));
    let (handle, events) = gw.begin(&ctx, "b", args()).unwrap();
    assert_eq!(handle.span_id().len(), 16);
    assert_eq!(handle.seq(), 2, "the refused call took seq 1");
    let line = String::from_utf8(events[0].clone().into_line()).unwrap();
    assert!(
        line.contains(&format!("\"span_id\":\"{}\"", handle.span_id())),
        "{line}"
    );
}
