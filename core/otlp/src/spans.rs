//! Spans from the event stream: a tool call becomes `execute_tool {tool}`
//! (OpenTelemetry GenAI semantic conventions) when its `tool_result` arrives
//! (or at once when it was refused); a model step becomes `chat {model}` at
//! its `model_call`; a run becomes `invoke_agent` at `run_end`, the parent of
//! its tool and chat spans. What a closing event lacks (the call's parent
//! span and `args_hash`, the run's incoming parent) is kept from the opening
//! event in small bounded maps.

use std::collections::{HashMap, VecDeque};

use super::encode::{Fields, SpanData, SpanKind, field, hex_id, number, text, ts_nanos};
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
            event::MODEL_CALL => {
                // Written once, when the step ends, with everything the span
                // needs: nothing to remember. No latency: an instant.
                let start = ts.saturating_sub(ms_to_nanos(number(ev, f::LATENCY_MS)));
                Some(chat_span(ev, trace, span, start, ts))
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

/// Like [`copy`], numbers only: a count or cost that is null was not
/// reported, and no attribute should say otherwise.
fn copy_numbers(ev: &Fields, attrs: &mut Vec<(String, Value)>, pairs: &[(&str, &str)]) {
    for (from, to) in pairs {
        if let Some(n) = number(ev, from) {
            attrs.push(((*to).to_owned(), Value::Number(n)));
        }
    }
}

/// For a failed call (`ok: false`): `error.type` = its `error_class`
/// (`_OTHER`, the semconv fallback, when it has none), and that class as
/// the span's error message.
fn failure(ev: &Fields, attrs: &mut Vec<(String, Value)>) -> Option<String> {
    if field(ev, f::OK) != Some(&Value::Bool(false)) {
        return None;
    }
    let class = text(ev, f::ERROR_CLASS).unwrap_or("_OTHER");
    attrs.push(("error.type".to_owned(), Value::String(class.to_owned())));
    Some(class.to_owned())
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
    let error = failure(ev, &mut attrs);
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
        // semconv: execute_tool spans SHOULD be INTERNAL.
        kind: SpanKind::Internal,
        start_nanos: start,
        end_nanos: end,
        attributes: attrs,
        error,
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
        // The agent runs in this process (semconv: INTERNAL, not CLIENT).
        kind: SpanKind::Internal,
        start_nanos: start,
        end_nanos: end,
        attributes: attrs,
        error: failed.map(str::to_owned),
    }
}

/// The names of the tools a model step asked for, in order. Their ids stay
/// out (the model's ids name no span here); the event has no arguments.
fn requested_tools(ev: &Fields) -> Vec<Value> {
    let Some(Value::Array(calls)) = field(ev, f::TOOL_CALLS) else {
        return Vec::new();
    };
    calls
        .iter()
        .filter_map(|call| call.get(f::NAME))
        .filter(|name| matches!(name, Value::String(_)))
        .cloned()
        .collect()
}

fn chat_span(ev: &Fields, trace: &str, span: &str, start: u64, end: u64) -> SpanData {
    let model = text(ev, f::MODEL);
    let str_val = |s: &str| Value::String(s.to_owned());
    let mut attrs = vec![("gen_ai.operation.name".to_owned(), str_val("chat"))];
    // `model` is the model the step was recorded with; which model answered
    // (gen_ai.response.model) is not in the event, so it is left out, not guessed.
    copy(
        ev,
        &mut attrs,
        &[
            (f::MODEL, "gen_ai.request.model"),
            // The current semconv name; gen_ai.system is its deprecated predecessor.
            (f::PROVIDER, "gen_ai.provider.name"),
            (f::AGENT_ID, "gen_ai.agent.id"),
        ],
    );
    copy_numbers(
        ev,
        &mut attrs,
        &[
            (f::INPUT_TOKENS, "gen_ai.usage.input_tokens"),
            (f::OUTPUT_TOKENS, "gen_ai.usage.output_tokens"),
            // Parts of the two counts above, as semconv defines these two.
            (
                f::CACHED_INPUT_TOKENS,
                "gen_ai.usage.cache_read.input_tokens",
            ),
            (f::REASONING_TOKENS, "gen_ai.usage.reasoning.output_tokens"),
        ],
    );
    if let Some(reason) = text(ev, f::FINISH_REASON) {
        // One model_call is one generation: one reason.
        let reasons = Value::Array(vec![str_val(reason)]);
        attrs.push(("gen_ai.response.finish_reasons".to_owned(), reasons));
    }
    let error = failure(ev, &mut attrs);
    copy(
        ev,
        &mut attrs,
        &[
            (f::RUN_ID, "tooltrail.run_id"),
            (f::REQUEST_ID, "tooltrail.request_id"),
            (f::STEP, "tooltrail.step"),
        ],
    );
    copy_numbers(
        ev,
        &mut attrs,
        &[
            (f::COST_USD, "tooltrail.cost_usd"),
            (f::LATENCY_MS, "tooltrail.latency_ms"),
        ],
    );
    let tools = requested_tools(ev);
    // An empty list says no more than its absence.
    if !tools.is_empty() {
        attrs.push(("tooltrail.requested_tools".to_owned(), Value::Array(tools)));
    }
    SpanData {
        trace_id: trace.to_owned(),
        span_id: span.to_owned(),
        parent_span_id: owned(hex_id(text(ev, f::PARENT_SPAN_ID), 16)),
        name: model.map_or_else(|| "chat".to_owned(), |m| format!("chat {m}")),
        // semconv: a call to a model service is a CLIENT span.
        kind: SpanKind::Client,
        start_nanos: start,
        end_nanos: end,
        attributes: attrs,
        error,
    }
}
