//! The generated files (`schema/event.schema.json`, `tooltrail/events.py`,
//! `bindings-node/events.d.ts`) are what `core/pipeline/src/schema` generates today,
//! and the hand-written stubs list the same value sets. `UPDATE_GENERATED=1`
//! rewrites the generated files (review the diff).

use std::path::PathBuf;

use tooltrail_core::schema::{self, ENUMS, Enum};
use tooltrail_json::{Value, parse_json};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn generated_files_are_up_to_date() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, generate) in schema::GENERATED {
        let file = root().join(path);
        let want = generate();
        if update {
            std::fs::write(&file, &want).unwrap();
        }
        let got = std::fs::read_to_string(&file).unwrap_or_default();
        if got != want {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `UPDATE_GENERATED=1 cargo test -p tooltrail-core --test generated` and commit them"
    );
}

#[test]
fn the_json_schema_is_json_and_lists_every_event() {
    let schema = parse_json(schema::json_schema().as_bytes()).unwrap();
    let Some(Value::Object(defs)) = schema.get("$defs") else {
        panic!("$defs")
    };
    for e in &schema::EVENTS {
        let def = &defs.iter().find(|(k, _)| k == e.name).unwrap().1;
        let Some(Value::Object(props)) = def.get("properties") else {
            panic!("properties of {}", e.name)
        };
        let names: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
        let want: Vec<&str> = e.all_fields().map(|f| f.name).collect();
        assert_eq!(names, want, "{}", e.name);
    }
    let Some(Value::Array(one_of)) = schema.get("oneOf") else {
        panic!("oneOf")
    };
    assert_eq!(one_of.len(), schema::event::ALL.len());
}

/// The quoted values of `Name = Literal[...]` (Python) or `type Name = | ...`
/// (TypeScript) in a hand-written file.
fn declared_values(text: &str, start: &str) -> Vec<String> {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &text[at + start.len()..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    rest[..end]
        .split(['"', '\''])
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn enum_named(name: &str) -> &'static Enum {
    ENUMS.iter().find(|e| e.name == name).unwrap()
}

#[test]
fn hand_written_stubs_list_the_schema_values() {
    // Python: the Literals live in `_types.py` (the stub imports them); each
    // is declared there with the schema's values, or imported from `events`.
    let dir = root().join("bindings-python/python/tooltrail");
    let files: Vec<(String, String)> = ["_types.py", "_native.pyi"]
        .iter()
        .filter_map(|f| Some((f.to_string(), std::fs::read_to_string(dir.join(f)).ok()?)))
        .collect();
    for name in ["ErrorKind", "ErrorClass", "StopReason"] {
        let start = format!("\n{name} = Literal[");
        let mut found = false;
        for (file, text) in &files {
            if text.contains(&start) {
                let got = declared_values(text, &start);
                assert_eq!(got, enum_named(name).values, "{file} {name}");
                found = true;
            }
            found |= text.contains("from .events import") && text.contains(name);
        }
        assert!(
            found,
            "{name}: declared in none of {files:?}",
            files = files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
    }
    let dts = std::fs::read_to_string(root().join("bindings-node/index.d.ts")).unwrap();
    assert!(
        dts.contains("export * from './events'"),
        "index.d.ts re-exports the generated event types"
    );
    for name in ["ErrorKind", "ErrorClass", "StopReason"] {
        if let Some(at) = dts.find(&format!("export type {name} =")) {
            let got = declared_values(&dts[at..], "=");
            assert_eq!(got, enum_named(name).values, "index.d.ts {name}");
        }
    }
}
