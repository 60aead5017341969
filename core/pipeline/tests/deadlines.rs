//! A call that returns after its tool's timeout is logged as it happened,
//! with the deadline it passed (issue 15 item 6: a sync tool cannot be
//! interrupted, and its overrun was not visible at all).

mod common;

use common::ctx;
use tooltrail_core::gateway::Deterministic;
use tooltrail_core::{Config, Gateway, Outcome};
use tooltrail_json::Value;

fn result_after(gw: &Gateway, tool: &str, us: i64) -> tooltrail_core::Event {
    let (handle, _) = gw.begin(&ctx(), tool, Ok(Value::Null)).expect("begin");
    gw.clock().advance_us(us);
    let mut events = gw.finish(handle, Outcome::Returned(Ok(Value::Null)));
    events.remove(0)
}

#[test]
fn a_call_past_its_timeout_says_so() {
    let mut gw = Gateway::new(
        Config::default(),
        ["slow".to_owned(), "free".to_owned()],
        None,
        Some(Deterministic { start_us: 0 }),
    );
    gw.set_timeouts([("slow".to_owned(), 100_000)]);
    let late = result_after(&gw, "slow", 600_000);
    assert_eq!(late.get("ok"), Some(Value::Bool(true)));
    assert_eq!(late.get("deadline_ms"), Some(Value::Number(100.0)));
    assert_eq!(late.get("deadline_exceeded"), Some(Value::Bool(true)));
    assert_eq!(late.get("error_class"), None);
    let line = String::from_utf8(late.line().to_vec()).unwrap();
    assert!(
        line.contains(r#""ok":true,"deadline_ms":100,"deadline_exceeded":true}"#),
        "{line}"
    );
    // In time, or with no timeout: nothing added.
    for (tool, us) in [("slow", 50_000), ("free", 600_000)] {
        let e = result_after(&gw, tool, us);
        assert_eq!(
            (e.get("deadline_ms"), e.get("deadline_exceeded")),
            (None, None),
            "{tool}"
        );
    }
}
