//! OTLP/JSON encoding, per the OTLP specification's JSON mapping: trace and
//! span ids as lowercase hex, 64-bit integers as decimal strings, enums as
//! numbers, lowerCamelCase field names. Messages are built as [`Value`]s and
//! serialized by the core's canonical JSON writer.

use tooltrail_core::schema::{LEVEL_CRITICAL, LEVEL_WARN, StopReason, event, field as f};
use tooltrail_json::Value;

/// Fields of one parsed event line, in line order.
pub(crate) type Fields = [(String, Value)];

/// The field `name` of an event, `None` when absent or null.
pub(crate) fn field<'a>(ev: &'a Fields, name: &str) -> Option<&'a Value> {
    ev.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .filter(|v| **v != Value::Null)
}

/// A string field.
pub(crate) fn text<'a>(ev: &'a Fields, name: &str) -> Option<&'a str> {
    match field(ev, name) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// A number field.
pub(crate) fn number(ev: &Fields, name: &str) -> Option<f64> {
    match field(ev, name) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// A W3C id of `len` lowercase hex digits, not all zero (else `None`: OTLP
/// treats all-zero ids as invalid).
pub(crate) fn hex_id(id: Option<&str>, len: usize) -> Option<&str> {
    id.filter(|s| tooltrail_core::gateway::is_w3c_id(s, len))
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::object(members)
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// An OTLP `AnyValue`. OTLP has no null and collectors refuse the empty
/// value, so nulls are left out wherever they sit (members and array items);
/// a bare null (never passed here) becomes the empty string.
pub(crate) fn any_value(v: &Value) -> Value {
    match v {
        Value::Null => obj(vec![("stringValue", s(""))]),
        Value::Bool(b) => obj(vec![("boolValue", Value::Bool(*b))]),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 => {
            obj(vec![("intValue", s(&format!("{}", *n as i64)))])
        }
        Value::Number(n) => obj(vec![("doubleValue", Value::Number(*n))]),
        Value::String(t) => obj(vec![("stringValue", s(t))]),
        Value::Array(items) => obj(vec![(
            "arrayValue",
            obj(vec![("values", Value::Array(present(items)))]),
        )]),
        Value::Object(members) => obj(vec![(
            "kvlistValue",
            obj(vec![("values", Value::Array(key_values(members)))]),
        )]),
    }
}

fn present(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|v| **v != Value::Null)
        .map(any_value)
        .collect()
}

/// One `KeyValue`.
pub(crate) fn kv(key: &str, value: &Value) -> Value {
    obj(vec![("key", s(key)), ("value", any_value(value))])
}

/// `KeyValue`s for members, nulls left out (backends render them poorly;
/// the absence says the same).
pub(crate) fn key_values(members: &Fields) -> Vec<Value> {
    members
        .iter()
        .filter(|(_, v)| *v != Value::Null)
        .map(|(k, v)| kv(k, v))
        .collect()
}

/// Nanoseconds since the epoch of an event's `ts` (see
/// [`tooltrail_core::parse_timestamp_nanos`]); `None` before 1970.
pub(crate) fn ts_nanos(ts: &str) -> Option<u64> {
    tooltrail_core::parse_timestamp_nanos(ts).and_then(|n| u64::try_from(n).ok())
}

/// Severity of an event: what went wrong is WARN, a critical alert ERROR.
fn severity(ev: &Fields) -> (f64, &'static str) {
    const INFO: (f64, &str) = (9.0, "INFO");
    const WARN: (f64, &str) = (13.0, "WARN");
    const ERROR: (f64, &str) = (17.0, "ERROR");
    let not_ok = field(ev, f::OK) == Some(&Value::Bool(false));
    match text(ev, f::EVENT).unwrap_or("") {
        event::TOOL_CALL | event::TOOL_RESULT if not_ok => WARN,
        event::RUN_END
            if text(ev, f::STOP_REASON).is_some_and(|r| r != StopReason::Completed.as_str()) =>
        {
            WARN
        }
        event::ALERT => match text(ev, f::LEVEL) {
            Some(LEVEL_CRITICAL) => ERROR,
            Some(LEVEL_WARN) => WARN,
            _ => INFO,
        },
        event::WRITER_DROPPED => WARN,
        _ => INFO,
    }
}

/// One event as a `LogRecord`: body = the event name, attributes = every
/// non-null field under its event field name, trace and span ids from the event.
pub(crate) fn log_record(ev: &Fields, observed_nanos: u64) -> Value {
    let (number, name) = severity(ev);
    let time = text(ev, f::TS).and_then(ts_nanos).unwrap_or(observed_nanos);
    let mut members = vec![
        ("timeUnixNano", s(&time.to_string())),
        ("observedTimeUnixNano", s(&observed_nanos.to_string())),
        ("severityNumber", Value::Number(number)),
        ("severityText", s(name)),
        ("body", any_value(&s(text(ev, f::EVENT).unwrap_or("")))),
        ("attributes", Value::Array(key_values(ev))),
    ];
    if let Some(trace) = hex_id(text(ev, f::TRACE_ID), 32) {
        members.push(("traceId", s(trace)));
        if let Some(span) = hex_id(text(ev, f::SPAN_ID), 16) {
            members.push(("spanId", s(span)));
        }
    }
    obj(members)
}

/// The span kinds tooltrail's spans use (OTLP `SpanKind`).
#[derive(Clone, Copy)]
pub(crate) enum SpanKind {
    /// Work inside the agent's process: a tool call, the run itself.
    Internal,
    /// A call out to another service: a model provider.
    Client,
}

impl SpanKind {
    /// The `SpanKind` enum's number.
    fn number(self) -> f64 {
        match self {
            SpanKind::Internal => 1.0, // SPAN_KIND_INTERNAL
            SpanKind::Client => 3.0,   // SPAN_KIND_CLIENT
        }
    }
}

/// A finished span (`Span` message).
pub(crate) struct SpanData {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub kind: SpanKind,
    pub start_nanos: u64,
    pub end_nanos: u64,
    pub attributes: Vec<(String, Value)>,
    /// `Some(message)`: status ERROR with that message.
    pub error: Option<String>,
}

impl SpanData {
    fn to_value(&self) -> Value {
        let mut members = vec![("traceId", s(&self.trace_id)), ("spanId", s(&self.span_id))];
        if let Some(parent) = &self.parent_span_id {
            members.push(("parentSpanId", s(parent)));
        }
        members.extend([
            ("name", s(&self.name)),
            ("kind", Value::Number(self.kind.number())),
            ("startTimeUnixNano", s(&self.start_nanos.to_string())),
            ("endTimeUnixNano", s(&self.end_nanos.to_string())),
            ("attributes", Value::Array(key_values(&self.attributes))),
        ]);
        if let Some(message) = &self.error {
            let status = vec![("code", Value::Number(2.0)), ("message", s(message))];
            members.push(("status", obj(status))); // STATUS_CODE_ERROR
        }
        obj(members)
    }
}

fn resource(service_name: &str) -> Value {
    let attrs = [
        ("service.name", s(service_name)),
        ("telemetry.sdk.name", s("tooltrail")),
        ("telemetry.sdk.version", s(tooltrail_core::VERSION)),
    ];
    obj(vec![(
        "attributes",
        Value::Array(attrs.iter().map(|(k, v)| kv(k, v)).collect()),
    )])
}

fn scope() -> Value {
    obj(vec![
        ("name", s("tooltrail")),
        ("version", s(tooltrail_core::VERSION)),
    ])
}

fn to_json(v: &Value) -> Vec<u8> {
    // Every number here is finite and every string well-formed Unicode, so
    // canonical serialization cannot fail; an empty body would be a 400.
    tooltrail_json::canonical_json(v)
        .unwrap_or_default()
        .into_bytes()
}

/// An OTLP export body: `{"<resource_key>":[{"resource":…,"<scope_key>":
/// [{"scope":…,"<items_key>":[…]}]}]}`.
fn export_request(
    service_name: &str,
    [resource_key, scope_key, items_key]: [&str; 3],
    items: Vec<Value>,
) -> Vec<u8> {
    let scoped = obj(vec![("scope", scope()), (items_key, Value::Array(items))]);
    let resource = obj(vec![
        ("resource", resource(service_name)),
        (scope_key, Value::Array(vec![scoped])),
    ]);
    to_json(&obj(vec![(resource_key, Value::Array(vec![resource]))]))
}

/// An `ExportLogsServiceRequest` body.
pub(crate) fn logs_request(service_name: &str, records: Vec<Value>) -> Vec<u8> {
    export_request(
        service_name,
        ["resourceLogs", "scopeLogs", "logRecords"],
        records,
    )
}

/// An `ExportTraceServiceRequest` body.
pub(crate) fn traces_request(service_name: &str, spans: &[SpanData]) -> Vec<u8> {
    let spans = spans.iter().map(SpanData::to_value).collect();
    export_request(
        service_name,
        ["resourceSpans", "scopeSpans", "spans"],
        spans,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(ts_nanos("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            ts_nanos("2026-11-24T19:57:40.000001Z"),
            Some(1_795_550_260_000_001_000)
        );
        assert_eq!(
            ts_nanos("2000-03-01T00:00:01.5+00:00"),
            Some(951_868_801_500_000_000)
        );
        assert_eq!(ts_nanos("2026-11-24 19:57:40"), None);
        assert_eq!(ts_nanos("2026-13-24T19:57:40Z"), None);
    }

    #[test]
    fn any_values() {
        let v = Value::object([
            ("n", Value::Number(3.0)),
            ("f", Value::Number(0.5)),
            ("a", Value::Array(vec![Value::Bool(true), Value::Null])),
        ]);
        let json = tooltrail_json::canonical_json(&any_value(&v)).unwrap();
        assert_eq!(
            json,
            r#"{"kvlistValue":{"values":[{"key":"n","value":{"intValue":"3"}},{"key":"f","value":{"doubleValue":0.5}},{"key":"a","value":{"arrayValue":{"values":[{"boolValue":true}]}}}]}}"#
        );
    }
}
