//! What a query found ([`Answer`]) and its JSON value: what `--json` prints
//! and what the bindings' `Logs` methods return, one shape for both.

use std::collections::VecDeque;

use super::{
    Gaps, GroupStats, LoopFinding, RunList, RunSummary, SpendReport, StatsBy, StatsReport,
};
use tooltrail_core::gateway::AlertChange;
use tooltrail_json::Value;

/// The result of [`super::execute`], typed for the CLI's tables.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `runs`: the matching runs by start time, compact until printed.
    Runs(RunList),
    /// `show`: the run's events in log order (never empty: an unknown run
    /// is an error).
    Show {
        /// The run asked for.
        run_id: String,
        /// Its events.
        events: Vec<Value>,
    },
    /// `stats` (by tool).
    Stats(StatsReport),
    /// `stats --by model|agent`: one entry per model or agent, costliest first.
    GroupStats {
        /// Models or agents.
        by: StatsBy,
        /// The entries.
        groups: Vec<GroupStats>,
    },
    /// `spend`.
    Spend(SpendReport),
    /// `loops`: most repeated first.
    Loops(Vec<LoopFinding>),
    /// `alerts`: each level change with its time.
    Alerts {
        /// The transitions.
        history: Vec<(String, AlertChange)>,
        /// The rules' window in seconds (the table's footer says it).
        window_s: f64,
    },
    /// `tail`: the last events, oldest first.
    Tail(VecDeque<Value>),
    /// `gaps`: what the logs say is missing from them.
    Gaps(Gaps),
    /// `agent-logs`: the entries, newest first, in their JSON shape.
    AgentLogs(Vec<Value>),
    /// `agent-metrics`: the totals, in their JSON shape.
    AgentMetrics(Value),
}

impl Answer {
    /// The JSON value (`--json`, and the bindings' return value).
    pub fn to_value(&self) -> Value {
        match self {
            Answer::Runs(runs) => Value::Array(runs.iter().map(|r| run_value(&r)).collect()),
            Answer::Show { events, .. } => Value::Array(events.clone()),
            Answer::Stats(report) => stats_value(report),
            Answer::GroupStats { by, groups } => super::group_stats_value(*by, groups),
            Answer::Spend(report) => report.to_value(),
            Answer::Loops(found) => Value::Array(found.iter().map(loop_value).collect()),
            Answer::Alerts { history, .. } => {
                Value::Array(history.iter().map(|(ts, c)| alert_value(ts, c)).collect())
            }
            Answer::Tail(events) => Value::Array(events.iter().cloned().collect()),
            Answer::Gaps(gaps) => gaps.to_value(),
            Answer::AgentLogs(entries) => Value::Array(entries.clone()),
            Answer::AgentMetrics(totals) => totals.clone(),
        }
    }
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn count(n: u64) -> Value {
    Value::Number(n as f64)
}

/// One run of `runs --json` (and of the bindings' `Logs.runs`).
pub fn run_value(r: &RunSummary) -> Value {
    Value::object([
        ("run_id", Value::String(r.run_id.clone())),
        ("start", Value::String(r.start.clone())),
        ("user_id", opt(&r.user_id)),
        ("agent_id", opt(&r.agent_id)),
        ("request_id", opt(&r.request_id)),
        ("tool_calls", count(r.tool_calls)),
        ("errors", count(r.errors)),
        ("refused", count(r.refused)),
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
}

fn stats_value(report: &StatsReport) -> Value {
    let tools = report.tools.iter().map(|t| {
        let errors = t.errors.iter().map(|(k, v)| (k.clone(), count(*v)));
        Value::object([
            ("tool", Value::String(t.tool.clone())),
            ("calls", count(t.calls)),
            ("errors", Value::Object(errors.collect())),
            ("p50_ms", Value::Number(t.latency_ms[0])),
            ("p95_ms", Value::Number(t.latency_ms[1])),
            ("p99_ms", Value::Number(t.latency_ms[2])),
        ])
    });
    let hot = report.hottest.iter().map(|(t, h, n)| {
        Value::object([
            ("tool", Value::String(t.clone())),
            ("args_hash", Value::String(h.clone())),
            ("calls", count(*n)),
        ])
    });
    Value::object([
        ("tools", Value::Array(tools.collect())),
        ("hottest", Value::Array(hot.collect())),
        ("approximate", Value::Bool(report.approximate)),
    ])
}

fn loop_value(f: &LoopFinding) -> Value {
    Value::object([
        ("run_id", Value::String(f.run_id.clone())),
        ("tool", Value::String(f.tool.clone())),
        ("args_hash", Value::String(f.args_hash.clone())),
        ("count", count(f.count)),
        ("blocked", count(f.blocked)),
    ])
}

fn alert_value(ts: &str, c: &AlertChange) -> Value {
    let id = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
    let tripped = c.tripped.as_ref();
    Value::object([
        ("ts", Value::String(ts.to_owned())),
        ("rule", Value::from(c.rule)),
        ("level", Value::from(c.level)),
        ("value", Value::Number(c.value)),
        ("threshold", Value::Number(c.threshold)),
        (
            "tripped_run_id",
            id(tripped.and_then(|t| t.run_id.as_ref())),
        ),
        (
            "tripped_trace_id",
            id(tripped.and_then(|t| t.trace_id.as_ref())),
        ),
    ])
}
