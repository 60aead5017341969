//! `docs/reference/events.md`: every event, its fields, their types and when
//! each is present, from the schema table.

use std::fmt::Write;

use super::{cell, code_list, header};
use crate::schema::{COMMON, ENUMS, EVENTS, EventSpec, Field, Lit, Object, SCHEMA_VERSION, Ty};

/// A heading's anchor as GitHub makes it (lowercase, spaces to dashes).
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn ty(t: &Ty, event: &str) -> String {
    match t {
        Ty::Version => format!("`{SCHEMA_VERSION}`"),
        Ty::Timestamp => "timestamp".into(),
        Ty::EventName if event.is_empty() => "[EventName](#eventname)".into(),
        Ty::EventName => format!("`\"{event}\"`"),
        Ty::Str => "string".into(),
        Ty::Hex(n) => format!("{n} hex digits"),
        Ty::Count => "integer ≥ 0".into(),
        Ty::Number => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::False => "`false`".into(),
        Ty::OneOf(e) => format!("[{}](#{})", e.name, anchor(e.name)),
        Ty::ErrorClass => "[error class](error-classes.md)".into(),
        Ty::Object(o) => format!("[{}](#{})", o.name, anchor(o.name)),
        Ty::List(o) => format!("array of [{}](#{})", o.name, anchor(o.name)),
        Ty::Any => "any JSON".into(),
    }
}

fn lit(l: Lit) -> String {
    match l {
        Lit::Str(s) => format!("`\"{s}\"`"),
        Lit::Bool(b) => format!("`{b}`"),
        Lit::Null => "`null`".into(),
    }
}

/// When the field is on a line: always, optional, or by a rule of the event.
fn presence(f: &Field, event: Option<&EventSpec>) -> String {
    let rules: Vec<String> = event
        .into_iter()
        .flat_map(|e| e.rules)
        .filter(|r| r.then == f.name)
        .map(|r| format!("when `{}` is {}", r.when, lit(r.is)))
        .collect();
    if !rules.is_empty() {
        rules.join("; ")
    } else if f.required {
        "always".into()
    } else {
        "optional".into()
    }
}

fn table<'a>(out: &mut String, fields: impl Iterator<Item = &'a Field>, event: Option<&EventSpec>) {
    out.push_str("\n| field | type | present | meaning |\n| --- | --- | --- | --- |\n");
    let name = event.map_or("", |e| e.name);
    for f in fields {
        let mut t = ty(&f.ty, name);
        if f.nullable {
            t.push_str(" or `null`");
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            f.name,
            t,
            presence(f, event),
            cell(f.doc)
        );
    }
}

/// The objects nested in events, each once, in the order they are first used.
fn nested() -> Vec<&'static Object> {
    fn walk(fields: &'static [Field], out: &mut Vec<&'static Object>) {
        for f in fields {
            if let Ty::Object(o) | Ty::List(o) = f.ty {
                if !out.iter().any(|x| std::ptr::eq(*x, o)) {
                    out.push(o);
                }
                walk(o.fields, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&COMMON, &mut out);
    for e in &EVENTS {
        walk(e.fields, &mut out);
    }
    out
}

/// The page.
pub fn events_reference() -> String {
    let mut out = header("Events", "the event schema (core/pipeline/src/schema)");
    out.push_str(
        "\nEvery line tooltrail writes is one JSON object: one event. Its members come in the \
         order shown, the common ones first. The same shapes are the JSON Schema \
         `schema/event.schema.json`, the Python `TypedDict`s in `tooltrail.events` and the \
         TypeScript interfaces in `tooltrail/events.d.ts`.\n\n\
         A field marked *optional* is left out rather than written as `null`; one marked *or \
         `null`* may be `null`.\n\n",
    );
    out.push_str("| event | written |\n| --- | --- |\n");
    for e in &EVENTS {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} |",
            e.name,
            anchor(e.name),
            cell(e.doc)
        );
    }
    out.push_str("\n## Common fields\n\nEvery event starts with these.\n");
    table(&mut out, COMMON.iter(), None);
    for e in &EVENTS {
        let _ = writeln!(out, "\n## {}\n\n{}", e.name, e.doc);
        if e.fields.is_empty() {
            out.push_str("\nOnly the common fields.\n");
        } else {
            out.push_str("\nAfter the common fields:\n");
            table(&mut out, e.fields.iter(), Some(e));
        }
    }
    out.push_str("\n## Nested objects\n");
    for o in nested() {
        let _ = writeln!(out, "\n### {}\n\n{}", o.name, o.doc);
        table(&mut out, o.fields.iter(), None);
    }
    out.push_str("\n## Value sets\n");
    for e in ENUMS {
        let _ = writeln!(
            out,
            "\n### {}\n\n{} Values: {}.",
            e.name,
            e.doc,
            code_list(e.values)
        );
        match e.name {
            "ErrorClass" => out.push_str("\nWhat each means: [error classes](error-classes.md).\n"),
            "StopReason" => out.push_str("\nWhat each means: [stop reasons](stop-reasons.md).\n"),
            _ => {}
        }
    }
    out
}
