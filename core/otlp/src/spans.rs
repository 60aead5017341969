//! Spans from the event stream: a tool call becomes `execute_tool {tool}`
//! (OpenTelemetry GenAI semantic conventions) when its `tool_result` arrives
//! (or at once when it was refused); a run becomes `invoke_agent` at
//! `run_end`, the parent of its tool spans. What a closing event lacks (the
//! call's parent span and `args_hash`, the run's incoming parent) is kept from
//! the opening event in small bounded maps.

use std::collections::{HashMap, VecDeque};

use super::encode::{Fields, SpanData, field, hex_id, number, text, ts_nanos};
use tooltrail_core::schema::{DECISION_BLOCK, StopReason, event, field as f};
use tooltrail_json::Value;

/// Most open calls and runs remembered; the oldest is forgotten first (its
/// span is still exported when it closes, without a parent).
const MAX_OPEN: usize = 65_536;

/// A map that forgets its oldest entries past a bound.
struct Bounded<T> {
    map: HashMap<String, T>,
    order: VecDeque<String>,
}

impl<T> Bounded<T> {
    fn new() -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn insert(&mut self, key: &str, value: T) {
        while self.map.len() >= MAX_OPEN {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            self.map.remove(&old);
        }
        // Keys removed by `take` stay in `order`; compact so it stays bounded.
        if self.order.len() >= 2 * MAX_OPEN {
            self.order.retain(|k| self.map.contains_key(k));
        }
        self.order.push_back(key.to_owned());
        self.map.insert(key.to_owned(), value);
    }

    fn take(&mut self, key: &str) -> Option<T> {
        self.map.remove(key)
    }
}

struct OpenCall {
    parent: Option<String>,
    args_hash: Option<Value>,
    hash_alg: Option<Value>,
}

struct OpenRun {
    parent: Option<String>,
    start: u64,
}

/// Builds spans from events, in stream order.
pub(crate) struct SpanBuilder {
    calls: Bounded<OpenCall>,
    runs: Bounded<OpenRun>,
}

fn ms_to_nanos(ms: Option<f64>) -> u64 {
    ms.filter(|m| m.is_finite() && *m > 0.0)
        .map_or(0, |m| (m * 1_000_000.0) as u64)
}

fn owned(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

impl SpanBuilder {
    pub(crate) fn new() -> Self {
        Self {
            calls: Bounded::new(),
            runs: Bounded::new(),
        }
    }

    /// Takes one event; returns the span it completes, if any.
    pub(crate) fn observe(&mut self, ev: &Fields) -> Option<SpanData> {
        let trace = hex_id(text(ev, f::TRACE_ID), 32)?;
        let span = hex_id(text(ev, f::SPAN_ID), 16)?;
        let ts = text(ev, f::TS).and_then(ts_nanos)?;
        match text(ev, f::EVENT)? {
            event::RUN_START => {
                let parent = owned(hex_id(text(ev, f::PARENT_SPAN_ID), 16));
                self.runs.insert(span, OpenRun { parent, start: ts });
                None
            }
            event::RUN_END => {
                let open = self.runs.take(span);
                let start = open.as_ref().map_or_else(
                    || ts.saturating_sub(ms_to_nanos(number(ev, f::DURATION_MS))),
                    |r| r.start.min(ts),
                );
                Some(run_span(
                    ev,
                    trace,
                    span,
                    open.and_then(|r| r.parent),
                    start,
                    ts,
                ))
            }
            event::TOOL_CALL => {
                let open = OpenCall {
                    parent: owned(hex_id(text(ev, f::PARENT_SPAN_ID), 16)),
                    args_hash: field(ev, f::ARGS_HASH).cloned(),
                    hash_alg: field(ev, f::HASH_ALG).cloned(),
                };
                if text(ev, f::DECISION) == Some(DECISION_BLOCK) {
                    // A refused call has no tool_result: its span is an
                    // instant, failed with the refusal's class.
                    return Some(tool_span(ev, trace, span, open, ts, ts));
                }
                self.calls.insert(span, open);
                None
            }
            event::TOOL_RESULT => {
                let open = self.calls.take(span).unwrap_or(OpenCall {
                    parent: None,
                    args_hash: None,
                    hash_alg: None,
                });
                let start = ts.saturating_sub(ms_to_nanos(number(ev, f::LATENCY_MS)));
                Some(tool_span(ev, trace, span, open, start, ts))
            }
            _ => None,
        }
    }
}

fn copy(ev: &Fields, attrs: &mut Vec<(String, Value)>, pairs: &[(&str, &str)]) {
    for (from, to) in pairs {
        if let Some(v) = field(ev, from) {
            attrs.push(((*to).to_owned(), v.clone()));
        }
    }
}

fn tool_span(
    ev: &Fields,
    trace: &str,
    span: &str,
    open: OpenCall,
    start: u64,
    end: u64,
) -> SpanData {
    let tool = text(ev, f::TOOL).unwrap_or("unknown");
    let str_val = |s: &str| Value::String(s.to_owned());
    let mut attrs = vec![
        ("gen_ai.operation.name".to_owned(), str_val("execute_tool")),
        ("gen_ai.tool.name".to_owned(), str_val(tool)),
        // tooltrail's id of one call is its span: tool_call and tool_result share it.
        ("gen_ai.tool.call.id".to_owned(), str_val(span)),
    ];
    copy(ev, &mut attrs, &[(f::AGENT_ID, "gen_ai.agent.id")]);
    let failed = field(ev, f::OK) == Some(&Value::Bool(false));
    let class = text(ev, f::ERROR_CLASS).unwrap_or("_OTHER");
    if failed {
        attrs.push(("error.type".to_owned(), str_val(class)));
    }
    if let Some(hash) = open.args_hash {
        attrs.push(("tooltrail.args_hash".to_owned(), hash));
    }
    if let Some(alg) = open.hash_alg {
        attrs.push(("tooltrail.hash_alg".to_owned(), alg));
    }
    copy(
        ev,
        &mut attrs,
        &[
            (f::RUN_ID, "tooltrail.run_id"),
            (f::REQUEST_ID, "tooltrail.request_id"),
            (f::SEQ, "tooltrail.seq"),
            (f::DECISION, "tooltrail.decision"),
            (f::LATENCY_MS, "tooltrail.latency_ms"),
        ],
    );
    SpanData {
        trace_id: trace.to_owned(),
        span_id: span.to_owned(),
        parent_span_id: open.parent,
        name: format!("execute_tool {tool}"),
        start_nanos: start,
        end_nanos: end,
        attributes: attrs,
        error: failed.then(|| class.to_owned()),
    }
}

fn run_span(
    ev: &Fields,
    trace: &str,
    span: &str,
    parent: Option<String>,
    start: u64,
    end: u64,
) -> SpanData {
    let agent = text(ev, f::AGENT_ID);
    let mut attrs = vec![(
        "gen_ai.operation.name".to_owned(),
        Value::String("invoke_agent".into()),
    )];
    copy(ev, &mut attrs, &[(f::AGENT_ID, "gen_ai.agent.id")]);
    let reason = text(ev, f::STOP_REASON);
    // A run that did not complete (error, budget, loop guard, …) is failed,
    // with the stop reason as its error type.
    let failed = reason.filter(|r| *r != StopReason::Completed.as_str());
    if let Some(r) = failed {
        attrs.push(("error.type".to_owned(), Value::String(r.to_owned())));
    }
    copy(
        ev,
        &mut attrs,
        &[
            (f::RUN_ID, "tooltrail.run_id"),
            (f::REQUEST_ID, "tooltrail.request_id"),
            (f::USER_ID, "tooltrail.user_id"),
            (f::STOP_REASON, "tooltrail.stop_reason"),
            (f::TOOL_CALLS, "tooltrail.tool_calls"),
            (f::ERRORS, "tooltrail.errors"),
            (f::SPEND_USD, "tooltrail.spend_usd"),
        ],
    );
    SpanData {
        trace_id: trace.to_owned(),
        span_id: span.to_owned(),
        parent_span_id: parent,
        name: agent.map_or_else(
            || "invoke_agent".to_owned(),
            |a| format!("invoke_agent {a}"),
        ),
        start_nanos: start,
        end_nanos: end,
        attributes: attrs,
        error: failed.map(str::to_owned),
    }
}
