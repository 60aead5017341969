//! The table as host-language types: `tooltrail/events.py` (TypedDicts,
//! Python 3.9+) and `bindings-node/events.d.ts` (TypeScript).

use std::fmt::Write;

use super::json_schema::nested_objects;
use super::table::EVENTS;
use super::types::{Field, Object, Ty};
use super::values::ENUMS;

const REGENERATE: &str = "Generated from core/pipeline/src/schema/table.rs by";
const REGENERATE_HOW: &str =
    "`UPDATE_GENERATED=1 cargo test -p tooltrail-core --test generated`; do not edit.";

/// `items` joined with `, ` on lines of at most 100 characters, each
/// indented by `indent` spaces and ending with a comma.
fn wrap(items: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && indent + line.len() + item.len() + 2 > 100 {
            let _ = writeln!(out, "{pad}{}", line.trim_end());
            line.clear();
        }
        let _ = write!(line, "{item}, ");
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{pad}{}", line.trim_end_matches(' '));
    }
    out
}

fn quoted(values: &[&str], quote: char) -> Vec<String> {
    values
        .iter()
        .map(|v| format!("{quote}{v}{quote}"))
        .collect()
}

fn py_type(ty: &Ty, event: &str) -> String {
    match ty {
        Ty::Version => "Literal[1]".into(),
        Ty::EventName => format!("Literal[\"{event}\"]"),
        Ty::Timestamp | Ty::Str | Ty::Hex(_) => "str".into(),
        Ty::Count => "int".into(),
        Ty::Number => "float".into(),
        Ty::Bool => "bool".into(),
        Ty::False => "Literal[False]".into(),
        Ty::OneOf(e) => e.name.into(),
        Ty::ErrorClass => "Union[ErrorClass, str]".into(),
        Ty::Object(o) => o.name.into(),
        Ty::List(o) => format!("list[{}]", o.name),
        Ty::Any => "Any".into(),
    }
}

fn py_field(out: &mut String, f: &Field, event: &str) {
    let mut t = py_type(&f.ty, event);
    if f.nullable {
        t = format!("Optional[{t}]");
    }
    let _ = writeln!(out, "    #: {}\n    {}: {t}", f.doc, f.name);
}

/// One TypedDict; with required and optional members, a private base holds
/// the required ones (Python 3.9 has no `NotRequired`).
fn py_class(out: &mut String, name: &str, doc: &str, fields: &[&Field], event: &str) {
    let required: Vec<&&Field> = fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&&Field> = fields.iter().filter(|f| !f.required).collect();
    let header = |out: &mut String, bases: &str| {
        let _ = writeln!(out, "\n\nclass {name}({bases}):\n    \"\"\"{doc}\"\"\"\n");
    };
    match (required.is_empty(), optional.is_empty()) {
        (false, false) => {
            let _ = writeln!(out, "\n\nclass _{name}Required(TypedDict):");
            for f in &required {
                py_field(out, f, event);
            }
            header(out, &format!("_{name}Required, total=False"));
            for f in &optional {
                py_field(out, f, event);
            }
        }
        (_, true) => {
            header(out, "TypedDict");
            for f in &required {
                py_field(out, f, event);
            }
        }
        (true, false) => {
            header(out, "TypedDict, total=False");
            for f in &optional {
                py_field(out, f, event);
            }
        }
    }
}

/// `bindings-python/python/tooltrail/events.py`: a `Literal` alias per value
/// set, a `TypedDict` per event and nested object, the union
/// `ToolTrailEvent`, and `EVENT_TYPES` / `FIELD_ORDER` for runtime checks.
pub fn python_typeddicts() -> String {
    let mut out = format!(
        "\"\"\"tooltrail's events as Python types: one ``TypedDict`` per event.\n\n\
         {REGENERATE}\n{REGENERATE_HOW}\n\n\
         Python 3.9 has no ``NotRequired``: an event with optional members is a\n\
         ``total=False`` TypedDict over a private base that holds the required ones.\n\
         ``FIELD_ORDER`` gives the order members are written in.\n\"\"\"\n\n\
         from typing import Any, Literal, Optional, TypedDict, Union\n"
    );
    for e in ENUMS {
        let values = wrap(&quoted(e.values, '"'), 4);
        let _ = write!(out, "\n#: {}\n{} = Literal[\n{values}]\n", e.doc, e.name);
    }
    for o in nested_objects() {
        let fields: Vec<&Field> = o.fields.iter().collect();
        py_class(&mut out, o.name, o.doc, &fields, "");
    }
    for e in &EVENTS {
        let fields: Vec<&Field> = e.all_fields().collect();
        py_class(&mut out, e.type_name, e.doc, &fields, e.name);
    }
    let names: Vec<String> = EVENTS.iter().map(|e| e.type_name.to_owned()).collect();
    let _ = write!(
        out,
        "\n\n#: Any event tooltrail writes.\nToolTrailEvent = Union[\n{}]\n",
        wrap(&names, 4)
    );
    out.push_str("\n#: The TypedDict of each event name.\nEVENT_TYPES: dict[str, Any] = {\n");
    for e in &EVENTS {
        let _ = writeln!(out, "    \"{}\": {},", e.name, e.type_name);
    }
    out.push_str("}\n\n#: The members of each event, in the order they are written.\n");
    out.push_str("FIELD_ORDER: dict[str, tuple[str, ...]] = {\n");
    for e in &EVENTS {
        let fields: Vec<String> = e.all_fields().map(|f| format!("\"{}\"", f.name)).collect();
        let _ = write!(out, "    \"{}\": (\n{}    ),\n", e.name, wrap(&fields, 8));
    }
    out.push_str("}\n");
    out
}

fn ts_type(ty: &Ty, event: &str) -> String {
    match ty {
        Ty::Version => "1".into(),
        Ty::EventName => format!("'{event}'"),
        Ty::Timestamp | Ty::Str | Ty::Hex(_) => "string".into(),
        Ty::Count | Ty::Number => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::False => "false".into(),
        Ty::OneOf(e) => e.name.into(),
        Ty::ErrorClass => "ErrorClass | (string & {})".into(),
        Ty::Object(o) => o.name.into(),
        Ty::List(o) => format!("{}[]", o.name),
        Ty::Any => "JsonValue".into(),
    }
}

fn ts_interface<'a>(
    out: &mut String,
    name: &str,
    doc: &str,
    fields: impl Iterator<Item = &'a Field>,
    event: &str,
) {
    let _ = writeln!(out, "\n/** {doc} */\nexport interface {name} {{");
    for f in fields {
        let mut t = ts_type(&f.ty, event);
        if f.nullable {
            t = format!("{t} | null");
        }
        let q = if f.required { "" } else { "?" };
        let _ = writeln!(out, "  /** {} */\n  {}{q}: {t}", f.doc, f.name);
    }
    out.push_str("}\n");
}

/// `bindings-node/events.d.ts`: a union type per value set, an interface per
/// event and nested object, and the union `ToolTrailEvent`.
pub fn typescript_types() -> String {
    let mut out = format!(
        "// tooltrail's events as TypeScript types: one interface per event.\n\
         // {REGENERATE}\n// {REGENERATE_HOW}\n"
    );
    for e in ENUMS {
        let values = quoted(e.values, '\'').join("\n  | ");
        let _ = write!(
            out,
            "\n/** {} */\nexport type {} =\n  | {values}\n",
            e.doc, e.name
        );
    }
    out.push_str(
        "\n/** Any JSON value. */\nexport type JsonValue =\n  | null\n  | boolean\n  | number\n  \
         | string\n  | JsonValue[]\n  | { [key: string]: JsonValue }\n",
    );
    let objects: Vec<&Object> = nested_objects();
    for o in objects {
        ts_interface(&mut out, o.name, o.doc, o.fields.iter(), "");
    }
    for e in &EVENTS {
        ts_interface(&mut out, e.type_name, e.doc, e.all_fields(), e.name);
    }
    let names: Vec<&str> = EVENTS.iter().map(|e| e.type_name).collect();
    let _ = write!(
        out,
        "\n/** Any event tooltrail writes. */\nexport type ToolTrailEvent =\n  | {}\n",
        names.join("\n  | ")
    );
    out
}
