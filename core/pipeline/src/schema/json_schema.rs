//! `schema/event.schema.json`: the table as JSON Schema (draft 2020-12), one
//! `$defs` entry per event type, chosen by `oneOf` on `event`.

use super::table::EVENTS;
use super::types::{EventSpec, Field, Lit, Object, Ty};
use super::values::ENUMS;
use tooltrail_json::Value;
use tooltrail_json::write_ordered;

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::object(members)
}

fn reference(name: &str) -> Value {
    obj(vec![("$ref", s(&format!("#/$defs/{name}")))])
}

fn ty_schema(ty: &Ty, event: &str) -> Value {
    let string = |extra: Vec<(&str, Value)>| {
        let mut m = vec![("type", s("string"))];
        m.extend(extra);
        obj(m)
    };
    match ty {
        Ty::Version => obj(vec![(
            "const",
            Value::Number(f64::from(super::SCHEMA_VERSION)),
        )]),
        Ty::Timestamp => string(vec![(
            "pattern",
            s(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"),
        )]),
        Ty::EventName => obj(vec![("const", s(event))]),
        Ty::Str => string(vec![]),
        Ty::Hex(n) => string(vec![("pattern", s(&format!("^[0-9a-f]{{{n}}}$")))]),
        Ty::Count => obj(vec![
            ("type", s("integer")),
            ("minimum", Value::Number(0.0)),
        ]),
        Ty::Number => obj(vec![("type", s("number"))]),
        Ty::Bool => obj(vec![("type", s("boolean"))]),
        Ty::False => obj(vec![("const", Value::Bool(false))]),
        Ty::OneOf(e) => reference(e.name),
        Ty::ErrorClass => obj(vec![(
            "anyOf",
            Value::Array(vec![
                reference("ErrorClass"),
                string(vec![("minLength", Value::Number(1.0))]),
            ]),
        )]),
        Ty::Object(o) => reference(o.name),
        Ty::List(o) => obj(vec![("type", s("array")), ("items", reference(o.name))]),
        Ty::Any => obj(vec![]),
    }
}

fn field_schema(f: &Field, event: &str) -> Value {
    let mut schema = ty_schema(&f.ty, event);
    if f.nullable {
        schema = match schema {
            Value::Object(mut m) if m.first().is_some_and(|(k, _)| k == "type") => {
                let t = std::mem::replace(&mut m[0].1, Value::Null);
                m[0].1 = Value::Array(vec![t, s("null")]);
                Value::Object(m)
            }
            other => obj(vec![(
                "anyOf",
                Value::Array(vec![other, obj(vec![("type", s("null"))])]),
            )]),
        };
    }
    if let Value::Object(m) = &mut schema {
        m.insert(0, ("description".to_owned(), s(f.doc)));
    }
    schema
}

fn closed_object<'a>(
    doc: &str,
    fields: impl Iterator<Item = &'a Field>,
    event: &str,
) -> Vec<(&'static str, Value)> {
    let fields: Vec<&Field> = fields.collect();
    let properties = fields
        .iter()
        .map(|f| (f.name.to_owned(), field_schema(f, event)))
        .collect();
    let required = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| s(f.name))
        .collect();
    vec![
        ("description", s(doc)),
        ("type", s("object")),
        ("properties", Value::Object(properties)),
        ("required", Value::Array(required)),
        ("additionalProperties", Value::Bool(false)),
    ]
}

fn lit(l: Lit) -> Value {
    match l {
        Lit::Str(t) => s(t),
        Lit::Bool(b) => Value::Bool(b),
        Lit::Null => Value::Null,
    }
}

fn event_schema(e: &EventSpec) -> Value {
    let mut m = closed_object(e.doc, e.all_fields(), e.name);
    if !e.rules.is_empty() {
        let rules = e.rules.iter().map(|r| {
            let when = obj(vec![
                (
                    "properties",
                    obj(vec![(r.when, obj(vec![("const", lit(r.is))]))]),
                ),
                ("required", Value::Array(vec![s(r.when)])),
            ]);
            let present = obj(vec![("required", Value::Array(vec![s(r.then)]))]);
            obj(vec![
                ("if", when),
                ("then", present.clone()),
                ("else", obj(vec![("not", present)])),
            ])
        });
        m.push(("allOf", Value::Array(rules.collect())));
    }
    obj(m)
}

/// Named nested objects, each after the objects it holds (for generators
/// whose languages need a type declared before use).
pub(super) fn nested_objects() -> Vec<&'static Object> {
    fn walk(fields: &'static [Field], out: &mut Vec<&'static Object>) {
        for f in fields {
            if let Ty::Object(o) | Ty::List(o) = &f.ty {
                walk(o.fields, out);
                if !out.iter().any(|seen| std::ptr::eq(*seen, *o)) {
                    out.push(o);
                }
            }
        }
    }
    let mut out = Vec::new();
    for e in &EVENTS {
        walk(e.fields, &mut out);
    }
    out
}

/// The JSON Schema (draft 2020-12) of every event line, pretty-printed, with
/// a trailing newline: what `schema/event.schema.json` holds.
pub fn json_schema() -> String {
    let mut defs: Vec<(String, Value)> = Vec::new();
    for e in &EVENTS {
        defs.push((e.name.to_owned(), event_schema(e)));
    }
    for o in nested_objects() {
        defs.push((
            o.name.to_owned(),
            obj(closed_object(o.doc, o.fields.iter(), "")),
        ));
    }
    for e in ENUMS {
        let values = e.values.iter().map(|v| s(v)).collect();
        defs.push((
            e.name.to_owned(),
            obj(vec![
                ("description", s(e.doc)),
                ("enum", Value::Array(values)),
            ]),
        ));
    }
    let one_of = EVENTS.iter().map(|e| reference(e.name)).collect();
    let root = obj(vec![
        ("$schema", s("https://json-schema.org/draft/2020-12/schema")),
        ("$id", s("urn:tooltrail:event:1")),
        ("title", s("tooltrail event, schema version 1")),
        (
            "description",
            s("One line of a tooltrail JSONL log. Generated from \
               core/pipeline/src/schema/table.rs by `UPDATE_GENERATED=1 cargo test -p tooltrail-core \
               --test generated`; do not edit. Members are written in the order `properties` \
               lists them (JSON Schema cannot say so; tooltrail's validators check it)."),
        ),
        ("oneOf", Value::Array(one_of)),
        ("$defs", Value::Object(defs)),
    ]);
    let mut out = Vec::new();
    pretty(&root, 0, &mut out);
    out.push(b'\n');
    String::from_utf8(out).expect("UTF-8")
}

/// Writes `v` with two-space indentation, members in their order.
fn pretty(v: &Value, indent: usize, out: &mut Vec<u8>) {
    let pad = |out: &mut Vec<u8>, n: usize| out.extend(std::iter::repeat_n(b' ', n));
    match v {
        Value::Array(items) if !items.is_empty() => {
            // Short arrays of scalars (enums, required lists) stay on one line.
            if items
                .iter()
                .all(|i| !matches!(i, Value::Array(_) | Value::Object(_)))
            {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    write_ordered(item, out).expect("finite");
                }
                out.push(b']');
                return;
            }
            out.extend_from_slice(b"[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, indent + 2);
                pretty(item, indent + 2, out);
                out.extend_from_slice(if i + 1 < items.len() { b",\n" } else { b"\n" });
            }
            pad(out, indent);
            out.push(b']');
        }
        Value::Object(members) if !members.is_empty() => {
            out.extend_from_slice(b"{\n");
            for (i, (k, item)) in members.iter().enumerate() {
                pad(out, indent + 2);
                write_ordered(&Value::String(k.clone()), out).expect("string");
                out.extend_from_slice(b": ");
                pretty(item, indent + 2, out);
                out.extend_from_slice(if i + 1 < members.len() { b",\n" } else { b"\n" });
            }
            pad(out, indent);
            out.push(b'}');
        }
        _ => write_ordered(v, out).expect("finite"),
    }
}
