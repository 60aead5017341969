//! Linked steps: a run opened inside another names it (`parent_run_id`, the
//! same trace), a call made inside a call of the same run is that call's
//! child, and a call carries the framework's id for it (`call_id`).

use tooltrail_core::gateway::{CallLink, Deterministic, Outcome};
use tooltrail_core::schema::validate_line;
use tooltrail_core::{Config, Gateway, RunCtx};
use tooltrail_json::Value;

fn gateway() -> Gateway {
    Gateway::new(
        Config::default(),
        ["outer".to_owned(), "inner".to_owned()],
        None,
        Some(Deterministic { start_us: 0 }),
    )
}

fn text(v: Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn request(id: &str) -> RunCtx {
    RunCtx {
        request_id: Some(id.into()),
        user_id: Some("u-1".into()),
        ..RunCtx::default()
    }
}

#[test]
fn a_run_inside_a_tool_call_is_its_child_in_the_same_trace() {
    let gw = gateway();
    let (parent, _) = gw.start_run(&request("req-1")).unwrap();
    let (outer, events) = gw.begin(&parent, "outer", Ok(Value::Null)).unwrap();
    let outer_span = text(events[0].get("span_id")).unwrap();
    let run_id = parent.run_id.clone().unwrap();
    let (child, events) = gw
        .start_run_within(&RunCtx::default(), &parent, Some((&run_id, &outer_span)))
        .unwrap();
    let start = events.last().unwrap();
    validate_line(&start.line()).unwrap();
    assert_eq!(text(start.get("parent_run_id")), parent.run_id);
    assert_eq!(text(start.get("trace_id")), parent.trace_id);
    assert_eq!(text(start.get("parent_span_id")), Some(outer_span));
    // The ids the sub-run did not give are the parent's.
    assert_eq!(text(start.get("request_id")).as_deref(), Some("req-1"));
    assert_eq!(text(start.get("user_id")).as_deref(), Some("u-1"));
    assert_ne!(child.run_id, parent.run_id);
    gw.finish(outer, Outcome::Returned(Ok(Value::Null)));
}

#[test]
fn a_run_inside_a_run_but_no_call_hangs_under_the_run_and_keeps_its_own_ids() {
    let gw = gateway();
    let (parent, _) = gw.start_run(&request("req-1")).unwrap();
    // An outer call of another run does not count.
    let (_, events) = gw
        .start_run_within(
            &request("req-2"),
            &parent,
            Some(("another-run", "0123456789abcdef")),
        )
        .unwrap();
    let start = events.last().unwrap();
    assert_eq!(text(start.get("parent_span_id")), parent.parent_span_id);
    assert_eq!(text(start.get("request_id")).as_deref(), Some("req-2"));
    // A trace of its own (an incoming traceparent) is kept, still linked.
    let mut own = request("req-3");
    own.continue_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .unwrap();
    let (_, events) = gw.start_run_within(&own, &parent, None).unwrap();
    let start = events.last().unwrap();
    assert_eq!(
        text(start.get("trace_id")).as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(
        text(start.get("parent_span_id")).as_deref(),
        Some("00f067aa0ba902b7")
    );
    assert_eq!(text(start.get("parent_run_id")), parent.run_id);
}

#[test]
fn a_call_inside_a_call_of_its_run_is_its_child_and_carries_its_call_id() {
    let gw = gateway();
    let (run, _) = gw.start_run(&request("req-1")).unwrap();
    let run_id = run.run_id.clone().unwrap();
    let (outer, events) = gw
        .begin_linked(
            &run,
            "outer",
            Ok(Value::Null),
            CallLink {
                call_id: Some("call_abc"),
                outer: None,
                started_us: None,
            },
        )
        .unwrap();
    let call = &events[0];
    validate_line(&call.line()).unwrap();
    assert_eq!(text(call.get("call_id")).as_deref(), Some("call_abc"));
    assert_eq!(text(call.get("parent_span_id")), run.parent_span_id);
    let outer_span = text(call.get("span_id")).unwrap();
    let (inner, events) = gw
        .begin_linked(
            &run,
            "inner",
            Ok(Value::Null),
            CallLink {
                call_id: None,
                outer: Some((&run_id, &outer_span)),
                started_us: None,
            },
        )
        .unwrap();
    assert_eq!(text(events[0].get("parent_span_id")), Some(outer_span));
    assert_eq!(events[0].get("call_id"), None);
    // A plain `begin` has neither.
    let (plain, events) = gw.begin(&run, "inner", Ok(Value::Null)).unwrap();
    assert_eq!(text(events[0].get("parent_span_id")), run.parent_span_id);
    for h in [inner, outer, plain] {
        gw.finish(h, Outcome::Returned(Ok(Value::Null)));
    }
}
