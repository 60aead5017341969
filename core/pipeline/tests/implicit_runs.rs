//! A call with no run and no ctx: an implicit run (`run_start.implicit`),
//! nothing when the ids are optional, `missing_id` on a strict gateway.

use tooltrail_core::gateway::{Deterministic, RunExit};
use tooltrail_core::schema::validate_line;
use tooltrail_core::{Config, Gateway, GatewayError, RunCtx};
use tooltrail_json::{Value, parse_json};

fn gateway(config: &str, strict: bool) -> Gateway {
    let config = Config::from_value(&parse_json(config.as_bytes()).unwrap()).unwrap();
    let mut gw = Gateway::new(
        config,
        ["t".to_owned()],
        None,
        Some(Deterministic { start_us: 0 }),
    );
    gw.set_strict(strict);
    gw
}

#[test]
fn an_implicit_run_says_so_and_has_every_required_id() {
    let gw = gateway("{}", false);
    let (ctx, events) = gw.implicit_run(&RunCtx::default()).unwrap().unwrap();
    let run_id = ctx.run_id.clone().unwrap();
    assert_eq!(ctx.request_id.as_deref(), Some(run_id.as_str()));
    assert!(ctx.trace_id.is_some());
    let start = events.last().unwrap();
    assert_eq!(start.name, "run_start");
    assert_eq!(start.get("implicit"), Some(Value::Bool(true)));
    validate_line(&start.line()).unwrap();
    // The call runs in it, and the run ends as any run does.
    let (handle, _) = gw.begin(&ctx, "t", Ok(Value::Null)).unwrap();
    gw.finish(handle, tooltrail_core::Outcome::Returned(Ok(Value::Null)));
    let end = gw.end_run(&run_id, RunExit::Normal).unwrap();
    let end = String::from_utf8(end.last().unwrap().line().into_owned()).unwrap();
    assert!(end.contains("\"tool_calls\":1,"), "{end}");
}

#[test]
fn an_explicit_run_has_no_implicit_field() {
    let gw = gateway("{}", false);
    let (_, events) = gw
        .start_run(&RunCtx {
            request_id: Some("r".into()),
            ..RunCtx::default()
        })
        .unwrap();
    assert_eq!(events.last().unwrap().get("implicit"), None);
}

#[test]
fn optional_ids_need_no_run_and_strict_refuses() {
    let optional = r#"{"logging": {"ids": {"run_id": "optional", "trace_id": "optional", "request_id": "optional"}}}"#;
    assert!(
        gateway(optional, false)
            .implicit_run(&RunCtx::default())
            .unwrap()
            .is_none()
    );
    assert!(
        gateway(optional, true)
            .implicit_run(&RunCtx::default())
            .unwrap()
            .is_none()
    );
    match gateway("{}", true).implicit_run(&RunCtx::default()) {
        Err(GatewayError::MissingId(key)) => assert_eq!(key, "run_id"),
        other => panic!("{other:?}"),
    }
}
