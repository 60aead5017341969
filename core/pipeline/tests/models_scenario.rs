//! Replays `tests/vectors/gateway/models.json` (model steps, prices,
//! spend and token budgets) and compares with `models.expected.jsonl`,
//! which Python and Node must also produce. `UPDATE_GOLDEN=1` rewrites the
//! golden file.

mod common;

use std::time::Duration;

use common::{check_golden, emit, memory_writer, num, text};

use tooltrail_core::gateway::{Deterministic, KeyStyle, ModelCall, RunExit};
use tooltrail_core::{Config, FailureFacts, Gateway, GatewayError, Outcome, RunCtx, schema};
use tooltrail_json::{Value, parse_json};

fn scenario() -> Value {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/gateway");
    parse_json(&std::fs::read(format!("{dir}/models.json")).unwrap()).unwrap()
}

/// `base` with `extra`'s members added (the usage known after a timed call).
fn merged(base: &Value, extra: Option<&Value>) -> Value {
    let (Value::Object(a), Some(Value::Object(b))) = (base, extra) else {
        return base.clone();
    };
    Value::Object(a.iter().chain(b).cloned().collect())
}

#[test]
fn the_models_scenario_matches_the_golden_file() {
    let scenario = scenario();
    let config = Config::from_value(scenario.get("config").unwrap()).unwrap();
    let start_us = num(scenario.get("start_us")) as i64;
    let gw = Gateway::new(
        config,
        ["search".to_owned()],
        None,
        Some(Deterministic { start_us }),
    );
    let (writer, sink) = memory_writer();
    let emit = |events: Vec<tooltrail_core::Event>| emit(&writer, events);
    let Some(Value::Array(runs)) = scenario.get("runs") else {
        panic!("runs")
    };
    let mut stop_reasons = Vec::new();
    let mut refusals = 0;
    for run in runs {
        let ids = run.get("ids").unwrap();
        let ctx = RunCtx {
            run_id: text(ids.get("run_id")),
            trace_id: text(ids.get("trace_id")),
            user_id: text(ids.get("user_id")),
            request_id: text(ids.get("request_id")),
            ..RunCtx::default()
        };
        let (ctx, events) = gw.start_run(&ctx).unwrap();
        emit(events);
        let run_id = ctx.run_id.clone().unwrap();
        let Some(Value::Array(actions)) = run.get("actions") else {
            panic!("actions")
        };
        for a in actions {
            if let Some(args) = a.get("model_call") {
                let call = ModelCall::from_value(args, KeyStyle::Snake).unwrap();
                match gw.model_call(&run_id, &call, None) {
                    Ok(events) => emit(events),
                    Err((_, events)) => emit(events),
                }
            } else if let Some(args) = a.get("timed_model_call") {
                let Ok(start) = gw.model_begin(&run_id) else {
                    refusals += 1;
                    continue;
                };
                gw.clock().advance_us(num(a.get("latency_us")) as i64);
                let mut call =
                    ModelCall::from_value(&merged(args, a.get("usage")), KeyStyle::Snake).unwrap();
                if let Some(status) = a.get("raise_status") {
                    call.fail_with(&FailureFacts {
                        class_names: vec!["HTTPError".into()],
                        http_status: Some(num(Some(status)) as u16),
                        ..FailureFacts::default()
                    });
                }
                emit(gw.model_call(&run_id, &call, Some(start)).unwrap());
            } else if let Some(tool) = text(a.get("call")) {
                match gw.begin(&ctx, &tool, Ok(a.get("args").unwrap().clone())) {
                    Ok((h, events)) => {
                        emit(events.into_iter().collect());
                        gw.clock().advance_us(num(a.get("latency_us")) as i64);
                        let done = gw.finish(h, Outcome::Returned(Ok(Value::Null)));
                        emit(done.into_iter().collect());
                    }
                    Err((e, events)) => {
                        assert!(matches!(e, GatewayError::BudgetExceeded(_)));
                        refusals += 1;
                        emit(events.into_iter().collect());
                    }
                }
            } else if let Some(us) = a.get("advance_us") {
                gw.clock().advance_us(num(Some(us)) as i64);
            }
        }
        let events = gw.end_run(&run_id, RunExit::Normal).unwrap();
        stop_reasons.push(text(events[0].get("stop_reason").as_ref()).unwrap());
        emit(events);
    }
    let expected: Vec<String> = match scenario.get("expected_stop_reasons") {
        Some(Value::Array(r)) => r.iter().map(|v| text(Some(v)).unwrap()).collect(),
        _ => panic!("expected_stop_reasons"),
    };
    assert_eq!(stop_reasons, expected);
    assert_eq!(
        refusals, 3,
        "the tool call and the model call after the spend, the model call after the tokens"
    );
    assert!(writer.close(Duration::from_secs(10)));
    let got = String::from_utf8(sink.contents()).unwrap();
    for line in got.lines() {
        schema::validate_line(line.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e:?}"));
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/gateway");
    check_golden(&format!("{dir}/models.expected.jsonl"), &got);
}

#[test]
fn a_model_call_is_priced_from_the_table_and_unknown_models_are_not_guessed() {
    let gw = Gateway::new(
        Config::default(),
        Vec::<String>::new(),
        None,
        Some(Deterministic { start_us: 0 }),
    );
    let (ctx, _) = gw.start_run(&common::ctx()).unwrap();
    let run_id = ctx.run_id.unwrap();
    let mut call = ModelCall::new("gpt-4o-mini");
    call.input_tokens = Some(1_000_000);
    call.output_tokens = Some(1_000_000);
    let events = gw.model_call(&run_id, &call, None).unwrap();
    assert_eq!(events[0].get("cost_usd"), Some(Value::Number(0.75)));
    assert_eq!(events[0].get("step"), Some(Value::Number(1.0)));
    // A dated name the table does not list is not priced like its family.
    call.model = "gpt-4o-mini-2099-01-01".into();
    let events = gw.model_call(&run_id, &call, None).unwrap();
    assert_eq!(events[0].get("cost_usd"), Some(Value::Null));
    assert_eq!(events[0].get("step"), Some(Value::Number(2.0)));
    let end = gw.end_run(&run_id, RunExit::Normal).unwrap();
    let get = |k: &str| end[0].get(k).unwrap();
    assert_eq!(get("spend_usd"), Value::Number(0.75));
    assert_eq!(get("model_calls"), Value::Number(2.0));
    assert_eq!(get("input_tokens"), Value::Number(2e6));
    assert_eq!(get("unpriced_model_calls"), Value::Number(1.0));
    assert_eq!(get("priced_share"), Value::Number(0.5));
}

#[test]
fn a_run_without_model_calls_ends_as_before() {
    let gw = Gateway::new(Config::default(), Vec::<String>::new(), None, None);
    let (ctx, _) = gw.start_run(&common::ctx()).unwrap();
    let end = gw.end_run(&ctx.run_id.unwrap(), RunExit::Normal).unwrap();
    assert_eq!(end[0].get("model_calls"), None);
}
