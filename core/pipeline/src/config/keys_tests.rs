//! The reader against the key table ([`KEYS`]): the reader asks for exactly
//! the table's keys, in its order; each key takes the type the table says
//! and an error on it names it; the stated defaults are the defaults.

use super::keys::{ConfigKey, KEYS, KeyDefault, KeyType};
use super::section::ASKED;
use super::{Config, ConfigError};
use tooltrail_json::{Value, parse_json};

fn json(text: &str) -> Value {
    parse_json(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// `tree` with the dotted `key` set to `value` (mappings made on the way).
fn set(tree: &mut Value, key: &str, value: Value) {
    let mut at = tree;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(members) = at else {
            panic!("{key}: not under a mapping")
        };
        let i = match members.iter().position(|(k, _)| k == part) {
            Some(i) => i,
            None => {
                members.push((part.to_owned(), Value::Object(Vec::new())));
                members.len() - 1
            }
        };
        if parts.peek().is_none() {
            members[i].1 = value;
            return;
        }
        at = &mut members[i].1;
    }
}

fn is_section(k: &ConfigKey) -> bool {
    k.ty == KeyType::Section
}

/// Every key set to its example: a configuration that uses every key.
fn full() -> Value {
    let mut tree = Value::Object(Vec::new());
    for k in KEYS.iter().filter(|k| !is_section(k)) {
        set(&mut tree, k.key, json(k.example));
    }
    tree
}

fn read(value: &Value) -> Result<Config, ConfigError> {
    Config::from_value(value)
}

#[test]
fn the_reader_asks_for_exactly_the_table_keys_in_its_order() {
    ASKED.with(|a| a.borrow_mut().clear());
    read(&full()).unwrap();
    let mut asked = ASKED.with(|a| a.take());
    // An alert rule is asked for twice: is it null, and its mapping.
    asked.dedup();
    // The members of a mapping of names (`pricing.<model>.…`) are the
    // mapping's type, not keys of the table.
    // The same for the members of a list's items
    // (`logging.pii.redact_patterns[0].name`).
    let named: Vec<String> = KEYS
        .iter()
        .filter(|k| k.ty == KeyType::Prices)
        .map(|k| format!("{}.", k.key))
        .chain(
            KEYS.iter()
                .filter(|k| k.ty == KeyType::Patterns)
                .map(|k| format!("{}[", k.key)),
        )
        .collect();
    asked.retain(|k| !named.iter().any(|n| k.starts_with(n.as_str())));
    let table: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
    assert_eq!(asked, table, "config/keys.rs and the reader disagree");
}

/// Values of `ty` the reader must accept, as JSON text.
fn accepted(k: &ConfigKey) -> Vec<String> {
    let num = |n: f64| format!("{n}");
    let mut out = vec![k.example.to_owned()];
    match k.ty {
        KeyType::Bool => out.extend(["true".into(), "false".into()]),
        KeyType::Choice(values) => out.extend(values.iter().map(|v| format!("\"{v}\""))),
        KeyType::Number { min, max } => {
            out.push(num(min));
            if max < f64::MAX {
                out.push(num(max));
            }
        }
        KeyType::Whole { min, max } => out.extend([min.to_string(), max.to_string()]),
        KeyType::Count => out.push("1".into()),
        KeyType::StrList => out.push("[]".into()),
        KeyType::Patterns => out.extend([
            "[]".into(),
            "[{\"name\":\"a_1\",\"pattern\":\"x\"},{\"name\":\"b\",\"pattern\":\"(?i)acct-\\\\d+\"}]".into(),
        ]),
        KeyType::Duration => out.extend(["\"0s\"".into(), "\"2h\"".into(), "90".into()]),
        KeyType::Headers | KeyType::Prices => out.push("{}".into()),
        KeyType::Section => out.clear(),
        KeyType::Str | KeyType::Instant | KeyType::Url => {}
    }
    out
}

/// Values of `ty` the reader must refuse, as JSON text.
fn refused(ty: KeyType) -> Vec<String> {
    let num = |n: f64| format!("{n}");
    let mut out: Vec<String> = match ty {
        KeyType::Bool => vec!["\"yes\"".into(), "1".into()],
        KeyType::Choice(_) => vec!["\"zzz\"".into()],
        KeyType::Number { min, max } => {
            let mut v = vec!["\"1\"".into(), num(min - 1.0)];
            if max < f64::MAX {
                v.push(num(max + 1.0));
            }
            v
        }
        KeyType::Whole { min, max } => vec![
            num(min as f64 - 1.0),
            num(max as f64 + 1.0),
            num(min as f64 + 0.5),
        ],
        KeyType::Count => vec!["0".into(), "1.5".into()],
        KeyType::Str => vec!["\"\"".into(), "1".into()],
        KeyType::StrList => vec!["[\"\"]".into(), "\"a\"".into()],
        KeyType::Duration => vec!["\"5w\"".into(), "-1".into()],
        KeyType::Instant => vec!["\"2026-11-30\"".into()],
        KeyType::Url => vec!["\"ftp://collector\"".into()],
        KeyType::Headers => vec!["\"a\"".into(), "{\"a b\":\"c\"}".into()],
        KeyType::Prices => vec![
            "\"a\"".into(),
            "{\"m\":1}".into(),
            "{\"m\":{\"input_per_mtok\":1}}".into(),
            "{\"m\":{\"input_per_mtok\":-1,\"output_per_mtok\":1}}".into(),
            "{\"m\":{\"input_per_mtok\":1,\"output_per_mtok\":1,\"x\":1}}".into(),
            "{\"\":{\"input_per_mtok\":1,\"output_per_mtok\":1}}".into(),
        ],
        KeyType::Patterns => vec![
            "\"a\"".into(),
            "[\"a\"]".into(),
            "[{\"name\":\"a\"}]".into(),
            "[{\"pattern\":\"x\"}]".into(),
            "[{\"name\":\"A\",\"pattern\":\"x\"}]".into(),
            "[{\"name\":\"a\",\"pattern\":\"(\"}]".into(),
            "[{\"name\":\"a\",\"pattern\":\"x*\"}]".into(),
            "[{\"name\":\"a\",\"pattern\":\"\"}]".into(),
            "[{\"name\":\"a\",\"pattern\":\"x\",\"flags\":\"i\"}]".into(),
            format!(
                "[{}]",
                vec!["{\"name\":\"a\",\"pattern\":\"x\"}"; 33].join(",")
            ),
        ],
        KeyType::Section => vec![],
    };
    out.push("[[]]".into());
    out
}

#[test]
fn each_key_takes_the_type_the_table_says_and_errors_name_it() {
    for k in &KEYS {
        for good in accepted(k) {
            let mut tree = full();
            set(&mut tree, k.key, json(&good));
            if let Err(e) = read(&tree) {
                panic!("{} = {good} is refused: {e}", k.key);
            }
        }
        for bad in refused(k.ty) {
            let mut tree = full();
            set(&mut tree, k.key, json(&bad));
            match read(&tree) {
                Ok(_) => panic!("{} = {bad} is accepted", k.key),
                Err(e) => assert!(
                    e.key == k.key
                        || e.key.starts_with(&format!("{}.", k.key))
                        || e.key.starts_with(&format!("{}[", k.key)),
                    "{} = {bad}: the error names {:?}",
                    k.key,
                    e.key
                ),
            }
        }
    }
}

#[test]
fn the_stated_defaults_are_the_defaults() {
    // The keys a section needs (`sinks.otlp.endpoint`, …) at their examples,
    // so that the sections whose keys have defaults are read.
    let mut base = Value::Object(Vec::new());
    for k in KEYS.iter().filter(|k| k.default == KeyDefault::Required) {
        set(&mut base, k.key, json(k.example));
    }
    let mut with_defaults = base.clone();
    let mut n = 0;
    for k in &KEYS {
        if let KeyDefault::Value(v) = k.default {
            set(&mut with_defaults, k.key, json(v));
            n += 1;
        }
    }
    assert!(n > 30, "only {n} keys state a default");
    assert_eq!(read(&with_defaults).unwrap(), read(&base).unwrap());
    assert_eq!(read(&json("{}")).unwrap(), Config::default());
}
