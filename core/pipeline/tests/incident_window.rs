//! The incident window (issue 15 item 8): args stored, redacted, until an
//! instant, then not, with an event when the window opens and closes; and a
//! run's own `agent_id` on each of its events. A manual clock: no sleeping.

mod common;

use common::ctx;
use tooltrail_core::gateway::{Deterministic, Event, RunExit};
use tooltrail_core::{Config, ErrorCode, Gateway, Outcome, RunCtx};
use tooltrail_json::{Value, parse_json};

const T0: i64 = 1_795_550_260_000_000; // 2026-11-24T19:57:40Z
const MIN: i64 = 60_000_000;

fn gateway(config: &str) -> Gateway {
    let config = Config::from_value(&parse_json(config.as_bytes()).unwrap()).unwrap();
    Gateway::new(
        config,
        ["send".to_owned()],
        None,
        Some(Deterministic { start_us: T0 }),
    )
}

/// The events of one call with a secret-looking argument.
fn call(gw: &Gateway) -> Vec<Event> {
    let args = Value::object([
        ("to", Value::from("alice@example.com")),
        ("api_key", Value::from("sk-live-1234567890abcdef")),
        ("body", Value::from("hello")),
    ]);
    let (h, mut events) = gw.begin(&ctx(), "send", Ok(args)).unwrap();
    events.extend(gw.finish(h, Outcome::Returned(Ok(Value::Null))));
    events.into_vec()
}

fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.name).collect()
}

fn text(e: &Event) -> String {
    String::from_utf8(e.line().to_vec()).unwrap()
}

#[test]
fn a_runtime_window_stores_redacted_args_until_it_closes_by_itself() {
    let gw = gateway("{}");
    let before = call(&gw);
    assert_eq!(before[0].get("args"), None, "store_args is off by default");

    let (until, opened) = gw.incident_window(Some(15.0), None).unwrap();
    assert_eq!(until, "2026-11-24T20:12:40.000000Z");
    assert_eq!(names(&opened), ["incident_window_open"]);
    assert_eq!(opened[0].get("until"), Some(Value::from(until.as_str())));
    assert_eq!(
        opened[0].get("run_id"),
        Some(Value::Null),
        "gateway-wide ids"
    );

    gw.clock().advance_us(14 * MIN);
    let inside = call(&gw);
    assert_eq!(names(&inside), ["tool_call", "tool_result"]);
    let line = text(&inside[0]);
    assert!(line.contains(r#""body":"hello""#), "{line}");
    assert!(!line.contains("alice@example.com"), "{line}");
    assert!(!line.contains("sk-live-1234567890abcdef"), "{line}");
    assert!(line.contains("[REDACTED:"), "{line}");

    // At the instant the window is over: the first activity closes it.
    gw.clock().advance_us(MIN);
    let after = call(&gw);
    assert_eq!(
        names(&after),
        ["incident_window_close", "tool_call", "tool_result"]
    );
    assert_eq!(after[0].get("until"), Some(Value::from(until.as_str())));
    assert_eq!(after[1].get("args"), None);
    assert_eq!(
        names(&call(&gw)),
        ["tool_call", "tool_result"],
        "closed once"
    );
}

#[test]
fn a_configured_window_opens_with_the_first_call_and_check_alerts_closes_it() {
    let gw =
        gateway(r#"{"logging":{"tool_calls":{"store_args_until":"2026-11-24T21:07:40+01:00"}}}"#);
    let first = call(&gw);
    assert_eq!(
        names(&first),
        ["incident_window_open", "tool_call", "tool_result"]
    );
    assert_eq!(
        first[0].get("until"),
        Some(Value::from("2026-11-24T20:07:40.000000Z"))
    );
    assert!(first[1].get("args").is_some());
    assert!(call(&gw)[0].get("args").is_some());
    gw.clock().advance_us(10 * MIN);
    assert_eq!(names(&gw.check_alerts()), ["incident_window_close"]);
    assert_eq!(call(&gw)[0].get("args"), None);

    // An instant already past: no window, no events.
    let late = gateway(r#"{"logging":{"tool_calls":{"store_args_until":"2026-11-24T19:00:00Z"}}}"#);
    assert_eq!(names(&call(&late)), ["tool_call", "tool_result"]);
}

#[test]
fn a_window_can_be_moved_and_closed_early_and_bad_lengths_name_the_argument() {
    let gw = gateway("{}");
    let (first, _) = gw.incident_window(None, Some(30.0)).unwrap();
    assert_eq!(first, "2026-11-24T19:58:10.000000Z");
    let (moved, events) = gw.incident_window(Some(1.5), None).unwrap();
    assert_eq!(moved, "2026-11-24T19:59:10.000000Z");
    assert_eq!(names(&events), ["incident_window_open"]);
    let (now, events) = gw.incident_window(Some(0.0), None).unwrap();
    assert_eq!(now, "2026-11-24T19:57:40.000000Z");
    assert_eq!(names(&events), ["incident_window_close"]);
    assert_eq!(events[0].get("until"), Some(Value::from(moved.as_str())));
    assert_eq!(call(&gw)[0].get("args"), None);
    assert!(gw.incident_window(Some(0.0), None).unwrap().1.is_empty());

    for (minutes, seconds, key) in [
        (None, None, "minutes"),
        (Some(-1.0), None, "minutes"),
        (Some(f64::NAN), None, "minutes"),
        (None, Some(f64::INFINITY), "seconds"),
        (Some(1e9), None, "minutes"),
    ] {
        let err = tooltrail_core::Error::from(gw.incident_window(minutes, seconds).unwrap_err());
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
        assert_eq!(err.attributes()[0].1, key, "{minutes:?} {seconds:?}");
    }
}

#[test]
fn store_args_until_must_be_an_instant() {
    for bad in [r#""tomorrow""#, "5", r#""2026-11-24""#] {
        let yaml = format!("logging:\n  tool_calls:\n    store_args_until: {bad}\n");
        let e = Config::from_yaml(&yaml).unwrap_err();
        assert_eq!(e.key, "logging.tool_calls.store_args_until", "{bad}");
        assert!(e.message.contains("RFC 3339"), "{e}");
    }
}

/// `store_args_until` follows the API's rule: a window ends at most 366
/// days from now (36 years ahead was accepted while `incident_window`
/// refused more than 366 days); an impossible date is not an instant.
#[test]
fn store_args_until_is_at_most_366_days_ahead() {
    let now = tooltrail_core::gateway::Clock::System.now_us() / 1_000_000;
    let at = |days: i64| {
        let mut ts = Vec::new();
        tooltrail_core::push_timestamp((now + days * 86_400) * 1_000_000, &mut ts);
        format!(
            "logging:\n  tool_calls:\n    store_args_until: \"{}\"\n",
            String::from_utf8(ts).unwrap()
        )
    };
    assert!(Config::from_yaml(&at(365)).is_ok());
    assert!(
        Config::from_yaml(&at(-30)).is_ok(),
        "a past end is a closed window"
    );
    for days in [367, 36 * 366] {
        let e = Config::from_yaml(&at(days)).unwrap_err();
        assert_eq!(e.key, "logging.tool_calls.store_args_until");
        assert!(e.message.contains("366 days"), "{e}");
    }
    let feb31 = "logging:\n  tool_calls:\n    store_args_until: \"2027-02-31T00:00:00Z\"\n";
    assert!(Config::from_yaml(feb31).is_err());
}

#[test]
fn a_runs_agent_id_is_on_each_of_its_events() {
    let gw = gateway(r#"{"logging":{"agent_id":"default-bot"}}"#);
    let (run_ctx, mut events) = gw
        .start_run(&RunCtx {
            agent_id: Some("billing-bot".into()),
            ..ctx()
        })
        .unwrap();
    assert_eq!(run_ctx.agent_id.as_deref(), Some("billing-bot"));
    let (h, e) = gw.begin(&run_ctx, "send", Ok(Value::Null)).unwrap();
    events.extend(e);
    events.extend(gw.finish(h, Outcome::Returned(Ok(Value::Null))));
    // A call that names the run but not its agent is still the run's.
    let (h, e) = gw.begin(&ctx(), "send", Ok(Value::Null)).unwrap();
    events.extend(e);
    events.extend(gw.finish(h, Outcome::Returned(Ok(Value::Null))));
    events.extend(gw.end_run("r", RunExit::Normal).unwrap());
    assert_eq!(events.len(), 6);
    for e in &events {
        assert_eq!(
            e.get("agent_id"),
            Some(Value::from("billing-bot")),
            "{}",
            text(e)
        );
    }
    // Outside the run: the gateway's agent.
    assert_eq!(
        call(&gw)[0].get("agent_id"),
        Some(Value::from("default-bot"))
    );
}

#[test]
fn host_lengths_are_numbers_or_nothing() {
    // What the bindings hand over: the core alone decides that a string, a
    // boolean or a value with no JSON form (NaN) is not a length.
    let gw = gateway("{}");
    let nan = tooltrail_json::CanonError::new(tooltrail_json::ErrorKind::NonFinite, "NaN");
    for (minutes, seconds, key) in [
        (Some(Ok(Value::from("15"))), None, "minutes"),
        (Some(Ok(Value::Bool(true))), None, "minutes"),
        (None, Some(Err(nan)), "seconds"),
        (None, Some(Ok(Value::Null)), "minutes"),
    ] {
        let err = gw.incident_window_of(minutes, seconds).unwrap_err();
        assert_eq!(err.attributes()[0].1, key, "{err}");
    }
    let (until, _) = gw
        .incident_window_of(Some(Ok(Value::Number(15.0))), None)
        .unwrap();
    assert_eq!(until, "2026-11-24T20:12:40.000000Z");
}
