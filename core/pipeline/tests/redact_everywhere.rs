//! Every place the gateway stores arguments, results or messages goes through
//! the same redaction: `store_args`, the incident window, `store_results:
//! full` and `store_error_messages`, each with secrets of the newer families
//! planted (a vendor token, a PIN under its name, an IBAN in text, an argv
//! with `mysql -p`). The MCP proxy and OTLP export are tested in their crates.

mod common;

use common::ctx;
use tooltrail_core::gateway::{Deterministic, Event};
use tooltrail_core::{Config, FailureFacts, Gateway, Outcome};
use tooltrail_json::{Value, parse_json};

const GITLAB: &str = "glpat-Xq7ZrT2mN9vB4kL8pW3s";
const IBAN: &str = "DE89370400440532013000";
const MYSQL_PW: &str = "Sup3rS3cret!";

fn gateway(config: &str) -> Gateway {
    let config = Config::from_value(&parse_json(config.as_bytes()).unwrap()).unwrap();
    Gateway::new(
        config,
        ["t".to_owned()],
        None,
        Some(Deterministic {
            start_us: 1_795_550_260_000_000,
        }),
    )
}

fn planted() -> Value {
    Value::object([
        (
            "note",
            Value::from(format!("token {GITLAB} for the mirror")),
        ),
        ("pin", Value::Number(4711.0)),
        ("memo", Value::from(format!("refund to {IBAN} please"))),
        (
            "argv",
            Value::Array(vec![
                Value::from("mysql"),
                Value::from("-u"),
                Value::from("root"),
                Value::from(format!("-p{MYSQL_PW}")),
            ]),
        ),
    ])
}

fn lines(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| String::from_utf8(e.line().to_vec()).unwrap())
        .collect()
}

fn assert_clean(text: &str, what: &str) {
    assert!(
        text.contains("[REDACTED:"),
        "{what}: nothing stored? {text}"
    );
    for secret in [GITLAB, IBAN, MYSQL_PW, "4711"] {
        assert!(!text.contains(secret), "{what}: {secret} leaked in {text}");
    }
}

fn call(gw: &Gateway, outcome: Outcome) -> String {
    let (h, mut events) = gw.begin(&ctx(), "t", Ok(planted())).unwrap();
    events.extend(gw.finish(h, outcome));
    lines(&events.into_vec())
}

#[test]
fn store_args_redacts() {
    let gw = gateway(r#"{"logging":{"tool_calls":{"store_args":true}}}"#);
    assert_clean(&call(&gw, Outcome::Returned(Ok(Value::Null))), "store_args");
}

#[test]
fn the_incident_window_redacts() {
    let gw = gateway("{}");
    gw.incident_window(Some(5.0), None).unwrap();
    assert_clean(
        &call(&gw, Outcome::Returned(Ok(Value::Null))),
        "incident window",
    );
}

#[test]
fn stored_results_are_redacted() {
    let gw = gateway(r#"{"logging":{"tool_calls":{"store_results":"full"}}}"#);
    let text = call(&gw, Outcome::Returned(Ok(planted())));
    assert!(text.contains(r#""result":"#), "{text}");
    assert_clean(&text, "store_results");
}

#[test]
fn error_messages_are_redacted() {
    let gw = gateway(r#"{"logging":{"tool_calls":{"store_error_messages":true}}}"#);
    let message = format!(
        "OperationalError: mysql -u root -p{MYSQL_PW} failed; pin: 4711; token {GITLAB}; iban {IBAN}"
    );
    let outcome = Outcome::Failed {
        facts: FailureFacts {
            class_names: vec!["OperationalError".into()],
            ..FailureFacts::default()
        },
        message,
    };
    let text = call(&gw, outcome);
    assert!(text.contains(r#""error_message":"#), "{text}");
    assert_clean(&text, "error_message");
}
