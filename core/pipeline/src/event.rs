//! Event lines: the JSONL records the writer stores.
//!
//! A line is `{"v":1,"ts":…,"event":…, <fields in the caller's order>}` plus a
//! newline. Key order is the producer's (the gateway fixes it per event), not
//! sorted; numbers and strings follow the same rules as canonical JSON, so both
//! bindings write identical bytes for identical inputs.

use crate::schema::field;
use tooltrail_json::CanonError;
use tooltrail_json::Value;
use tooltrail_json::{write_ordered, write_string};

/// The longest line the readers take (16 MiB); a longer one is skipped and
/// counted as unreadable. The gateway keeps its lines far below it (stored
/// arguments and results are bounded by
/// [`MAX_STORED_BYTES`](crate::gateway::MAX_STORED_BYTES)).
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Serializes one event line (with trailing `\n`) into `out`.
///
/// `fields` must be an object; a `"ts"` member in it is used as is and `ts`
/// is then never called (so tests and replays can inject a clock), and `"v"` / `"event"` members are ignored:
/// the writer owns those. On error `out` is left as it was.
pub fn write_event_line(
    name: &str,
    fields: &Value,
    ts: impl FnOnce() -> String,
    out: &mut Vec<u8>,
) -> Result<(), CanonError> {
    let start = out.len();
    let result = write_event_inner(name, fields, ts, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn write_event_inner(
    name: &str,
    fields: &Value,
    ts: impl FnOnce() -> String,
    out: &mut Vec<u8>,
) -> Result<(), CanonError> {
    let members: &[(String, Value)] = match fields {
        Value::Object(m) => m,
        Value::Null => &[],
        _ => {
            return Err(CanonError::new(
                tooltrail_json::ErrorKind::UnsupportedType,
                "event fields must be an object",
            ));
        }
    };
    out.extend_from_slice(b"{\"v\":1,\"ts\":");
    match members.iter().find(|(k, _)| k == field::TS) {
        Some((_, v)) => write_ordered(v, out).map_err(|e| e.within_key(field::TS))?,
        // Only format a timestamp when the producer did not bring one (the
        // gateway always does): this runs on every event.
        None => write_string(&ts(), out),
    }
    out.extend_from_slice(b",\"event\":");
    write_string(name, out);
    for (key, value) in members {
        if matches!(key.as_str(), field::V | field::TS | field::EVENT) {
            continue;
        }
        out.push(b',');
        write_string(key, out);
        out.push(b':');
        write_ordered(value, out).map_err(|e| e.within_key(key))?;
    }
    out.extend_from_slice(b"}\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_field_order_and_own_v_ts_event() {
        let fields = Value::object([
            ("z", Value::Number(1.0)),
            ("event", Value::from("ignored")),
            ("a", Value::Array(vec![Value::Number(0.5), Value::Null])),
        ]);
        let mut out = Vec::new();
        write_event_line("tool_call", &fields, || "T".into(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"v\":1,\"ts\":\"T\",\"event\":\"tool_call\",\"z\":1,\"a\":[0.5,null]}\n"
        );
    }

    #[test]
    fn bad_fields_leave_the_buffer_untouched() {
        let mut out = b"keep".to_vec();
        let fields = Value::object([("x", Value::Number(f64::INFINITY))]);
        let err = write_event_line("e", &fields, || "T".into(), &mut out).unwrap_err();
        assert_eq!(err.path().to_string(), "$.x");
        assert_eq!(out, b"keep");
    }
}
