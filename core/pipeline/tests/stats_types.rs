//! `EventWriter.stats()` is one value made by the core (`stats_value`) in
//! both languages; the types each binding declares for it (`_types.py`'s
//! TypedDicts, `index.d.ts`'s interfaces) must name exactly its keys, in
//! order, and nest as it does. Before, each binding built the dict or object
//! itself from the counters.

use std::path::PathBuf;

use tooltrail_core::writer::{OtlpStats, WriterStats, stats_value};
use tooltrail_json::Value;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// (dotted key, is an object) of every member, depth first.
fn keys(v: &Value, prefix: &str, out: &mut Vec<(String, bool)>) {
    if let Value::Object(members) = v {
        for (k, v) in members {
            let key = format!("{prefix}{k}");
            out.push((key.clone(), matches!(v, Value::Object(_))));
            keys(v, &format!("{key}."), out);
        }
    }
}

fn camel(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The member names declared in the body of `header … {` up to its end
/// line, `name: Type` / `name?: Type` / `name: { a: number; b: number }`.
fn declared(text: &str, header: &str, end: &str, indent: &str) -> Vec<(String, String)> {
    let at = text
        .find(header)
        .unwrap_or_else(|| panic!("{header} not found"));
    let mut out = Vec::new();
    for line in text[at..].trim_start_matches('\n').lines().skip(1) {
        if line.starts_with(end) {
            break;
        }
        let Some(decl) = line.strip_prefix(indent) else {
            continue;
        };
        if decl.starts_with(['#', '"', '/', '*', ' ']) {
            continue;
        }
        if let Some((name, ty)) = decl.split_once(": ") {
            out.push((name.trim_end_matches('?').to_owned(), ty.to_owned()));
        }
    }
    out
}

/// Python: a TypedDict's members, following member types that are classes
/// of the same file and the bases of `WriterStats`.
fn python(text: &str, class: &str, prefix: &str, out: &mut Vec<(String, bool)>) {
    let header = format!("\nclass {class}(");
    let bases: Vec<String> = text[text.find(&header).unwrap() + header.len()..]
        .split(')')
        .next()
        .unwrap()
        .split(',')
        .map(|b| b.trim().to_owned())
        .filter(|b| b.starts_with('_'))
        .collect();
    for base in bases {
        python(text, &base, prefix, out);
    }
    for (name, ty) in declared(text, &header, "class ", "    ") {
        let ty = ty.split_whitespace().next().unwrap().to_owned();
        let nested = text.contains(&format!("\nclass {ty}("));
        out.push((format!("{prefix}{name}"), nested));
        if nested {
            python(text, &ty, &format!("{prefix}{name}."), out);
        }
    }
}

/// TypeScript: an interface's members, following `OtlpStats` and inline
/// `{ a: number; … }` objects.
fn typescript(text: &str, name: &str, prefix: &str, out: &mut Vec<(String, bool)>) {
    let header = format!("export interface {name} {{");
    for (key, ty) in declared(text, &header, "}", "  ") {
        let key = format!("{prefix}{key}");
        if let Some(inline) = ty.strip_prefix("{ ").and_then(|t| t.strip_suffix(" }")) {
            out.push((key.clone(), true));
            for member in inline.split("; ") {
                let name = member.split(':').next().unwrap();
                out.push((format!("{key}.{name}"), false));
            }
        } else if ty == "OtlpStats" {
            out.push((key.clone(), true));
            typescript(text, "OtlpStats", &format!("{key}."), out);
        } else {
            out.push((key, false));
        }
    }
}

#[test]
fn both_bindings_declare_the_stats_the_core_returns() {
    let value = stats_value(&WriterStats::default(), Some(&OtlpStats::default()));
    let mut want = Vec::new();
    keys(&value, "", &mut want);

    let py_text =
        std::fs::read_to_string(root().join("bindings-python/python/tooltrail/_types.py")).unwrap();
    let mut py = Vec::new();
    python(&py_text, "WriterStats", "", &mut py);
    assert_eq!(py, want, "_types.py WriterStats vs the core's stats()");

    let ts_text = std::fs::read_to_string(root().join("bindings-node/index.d.ts")).unwrap();
    let mut ts = Vec::new();
    typescript(&ts_text, "WriterStats", "", &mut ts);
    let want_camel: Vec<(String, bool)> = want
        .iter()
        .map(|(k, o)| (k.split('.').map(camel).collect::<Vec<_>>().join("."), *o))
        .collect();
    assert_eq!(
        ts, want_camel,
        "index.d.ts WriterStats vs the core's stats()"
    );
}
