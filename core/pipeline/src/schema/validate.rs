//! Checks an event line against the table: the event is known, required
//! fields are present, fields come in table order, types and value sets
//! hold, the table's presence rules hold, and no field is unknown.

use std::fmt;

use super::table::event_spec;
use super::types::{EventSpec, Field, Lit, Rule, Ty};
use tooltrail_json::MAX_SAFE_INTEGER;
use tooltrail_json::Value;

/// Why a line does not fit the schema: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON path of the offending member (`$` for the line itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for SchemaError {}

fn fail<T>(path: &str, message: impl Into<String>) -> Result<T, SchemaError> {
    Err(SchemaError {
        path: path.to_owned(),
        message: message.into(),
    })
}

/// Validates one JSONL line (a trailing newline is allowed); returns the
/// event type it is.
pub fn validate_line(line: &[u8]) -> Result<&'static EventSpec, SchemaError> {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    match tooltrail_json::parse_json(text) {
        Ok(v) => validate_event(&v),
        Err(e) => fail("$", format!("not JSON: {e}")),
    }
}

/// Validates one parsed event; returns its event type.
pub fn validate_event(v: &Value) -> Result<&'static EventSpec, SchemaError> {
    let Value::Object(members) = v else {
        return fail("$", "an event is a JSON object");
    };
    let name = match members.iter().find(|(k, _)| k == "event") {
        Some((_, Value::String(s))) => s,
        Some(_) => return fail("$.event", "must be a string"),
        None => return fail("$", "missing required field `event`"),
    };
    let Some(spec) = event_spec(name) else {
        return fail("$.event", format!("unknown event {name:?}"));
    };
    let fields: Vec<&Field> = spec.all_fields().collect();
    check_members(members, &fields, "$", Some(name))?;
    check_rules(members, spec.rules)?;
    Ok(spec)
}

fn member<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn check_members(
    members: &[(String, Value)],
    fields: &[&Field],
    path: &str,
    event: Option<&str>,
) -> Result<(), SchemaError> {
    let mut next = 0;
    for (key, value) in members {
        let at = format!("{path}.{key}");
        let Some(i) = fields.iter().position(|f| f.name == key) else {
            return fail(&at, "unknown field");
        };
        if i < next {
            return fail(
                &at,
                format!("out of order: must come before `{}`", fields[next - 1].name),
            );
        }
        next = i + 1;
        check_value(fields[i], value, &at, event)?;
    }
    for f in fields.iter().filter(|f| f.required) {
        if member(members, f.name).is_none() {
            return fail(path, format!("missing required field `{}`", f.name));
        }
    }
    Ok(())
}

fn is_timestamp(s: &str) -> bool {
    // 2026-11-24T19:57:40.123456Z
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd.ddddddZ";
    s.len() == SHAPE.len()
        && s.bytes().zip(SHAPE).all(|(c, &want)| match want {
            b'd' => c.is_ascii_digit(),
            _ => c == want,
        })
        && crate::time::parse_timestamp_nanos(s).is_some()
}

fn check_value(f: &Field, v: &Value, at: &str, event: Option<&str>) -> Result<(), SchemaError> {
    if *v == Value::Null && !matches!(f.ty, Ty::Any) {
        return if f.nullable {
            Ok(())
        } else {
            fail(at, "must not be null")
        };
    }
    let text = match v {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    let ok = match &f.ty {
        Ty::Version => *v == Value::Number(f64::from(super::SCHEMA_VERSION)),
        Ty::Timestamp => text.is_some_and(is_timestamp),
        Ty::EventName => text.is_some() && text == event,
        Ty::Str => text.is_some(),
        Ty::Hex(n) => text.is_some_and(|s| {
            s.len() == *n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }),
        Ty::Count => matches!(v, Value::Number(n)
            if n.fract() == 0.0 && *n >= 0.0 && *n <= MAX_SAFE_INTEGER as f64),
        Ty::Number => matches!(v, Value::Number(_)),
        Ty::Bool => matches!(v, Value::Bool(_)),
        Ty::False => *v == Value::Bool(false),
        Ty::OneOf(e) => text.is_some_and(|s| e.values.contains(&s)),
        Ty::ErrorClass => text.is_some_and(|s| !s.is_empty()),
        Ty::Object(o) => {
            let Value::Object(members) = v else {
                return fail(at, format!("must be an object ({})", o.name));
            };
            let fields: Vec<&Field> = o.fields.iter().collect();
            return check_members(members, &fields, at, None);
        }
        Ty::List(o) => {
            let Value::Array(items) = v else {
                return fail(at, format!("must be an array of {}", o.name));
            };
            let fields: Vec<&Field> = o.fields.iter().collect();
            for (i, item) in items.iter().enumerate() {
                let at = format!("{at}[{i}]");
                let Value::Object(members) = item else {
                    return fail(&at, format!("must be an object ({})", o.name));
                };
                check_members(members, &fields, &at, None)?;
            }
            return Ok(());
        }
        Ty::Any => true,
    };
    if ok {
        Ok(())
    } else {
        fail(at, format!("must be {}", describe(&f.ty)))
    }
}

fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Version => "1".into(),
        Ty::Timestamp => "an RFC 3339 UTC timestamp with microseconds".into(),
        Ty::EventName => "the event name".into(),
        Ty::Str => "a string".into(),
        Ty::Hex(n) => format!("{n} lowercase hex digits"),
        Ty::Count => "a non-negative integer".into(),
        Ty::Number => "a number".into(),
        Ty::Bool => "a boolean".into(),
        Ty::False => "false".into(),
        Ty::OneOf(e) => format!("one of {}", e.values.join(", ")),
        Ty::ErrorClass => "a non-empty string".into(),
        Ty::Object(o) => format!("an object ({})", o.name),
        Ty::List(o) => format!("an array of {}", o.name),
        Ty::Any => "any value".into(),
    }
}

fn check_rules(members: &[(String, Value)], rules: &[Rule]) -> Result<(), SchemaError> {
    for r in rules {
        let holds = match (member(members, r.when), r.is) {
            (Some(Value::String(s)), Lit::Str(want)) => s == want,
            (Some(Value::Bool(b)), Lit::Bool(want)) => *b == want,
            (Some(Value::Null), Lit::Null) => true,
            _ => false,
        };
        let present = member(members, r.then).is_some();
        if holds != present {
            let is = match r.is {
                Lit::Str(s) => format!("{s:?}"),
                Lit::Bool(b) => b.to_string(),
                Lit::Null => "null".into(),
            };
            let verb = if holds { "required" } else { "not allowed" };
            return fail(
                &format!("$.{}", r.then),
                format!("{verb}: present exactly when `{}` is {is}", r.when),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: &str = r#"{"v":1,"ts":"2026-11-24T19:57:40.000000Z","event":"tool_call","run_id":"r","trace_id":null,"span_id":"0000000000000001","request_id":null,"user_id":null,"tool":"t","seq":1,"parent_span_id":null,"args_hash":"f8aeca62a6b4831f7025ec554a01b53b150af37a885825c50b0776026d26b532","hash_alg":"sha256","decision":"allow"}"#;

    fn check(line: &str) -> Result<&'static str, String> {
        validate_line(line.as_bytes())
            .map(|s| s.name)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_good_line_passes_and_every_mistake_is_named() {
        assert_eq!(check(CALL), Ok("tool_call"));
        let cases = [
            (
                r#""seq":1"#,
                r#""seq":1,"extra":1"#,
                "$.extra: unknown field",
            ),
            (
                r#""seq":1"#,
                r#""seq":1.5"#,
                "$.seq: must be a non-negative integer",
            ),
            (r#","seq":1"#, "", "$: missing required field `seq`"),
            (r#""v":1"#, r#""v":2"#, "$.v: must be 1"),
            (
                r#""tool":"t","seq":1"#,
                r#""seq":1,"tool":"t""#,
                "$.tool: out of order",
            ),
            (
                r#""decision":"allow""#,
                r#""decision":"maybe""#,
                "$.decision: must be one of",
            ),
            (
                r#""decision":"allow""#,
                r#""decision":"block""#,
                "$.ok: required",
            ),
            (
                r#""tool":"t""#,
                r#""tool":null"#,
                "$.tool: must not be null",
            ),
            (r#"40.000000Z"#, r#"40Z"#, "$.ts: must be an RFC 3339"),
            (
                r#""tool_call""#,
                r#""tool_call2""#,
                "$.event: unknown event",
            ),
        ];
        for (from, to, want) in cases {
            let bad = CALL.replacen(from, to, 1);
            let got = check(&bad).unwrap_err();
            assert!(got.starts_with(want), "{bad}\n{got}");
        }
    }
}
