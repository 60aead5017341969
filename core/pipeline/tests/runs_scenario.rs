//! Replays `tests/vectors/gateway/runs.json` (budgets, loop guard, stop
//! reasons) and compares with `runs.expected.jsonl`, which Python and Node
//! must also produce. `UPDATE_GOLDEN=1` rewrites the golden file.

mod common;

use std::time::Duration;

use common::{check_golden, emit, memory_writer, num, text};

use tooltrail_core::gateway::{Deterministic, RunExit};
use tooltrail_core::{Config, FailureFacts, Gateway, Outcome, RunCtx};
use tooltrail_json::{Value, parse_json};

#[test]
fn the_runs_scenario_matches_the_golden_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/gateway");
    let scenario = parse_json(&std::fs::read(format!("{dir}/runs.json")).unwrap()).unwrap();
    let config = Config::from_value(scenario.get("config").unwrap()).unwrap();
    let Some(Value::Array(tools)) = scenario.get("tools") else {
        panic!("tools")
    };
    let tools = tools.iter().map(|t| text(Some(t)).unwrap());
    let gw = Gateway::new(
        config,
        tools,
        None,
        Some(Deterministic {
            start_us: num(scenario.get("start_us")) as i64,
        }),
    );
    let (writer, sink) = memory_writer();
    let emit = |events: &mut dyn Iterator<Item = tooltrail_core::Event>| emit(&writer, events);
    let Some(Value::Array(runs)) = scenario.get("runs") else {
        panic!("runs")
    };
    let mut stop_reasons = Vec::new();
    for run in runs {
        let ids = run.get("ids").unwrap();
        let ctx = RunCtx {
            run_id: text(ids.get("run_id")),
            trace_id: text(ids.get("trace_id")),
            user_id: text(ids.get("user_id")),
            request_id: text(ids.get("request_id")),
            parent_span_id: None,
            agent_id: text(ids.get("agent_id")),
        };
        let (ctx, events) = gw.start_run(&ctx).unwrap();
        emit(&mut events.into_iter());
        let run_id = ctx.run_id.clone().unwrap();
        let mut exit = RunExit::Normal;
        let Some(Value::Array(actions)) = run.get("actions") else {
            panic!("actions")
        };
        for a in actions {
            if let Some(tool) = text(a.get("call")) {
                match gw.begin(&ctx, &tool, Ok(a.get("args").unwrap().clone())) {
                    Ok((h, events)) => {
                        emit(&mut events.into_iter());
                        gw.clock().advance_us(num(a.get("latency_us")) as i64);
                        let outcome = a.get("outcome").unwrap();
                        let result = match outcome.get("return") {
                            Some(v) => Outcome::Returned(Ok(v.clone())),
                            None => Outcome::Failed {
                                facts: FailureFacts {
                                    class_names: vec!["HTTPError".into()],
                                    http_status: Some(num(outcome.get("status")) as u16),
                                    ..FailureFacts::default()
                                },
                                message: text(outcome.get("message")).unwrap(),
                            },
                        };
                        emit(&mut gw.finish(h, result).into_iter());
                    }
                    Err((_, events)) => emit(&mut events.into_iter()),
                }
            } else if a.get("step").is_some() {
                let _ = gw.step(&run_id);
            } else if let Some(usd) = a.get("spend") {
                gw.add_spend(&run_id, num(Some(usd))).unwrap();
            } else if let Some(us) = a.get("advance_us") {
                gw.clock().advance_us(num(Some(us)) as i64);
            } else if let Some(reason) = text(a.get("stop")) {
                gw.stop_run(&run_id, &reason).unwrap();
            } else if a.get("raise").is_some() {
                exit = RunExit::Raised;
                break;
            }
        }
        let events = gw.end_run(&run_id, exit).unwrap();
        stop_reasons.push(text(events[0].get("stop_reason").as_ref()).unwrap());
        emit(&mut events.into_iter());
    }
    let expected: Vec<String> = match scenario.get("expected_stop_reasons") {
        Some(Value::Array(r)) => r.iter().map(|v| text(Some(v)).unwrap()).collect(),
        _ => panic!("expected_stop_reasons"),
    };
    assert_eq!(stop_reasons, expected);
    assert!(writer.close(Duration::from_secs(10)));
    let got = String::from_utf8(sink.contents()).unwrap();
    check_golden(&format!("{dir}/runs.expected.jsonl"), &got);
}
