//! Golden-run snapshots: recorded events with their volatile fields replaced,
//! one JSON object per line in the log's own field order, so a snapshot
//! written by a Python test is byte for byte the one a Node test compares.
//!
//! | field | becomes |
//! | --- | --- |
//! | `ts` | `"<ts>"` |
//! | `run_id` | `"<run:N>"`, N by first appearance in the snapshot |
//! | `trace_id` | `"<trace:N>"` |
//! | `span_id`, `parent_span_id` | `"<span:N>"` (one numbering, so parents still point at their run) |
//! | `latency_ms` | `"<latency>"` |
//! | `duration_ms`, `budgets.max_duration_s.used` | `"<duration>"` |
//!
//! Everything else (tools, `seq`, `args_hash`, stored arguments and results,
//! `ok`, `error_class`, messages, stop reasons, counts, spend) is kept.

use std::path::Path;

use tooltrail_core::Error;
use tooltrail_core::schema::field;
use tooltrail_json::Value;
use tooltrail_json::write_ordered;

/// The environment variable that makes a snapshot check rewrite the file
/// instead of comparing (`TOOLTRAIL_UPDATE_SNAPSHOTS=1`).
pub const UPDATE_ENV: &str = "TOOLTRAIL_UPDATE_SNAPSHOTS";

/// The replacement for `ts`.
pub const TS: &str = "<ts>";
/// The replacement for `latency_ms`.
pub const LATENCY: &str = "<latency>";
/// The replacement for `duration_ms` and the duration budget's `used`.
pub const DURATION: &str = "<duration>";

/// Numbers ids by first appearance (`<span:1>`, `<span:2>`, …).
#[derive(Default)]
struct Ids(Vec<String>);

impl Ids {
    fn label(&mut self, kind: &str, id: &str) -> Value {
        let n = match self.0.iter().position(|x| x == id) {
            Some(i) => i + 1,
            None => {
                self.0.push(id.to_owned());
                self.0.len()
            }
        };
        Value::String(format!("<{kind}:{n}>"))
    }
}

#[derive(Default)]
struct Normalizer {
    runs: Ids,
    traces: Ids,
    spans: Ids,
}

impl Normalizer {
    fn event(&mut self, e: &Value) -> Value {
        let Value::Object(members) = e else {
            return e.clone();
        };
        let out = members.iter().map(|(k, v)| {
            let new = match (k.as_str(), v) {
                (field::TS, _) => Value::from(TS),
                (field::LATENCY_MS, Value::Number(_)) => Value::from(LATENCY),
                (field::DURATION_MS, Value::Number(_)) => Value::from(DURATION),
                (field::RUN_ID, Value::String(id)) => self.runs.label("run", id),
                (field::TRACE_ID, Value::String(id)) => self.traces.label("trace", id),
                (field::SPAN_ID | field::PARENT_SPAN_ID, Value::String(id)) => {
                    self.spans.label("span", id)
                }
                (field::BUDGETS, Value::Object(_)) => budgets(v),
                _ => v.clone(),
            };
            (k.clone(), new)
        });
        Value::Object(out.collect())
    }
}

/// `budgets` with the elapsed time of the duration budget replaced.
fn budgets(v: &Value) -> Value {
    let Value::Object(members) = v else {
        return v.clone();
    };
    let out = members.iter().map(|(k, b)| match (k.as_str(), b) {
        (field::MAX_DURATION_S, Value::Object(entry)) => {
            let entry = entry.iter().map(|(ek, ev)| match ek.as_str() {
                field::USED => (ek.clone(), Value::from(DURATION)),
                _ => (ek.clone(), ev.clone()),
            });
            (k.clone(), Value::Object(entry.collect()))
        }
        _ => (k.clone(), b.clone()),
    });
    Value::Object(out.collect())
}

/// The snapshot text of `events`: each event normalized (see the module
/// docs), written compactly in its own field order, one per line.
pub fn snapshot_text<'a>(events: impl IntoIterator<Item = &'a Value>) -> String {
    let mut norm = Normalizer::default();
    let mut out = Vec::new();
    for e in events {
        // Recorded events came from valid lines; they always serialize.
        if write_ordered(&norm.event(e), &mut out).is_ok() {
            out.push(b'\n');
        }
    }
    String::from_utf8(out).expect("JSON output is UTF-8")
}

/// What [`check_snapshot`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotStatus {
    /// There was no file: it was written (commit it).
    Created,
    /// The file holds exactly these events.
    Matched,
    /// `TOOLTRAIL_UPDATE_SNAPSHOTS` was set: the file was rewritten.
    Updated,
}

impl SnapshotStatus {
    /// `created`, `matched` or `updated`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SnapshotStatus::Created => "created",
            SnapshotStatus::Matched => "matched",
            SnapshotStatus::Updated => "updated",
        }
    }
}

/// Whether the environment asks for snapshots to be rewritten.
pub fn update_requested() -> bool {
    std::env::var(UPDATE_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` (a [`snapshot_text`]) with the file at `path`: writes
/// it when the file does not exist (or `update` is set), else an
/// [`Error::SnapshotMismatch`] that shows the first differing lines.
pub fn check_snapshot(path: &Path, actual: &str, update: bool) -> Result<SnapshotStatus, Error> {
    let io_error = |e: std::io::Error| {
        Error::invalid_argument("path", format!("snapshot {}: {e}", path.display()))
    };
    let expected = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(e)),
    };
    let status = match &expected {
        Some(bytes) if bytes == actual.as_bytes() => return Ok(SnapshotStatus::Matched),
        Some(_) if update => SnapshotStatus::Updated,
        Some(bytes) => {
            return Err(Error::SnapshotMismatch {
                path: path.display().to_string(),
                diff: first_difference(&String::from_utf8_lossy(bytes), actual),
            });
        }
        None => SnapshotStatus::Created,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_error)?;
    }
    std::fs::write(path, actual).map_err(io_error)?;
    Ok(status)
}

/// The first line where the snapshot and the recording differ, both sides.
fn first_difference(expected: &str, actual: &str) -> String {
    let (exp, act): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let i = exp
        .iter()
        .zip(&act)
        .position(|(a, b)| a != b)
        .unwrap_or(exp.len().min(act.len()));
    let show = |lines: &[&str]| {
        lines
            .get(i)
            .copied()
            .unwrap_or("(no more events)")
            .to_owned()
    };
    format!(
        "event {} differs ({} events in the snapshot, {} recorded)\n  snapshot: {}\n  recorded: {}",
        i + 1,
        exp.len(),
        act.len(),
        show(&exp),
        show(&act)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tooltrail_json::parse_json;

    fn ev(text: &str) -> Value {
        parse_json(text.as_bytes()).unwrap()
    }

    #[test]
    fn volatile_fields_are_replaced_and_ids_numbered() {
        let events = [
            ev(
                r#"{"v":1,"ts":"2026-01-01T00:00:00.000001Z","event":"run_start","run_id":"r-9","trace_id":"ab","span_id":"s1","parent_span_id":null}"#,
            ),
            ev(
                r#"{"v":1,"ts":"x","event":"tool_call","run_id":"r-9","trace_id":"ab","span_id":"s7","seq":1,"parent_span_id":"s1","args_hash":"h"}"#,
            ),
            ev(
                r#"{"v":1,"ts":"x","event":"tool_result","run_id":"r-9","span_id":"s7","latency_ms":3.25,"ok":true}"#,
            ),
            ev(
                r#"{"v":1,"ts":"x","event":"run_end","run_id":"r-9","duration_ms":4,"budgets":{"max_duration_s":{"limit":5,"used":0.004},"max_steps":{"limit":2,"used":1}}}"#,
            ),
        ];
        let text = snapshot_text(&events);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"v":1,"ts":"<ts>","event":"run_start","run_id":"<run:1>","trace_id":"<trace:1>","span_id":"<span:1>","parent_span_id":null}"#
        );
        assert_eq!(
            lines[1],
            r#"{"v":1,"ts":"<ts>","event":"tool_call","run_id":"<run:1>","trace_id":"<trace:1>","span_id":"<span:2>","seq":1,"parent_span_id":"<span:1>","args_hash":"h"}"#
        );
        assert!(lines[2].contains(r#""span_id":"<span:2>","latency_ms":"<latency>""#));
        assert!(lines[3].contains(r#""duration_ms":"<duration>","budgets":{"max_duration_s":{"limit":5,"used":"<duration>"},"max_steps":{"limit":2,"used":1}}"#));
    }

    #[test]
    fn a_snapshot_is_created_then_compared_then_updated() {
        let dir = std::env::temp_dir().join(format!("tt-snap-{}", std::process::id()));
        let path = dir.join("nested").join("run.jsonl");
        let _ = std::fs::remove_dir_all(&dir);
        let a = "{\"a\":1}\n{\"b\":2}\n";
        assert_eq!(
            check_snapshot(&path, a, false).unwrap(),
            SnapshotStatus::Created
        );
        assert_eq!(
            check_snapshot(&path, a, false).unwrap(),
            SnapshotStatus::Matched
        );
        let b = "{\"a\":1}\n{\"b\":3}\n";
        let err = check_snapshot(&path, b, false).unwrap_err();
        assert_eq!(err.code(), tooltrail_core::ErrorCode::SnapshotMismatch);
        let text = err.to_string();
        assert!(
            text.contains("event 2 differs") && text.contains("{\"b\":3}"),
            "{text}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            a,
            "a mismatch never rewrites"
        );
        assert_eq!(
            check_snapshot(&path, b, true).unwrap(),
            SnapshotStatus::Updated
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), b);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
