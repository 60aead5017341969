//! `logging.pii.redact_patterns`: value patterns from the configuration,
//! checked when it is read (errors name the member), applied to every
//! string and member name by the core's redaction, so in every place the
//! gateway stores args, results and messages.

mod common;

use common::ctx;
use tooltrail_core::gateway::{Deterministic, Event};
use tooltrail_core::{Config, FailureFacts, Gateway, Outcome, Redactor};
use tooltrail_json::{Value, parse_json, write_ordered};

const CONFIG: &str = r#"
logging:
  tool_calls: {store_args: true, store_results: full, store_error_messages: true}
  pii:
    redact_patterns:
      - name: order_ref
        pattern: 'ORD-[0-9]{8}'
      - name: employee_id
        pattern: '(?i)\bemp[0-9]{6}\b'
"#;

fn json(text: &str) -> Value {
    parse_json(text.as_bytes()).unwrap()
}

fn compact(v: &Value) -> String {
    let mut out = Vec::new();
    write_ordered(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn redactor() -> Redactor {
    Redactor::from_config(&Config::from_yaml(CONFIG).unwrap())
}

#[test]
fn a_match_anywhere_in_a_string_goes() {
    let got = redactor().redact(&json(
        r#"{"note": "refund ORD-12345678 for Emp004211, then ORD-87654321", "n": 12345678}"#,
    ));
    assert_eq!(
        compact(&got),
        r#"{"note":"refund [REDACTED:order_ref] for [REDACTED:employee_id], then [REDACTED:order_ref]","n":12345678}"#
    );
}

#[test]
fn no_match_leaves_the_value_alone() {
    let input = json(r#"{"note": "ORD-1234567 is short, emp1234567 is long, XORD-123"}"#);
    assert_eq!(redactor().redact(&input), input);
    // Without the configuration the same text stays too.
    let input = json(r#"{"note": "refund ORD-12345678"}"#);
    assert_eq!(Redactor::default().redact(&input), input);
}

#[test]
fn json_inside_a_string_and_member_names() {
    let got = redactor().redact(&json(
        r#"{"body": "{\"orders\": {\"ORD-12345678\": {\"owner\": \"emp000042\"}}}", "ORD-00000001": 1, "ORD-00000002": 2}"#,
    ));
    assert_eq!(
        compact(&got),
        r#"{"body":"{\"orders\":{\"[REDACTED:order_ref]\":{\"owner\":\"[REDACTED:employee_id]\"}}}","[REDACTED:order_ref]":1,"[REDACTED:order_ref]#2":2}"#
    );
}

#[test]
fn built_in_rules_go_first_and_their_replacements_are_not_matched() {
    let config = Config::from_yaml(
        "logging:\n  pii:\n    redact_patterns:\n      - {name: caps, pattern: '[A-Z]{5,}'}\n",
    )
    .unwrap();
    let got = Redactor::from_config(&config).redact(&json(
        r#"["password=HUNTERTWO and SECRETWORD", "key AKIAIOSFODNN7EXAMPLE"]"#,
    ));
    assert_eq!(
        compact(&got),
        r#"["password=[REDACTED:password] and [REDACTED:caps]","key [REDACTED:api_key]"]"#
    );
}

#[test]
fn errors_name_the_member_and_give_the_reason() {
    let cases = [
        (
            "redact_patterns:\n  - {name: a, pattern: 'ORD-([0-9]'}",
            "logging.pii.redact_patterns[0].pattern",
            "unclosed group",
        ),
        (
            "redact_patterns:\n  - {name: ok, pattern: x}\n  - {name: Order-Ref, pattern: x}",
            "logging.pii.redact_patterns[1].name",
            "a-z, 0-9 and _",
        ),
        (
            "redact_patterns:\n  - {name: a}",
            "logging.pii.redact_patterns[0].pattern",
            "is required",
        ),
        (
            "redact_patterns:\n  - {pattern: x}",
            "logging.pii.redact_patterns[0].name",
            "is required",
        ),
        (
            "redact_patterns:\n  - {name: a, pattern: x, flags: i}",
            "logging.pii.redact_patterns[0].flags",
            "unknown key",
        ),
        (
            "redact_patterns:\n  - {name: a, pattern: 'x*'}",
            "logging.pii.redact_patterns[0].pattern",
            "empty string",
        ),
        (
            "redact_patterns:\n  - {name: a, pattern: '(a)\\1'}",
            "logging.pii.redact_patterns[0].pattern",
            "backreferences are not supported",
        ),
        (
            "redact_patterns:\n  - {name: a, pattern: '\\w{500}'}",
            "logging.pii.redact_patterns[0].pattern",
            "compiles to more than 262144 bytes",
        ),
        (
            "redact_patterns:\n  - x",
            "logging.pii.redact_patterns[0]",
            "mapping",
        ),
        (
            "redact_patterns: {name: a, pattern: x}",
            "logging.pii.redact_patterns",
            "list",
        ),
    ];
    for (pii, key, fragment) in cases {
        let yaml = format!(
            "logging:\n  pii:\n{}\n",
            pii.lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let e = Config::from_yaml(&yaml).unwrap_err();
        assert_eq!(e.key, key, "{yaml}: {e}");
        assert!(e.message.contains(fragment), "{yaml}: {e}");
    }
    let many: Vec<String> = (0..33)
        .map(|i| format!("{{\"name\":\"p{i}\",\"pattern\":\"x{i}\"}}"))
        .collect();
    let e = Config::from_value(&json(&format!(
        r#"{{"logging":{{"pii":{{"redact_patterns":[{}]}}}}}}"#,
        many.join(",")
    )))
    .unwrap_err();
    assert_eq!(e.key, "logging.pii.redact_patterns");
    assert!(e.message.contains("at most 32"), "{e}");
}

fn gateway() -> Gateway {
    Gateway::new(
        Config::from_yaml(CONFIG).unwrap(),
        ["t".to_owned()],
        None,
        Some(Deterministic {
            start_us: 1_795_550_260_000_000,
        }),
    )
}

fn lines(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| String::from_utf8(e.line().to_vec()).unwrap())
        .collect()
}

#[test]
fn the_gateway_redacts_args_results_and_messages_with_them() {
    let gw = gateway();
    let args = json(r#"{"order": "ORD-12345678", "ORD-87654321": "emp123456"}"#);
    let (h, mut events) = gw.begin(&ctx(), "t", Ok(args.clone())).unwrap();
    events.extend(gw.finish(h, Outcome::Returned(Ok(args))));
    let (h, more) = gw.begin(&ctx(), "t", Ok(Value::Null)).unwrap();
    events.extend(more);
    events.extend(gw.finish(
        h,
        Outcome::Failed {
            facts: FailureFacts {
                class_names: vec!["LookupError".into()],
                ..FailureFacts::default()
            },
            message: "LookupError: no order ORD-11112222 for emp654321".into(),
        },
    ));
    let text = lines(&events.into_vec());
    for stored in [r#""args":"#, r#""result":"#, r#""error_message":"#] {
        assert!(text.contains(stored), "{stored} not stored: {text}");
    }
    for secret in [
        "ORD-12345678",
        "ORD-87654321",
        "emp123456",
        "ORD-11112222",
        "emp654321",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(
        text.contains(r#""args":{"order":"[REDACTED:order_ref]","[REDACTED:order_ref]":"[REDACTED:employee_id]"}"#),
        "{text}"
    );
    assert!(
        text.contains("no order [REDACTED:order_ref] for [REDACTED:employee_id]"),
        "{text}"
    );
}
