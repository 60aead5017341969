//! The generated files (`schema/event.schema.json`, `tooltrail/events.py`,
//! `bindings-node/events.d.ts`, and the reference pages `docs/reference/*.md`)
//! are what `core/pipeline/src/schema` and `src/reference` generate today, and
//! the hand-written stubs list the same value sets and error codes.
//! `UPDATE_GENERATED=1` rewrites the generated files (review the diff).

use std::path::PathBuf;

use tooltrail_core::schema::{self, ENUMS, Enum};
use tooltrail_core::{Attr, ErrorCode, reference};
use tooltrail_json::{Value, parse_json};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn generated_files_are_up_to_date() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, generate) in schema::GENERATED.iter().chain(&reference::GENERATED) {
        let file = root().join(path);
        let want = generate();
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
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

/// Every [`Attr`], spelled so that a new one fails to compile here.
fn all_attrs() -> Vec<Attr> {
    use Attr::*;
    let all = vec![Kind, Path, Detail, Key, Tool, Budget, StopReason, RunId];
    for a in &all {
        match a {
            Kind | Path | Detail | Key | Tool | Budget | StopReason | RunId => {}
        }
    }
    all
}

/// The budget keys (`budget` of a `budget_exceeded` error): the members of
/// `run_end`'s `budgets`.
fn budget_keys() -> Vec<&'static str> {
    let run_end = schema::event_spec(schema::event::RUN_END).unwrap();
    let budgets = run_end.fields.iter().find(|f| f.name == "budgets").unwrap();
    let schema::Ty::Object(o) = budgets.ty else {
        panic!("run_end budgets")
    };
    o.fields.iter().map(|f| f.name).collect()
}

#[test]
fn the_stubs_declare_every_error_code_and_attribute() {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let kinds = &enum_named("ErrorKind").values;

    // Python: `ErrorCode = Literal[...]` in `_types.py`, the type of `.code`
    // and `.error_class` in `_native.pyi`, and each attribute on an exception.
    let dir = root().join("bindings-python/python/tooltrail");
    let types = std::fs::read_to_string(dir.join("_types.py")).unwrap();
    assert_eq!(
        declared_values(&types, "\nErrorCode = Literal["),
        codes,
        "_types.py ErrorCode"
    );
    let pyi = std::fs::read_to_string(dir.join("_native.pyi")).unwrap();
    let class = |name: &str| {
        let at = pyi
            .find(&format!("\nclass {name}("))
            .unwrap_or_else(|| panic!("_native.pyi: class {name}"));
        let body = &pyi[at + 1..];
        let end = body[1..].find("\nclass ").map_or(body.len(), |i| i + 1);
        body[..end].to_owned()
    };
    let base = class("TooltrailError");
    for member in ["    code: ErrorCode", "    error_class: ErrorCode"] {
        assert!(
            base.contains(member),
            "_native.pyi TooltrailError declares `{}`",
            member.trim()
        );
    }
    for attr in all_attrs() {
        let name = attr.py_name();
        assert!(
            pyi.contains(&format!("\n    {name}: ")),
            "_native.pyi: no exception declares `.{name}`"
        );
    }
    for (attr, ty) in [(Attr::Kind, "ErrorKind"), (Attr::StopReason, "StopReason")] {
        assert!(
            pyi.contains(&format!("\n    {}: {ty}", attr.py_name())),
            "_native.pyi: `.{}` is a {ty}",
            attr.py_name()
        );
    }

    // Node: `ErrorCode` is `ErrorKind` (generated) plus the other codes;
    // `code` / `errorClass` are ErrorCode; each attribute is a property.
    let dts = std::fs::read_to_string(root().join("bindings-node/index.d.ts")).unwrap();
    let at = dts
        .find("export type ErrorCode =")
        .expect("index.d.ts ErrorCode");
    let union = &dts[at..at + dts[at..].find("\n\n").unwrap()];
    assert!(
        union.contains("\n  | ErrorKind\n"),
        "index.d.ts ErrorCode includes ErrorKind"
    );
    let mut declared: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    declared.extend(declared_values(union, "="));
    assert_eq!(declared, codes, "index.d.ts ErrorCode");
    let at = dts
        .find("export declare class TooltrailError ")
        .expect("index.d.ts TooltrailError");
    let class = &dts[at..at + dts[at..].find("\n}").unwrap()];
    for member in ["readonly code: ErrorCode", "readonly errorClass: ErrorCode"] {
        assert!(
            class.contains(member),
            "index.d.ts TooltrailError: `{member}`"
        );
    }
    for attr in all_attrs() {
        assert!(
            class.contains(&format!("readonly {}?: ", attr.js_name())),
            "index.d.ts TooltrailError: no `{}`",
            attr.js_name()
        );
    }
    let at = class.find("readonly budget?: ").unwrap();
    let line = &class[at..at + class[at..].find('\n').unwrap()];
    assert_eq!(
        declared_values(line, ":"),
        budget_keys(),
        "index.d.ts TooltrailError.budget"
    );
}
