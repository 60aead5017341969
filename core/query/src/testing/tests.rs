//! The recorder end to end: a gateway logging to a memory writer, read back.

use super::*;
use tooltrail_core::Config;
use tooltrail_core::gateway::{Gateway, Outcome, RunExit, Validation};
use tooltrail_core::writer::WriterOptions;

fn recorder() -> EventWriter {
    let options = WriterOptions {
        sink: Some("memory".into()),
        ..WriterOptions::default()
    };
    EventWriter::new(options.into_config().unwrap()).unwrap()
}

fn gateway() -> Gateway {
    let config = Config::load(&tooltrail_json::parse_json(br#"{"logging":{"tool_calls":{"store_error_messages":true}},"budgets":{"loop_guard":{"warn_after":1,"block_after":2}}}"#).unwrap()).unwrap();
    let tools = ["search".to_owned(), "send".to_owned()];
    Gateway::from_config(config, tools, deterministic(&Value::Bool(true)).unwrap()).unwrap()
}

/// One run: search ok, send fails, search again with the same args (blocked).
fn scenario(gw: &Gateway, w: &EventWriter, run_id: &str) {
    let emit = |events: tooltrail_core::gateway::Events| {
        events
            .into_iter()
            .for_each(|e| _ = w.write_line(e.into_line()))
    };
    let ctx = tooltrail_core::RunCtx {
        run_id: Some(run_id.into()),
        request_id: Some("req".into()),
        ..tooltrail_core::RunCtx::default()
    };
    let (ctx, events) = gw.start_run(&ctx).unwrap();
    emit(events.into());
    let args = || Ok(Value::object([("q", Value::from("x"))]));
    let (h, e) = gw.begin(&ctx, "search", args()).unwrap();
    emit(e);
    emit(
        gw.finish_returned(h, Validation::Passed, || Ok(Value::Null))
            .0,
    );
    let (h, e) = gw.begin(&ctx, "send", Ok(Value::Null)).unwrap();
    emit(e);
    let failed = Outcome::Failed {
        facts: tooltrail_core::FailureFacts::default(),
        message: "boom".into(),
    };
    emit(gw.finish(h, failed));
    let Err((_, e)) = gw.begin(&ctx, "search", args()) else {
        panic!("the loop guard blocks the repeat")
    };
    emit(e);
    emit(gw.end_run(run_id, RunExit::Raised).unwrap().into());
}

#[test]
fn a_recorder_answers_from_the_bytes_it_holds() {
    let (gw, w) = (gateway(), recorder());
    scenario(&gw, &w, "run-a");
    scenario(&gw, &w, "run-b");
    let q = |cmd: &str, opts: &str| {
        let opts = tooltrail_json::parse_json(opts.as_bytes()).unwrap();
        recorded_value(&w, cmd, &opts, KeyCase::Snake).unwrap()
    };
    let text = |v: Value| tooltrail_json::canonical_json(&v).unwrap();
    assert_eq!(
        text(q("tool_sequence", r#"{"run_id":"run-a"}"#)),
        r#"["search","send","search"]"#
    );
    let last = q("run", "null");
    assert_eq!(last.get("run_id"), Some(&Value::from("run-b")));
    assert_eq!(last.get("stop_reason"), Some(&Value::from("loop_detected")));
    let errors = q("errors", r#"{"run_id":"run-a"}"#);
    let Value::Array(errors) = errors else {
        panic!()
    };
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].get("error_message"), Some(&Value::from("boom")));
    assert_eq!(errors[1].get("decision"), Some(&Value::from("block")));
    assert_eq!(
        errors[1].get("error_class"),
        Some(&Value::from("loop_detected"))
    );
    let Value::Array(hashes) = q("args_hashes", r#"{"run_id":"run-a"}"#) else {
        panic!()
    };
    assert_eq!(hashes.len(), 3);
    assert_eq!(hashes[0], hashes[2], "the repeat has the same hash");
    let Value::Array(calls) = q("calls", r#"{"tool":"search"}"#) else {
        panic!()
    };
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].get("ok"), Some(&Value::Bool(true)));
    // The lines are the writer's bytes, and both runs normalize alike.
    let Value::Array(lines) = q("lines", "null") else {
        panic!()
    };
    assert_eq!(lines.len(), 14);
    let one = |id: &str| q("snapshot", &format!(r#"{{"run_id":"{id}"}}"#));
    assert_eq!(one("run-a"), one("run-b"));
    let bad = recorded_value(
        &w,
        "calls",
        &tooltrail_json::parse_json(br#"{"tol":"x"}"#).unwrap(),
        KeyCase::Snake,
    );
    assert!(matches!(bad, Err(Error::InvalidArgument { key, .. }) if key == "tol"));
    clear(&w).unwrap();
    assert_eq!(q("runs", "null"), Value::Array(Vec::new()));
    let none = recorded_value(&w, "run", &Value::Null, KeyCase::Snake);
    assert!(matches!(none, Err(Error::Query { .. })));
}

#[test]
fn the_deterministic_option_is_checked() {
    assert!(deterministic(&Value::Null).unwrap().is_none());
    assert!(deterministic(&Value::Bool(false)).unwrap().is_none());
    let d = deterministic(&Value::from("2026-01-01T00:00:01Z"))
        .unwrap()
        .unwrap();
    assert_eq!(
        d.start_us,
        deterministic(&Value::Bool(true)).unwrap().unwrap().start_us + 1_000_000
    );
    for bad in [Value::from("yesterday"), Value::Number(1.0)] {
        assert!(
            matches!(deterministic(&bad), Err(Error::InvalidArgument { key, .. }) if key == "deterministic")
        );
    }
}

#[test]
fn only_memory_writers_are_recorders() {
    let dir = std::env::temp_dir().join(format!("tt-rec-{}", std::process::id()));
    let options = WriterOptions {
        path: Some(dir.clone()),
        ..WriterOptions::default()
    };
    let w = EventWriter::new(options.into_config().unwrap()).unwrap();
    assert!(recorded_value(&w, "runs", &Value::Null, KeyCase::Snake).is_err());
    w.close(FLUSH_WAIT);
    let _ = std::fs::remove_dir_all(dir);
}
