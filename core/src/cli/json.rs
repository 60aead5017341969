//! The `--json` values of the queries, shared by the CLI and the bindings'
//! query API (`cli::query`).

use super::{alert_config, events, run_filter};
use crate::query;
use crate::value::Value;

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

pub(super) fn runs_json(runs: &[query::RunSummary]) -> Value {
    let items = runs.iter().map(|r| {
        Value::object([
            ("run_id", Value::String(r.run_id.clone())),
            ("start", Value::String(r.start.clone())),
            ("user_id", opt(&r.user_id)),
            ("request_id", opt(&r.request_id)),
            ("tool_calls", Value::Number(r.tool_calls as f64)),
            ("errors", Value::Number(r.errors as f64)),
            ("stop_reason", opt(&r.stop_reason)),
            (
                "duration_ms",
                r.duration_ms.map_or(Value::Null, Value::Number),
            ),
            ("spend_usd", r.spend_usd.map_or(Value::Null, Value::Number)),
            (
                "error_classes",
                Value::Array(r.error_classes.iter().cloned().map(Value::String).collect()),
            ),
        ])
    });
    Value::Array(items.collect())
}

pub(super) fn stats_json(report: &query::StatsReport) -> Value {
    let tools = report.tools.iter().map(|t| {
        Value::object([
            ("tool", Value::String(t.tool.clone())),
            ("calls", Value::Number(t.calls as f64)),
            (
                "errors",
                Value::Object(
                    t.errors
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::Number(*v as f64)))
                        .collect(),
                ),
            ),
            ("p50_ms", Value::Number(t.latency_ms[0])),
            ("p95_ms", Value::Number(t.latency_ms[1])),
            ("p99_ms", Value::Number(t.latency_ms[2])),
        ])
    });
    let hot = report.hottest.iter().map(|(t, h, n)| {
        Value::object([
            ("tool", Value::String(t.clone())),
            ("args_hash", Value::String(h.clone())),
            ("calls", Value::Number(*n as f64)),
        ])
    });
    Value::object([
        ("tools", Value::Array(tools.collect())),
        ("hottest", Value::Array(hot.collect())),
        ("approximate", Value::Bool(report.approximate)),
    ])
}

pub(super) fn loops_json(found: &[query::LoopFinding]) -> Value {
    let items = found.iter().map(|f| {
        Value::object([
            ("run_id", Value::String(f.run_id.clone())),
            ("tool", Value::String(f.tool.clone())),
            ("args_hash", Value::String(f.args_hash.clone())),
            ("count", Value::Number(f.count as f64)),
            ("blocked", Value::Number(f.blocked as f64)),
        ])
    });
    Value::Array(items.collect())
}

pub(super) fn alerts_json(history: &[(String, crate::gateway::AlertChange)]) -> Value {
    let items = history.iter().map(|(ts, c)| {
        Value::object([
            ("ts", Value::String(ts.clone())),
            ("rule", Value::from(c.rule)),
            ("level", Value::from(c.level)),
            ("value", Value::Number(c.value)),
            ("threshold", Value::Number(c.threshold)),
        ])
    });
    Value::Array(items.collect())
}

/// The value `--json` prints for `runs`, `show`, `stats`, `loops` and
/// `alerts`, for the bindings' query API: `args` as on the command line.
pub fn query(args: &[String]) -> Result<Value, String> {
    let a = super::parse_args(args)?;
    match a.command.as_str() {
        "runs" => Ok(runs_json(&query::runs(
            events(&a.path(0))?,
            &run_filter(&a),
        ))),
        "show" => {
            let run_id = a.positional.first().ok_or("show needs a RUN_ID")?;
            Ok(Value::Array(query::timeline(events(&a.path(1))?, run_id)))
        }
        "stats" => {
            let report = query::stats(events(&a.path(0))?, a.number("--top", 10)? as usize);
            Ok(stats_json(&report))
        }
        "loops" => Ok(loops_json(&query::loops(
            events(&a.path(0))?,
            a.number("--min", 3)?,
        ))),
        "alerts" => Ok(alerts_json(&query::alert_history(
            events(&a.path(0))?,
            &alert_config(&a)?,
        ))),
        other => Err(format!(
            "{other:?} is not a query (runs, show, stats, loops, alerts)"
        )),
    }
}
