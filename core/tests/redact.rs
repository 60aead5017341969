//! Redaction: the shared vectors, and a property test that secrets planted at
//! random paths of random JSON never appear in the written bytes.

use proptest::prelude::*;
use tooltrail_core::{Redactor, Value, parse_json, write_ordered};

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

#[test]
fn every_redaction_vector_holds() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/redact");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let case = parse_json(&std::fs::read(&path).unwrap()).unwrap();
        let redactor = match case.get("redact_fields") {
            Some(f) => Redactor::new(&strings(f)),
            None => Redactor::default(),
        };
        let got = redactor.redact(case.get("input").unwrap());
        assert_eq!(&got, case.get("expected").unwrap(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 12);
}

const SECRETS: &[&str] = &[
    "alice.smith@example.com",
    "4111111111111111",
    "+14155552671",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "sk-proj-abcdefghijklmnopqrstuvwx",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "AKIAIOSFODNN7EXAMPLE",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i32..1000).prop_map(|i| Value::Number(f64::from(i))),
        "[a-z ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..5).prop_map(|m| {
                let mut seen = std::collections::HashSet::new();
                Value::Object(
                    m.into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

/// Puts `secret` somewhere in `v`, steered by `path` choices.
fn plant(v: &mut Value, secret: &str, path: &[usize], style: usize) {
    let text = match style % 3 {
        0 => secret.to_owned(),
        1 => format!("see {secret} please"),
        _ => format!("{{\"note\":\"{secret}\"}}"),
    };
    match (v, path.split_first()) {
        (Value::Array(items), Some((i, rest))) if !items.is_empty() => {
            let n = items.len();
            plant(&mut items[i % n], secret, rest, style)
        }
        (Value::Object(m), Some((i, rest))) if !m.is_empty() => {
            let n = m.len();
            plant(&mut m[i % n].1, secret, rest, style)
        }
        (Value::Array(items), _) => items.push(Value::String(text)),
        (Value::Object(m), _) => m.push(("planted".into(), Value::String(text))),
        (slot, _) => *slot = Value::String(text),
    }
}

proptest! {
    #[test]
    fn planted_secrets_never_reach_the_bytes(
        mut v in arb_json(),
        which in 0..SECRETS.len(),
        path in prop::collection::vec(any::<usize>(), 0..5),
        style in 0usize..3,
    ) {
        let secret = SECRETS[which];
        plant(&mut v, secret, &path, style);
        let mut out = Vec::new();
        write_ordered(&Redactor::default().redact(&v), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        prop_assert!(!text.contains(secret), "{} leaked in {}", secret, text);
    }
}
