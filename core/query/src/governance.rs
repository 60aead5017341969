//! Governance queries: what an agent did,
//! `agent_logs(agent_id, limit=50)`, and what it cost and was refused,
//! `agent_metrics(agent_id, period="day")`.
//!
//! An agent is the `agent_id` on every event (`logging.agent_id`); without an
//! `agent_id` option every event counts.

use std::collections::{HashMap, VecDeque};

use super::scan::Fields;
use super::{num_field, parse_timestamp, str_field};
use tooltrail_core::schema::{DECISION_BLOCK, event, field};
use tooltrail_json::Value;

/// `agent_logs`: how many entries when no `limit` is given.
pub const DEFAULT_AGENT_LOG_LIMIT: u64 = 50;

/// The periods `agent_metrics` takes, with their length in seconds
/// (`all`: no limit).
pub const PERIODS: [(&str, Option<i64>); 5] = [
    ("hour", Some(3600)),
    ("day", Some(86_400)),
    ("week", Some(7 * 86_400)),
    ("month", Some(30 * 86_400)),
    ("all", None),
];

/// The agent's tool calls, newest first, at most `limit`: each with `ts`,
/// `run_id`, `seq`, `tool`, `decision`, `args_hash`, `ok` (null while the
/// call has no result in the logs), `latency_ms`, `reason` (the error class
/// of a refused or failed call, else null) and `spend_usd` (the run's spend
/// as its `run_end` reports it; null until the run ends).
pub fn agent_logs(
    events: impl Iterator<Item = Value>,
    agent_id: Option<&str>,
    limit: usize,
) -> Vec<Value> {
    let mut kept: VecDeque<Entry> = VecDeque::new();
    let mut spend: HashMap<String, f64> = HashMap::new();
    if limit == 0 {
        return Vec::new();
    }
    for e in events.filter(|e| of_agent(e, agent_id)) {
        let run = str_field(&e, field::RUN_ID).unwrap_or("");
        match str_field(&e, field::EVENT).unwrap_or("") {
            event::TOOL_CALL => {
                if kept.len() == limit {
                    kept.pop_front();
                }
                kept.push_back(Entry::from_call(&e));
            }
            event::TOOL_RESULT => {
                let seq = num_field(&e, field::SEQ);
                // Results follow their calls closely: look from the newest.
                if let Some(entry) = kept
                    .iter_mut()
                    .rev()
                    .find(|x| x.run_id == run && x.seq == seq && x.ok.is_none())
                {
                    entry.ok = e.get(field::OK).and_then(|v| match v {
                        Value::Bool(b) => Some(*b),
                        _ => None,
                    });
                    entry.latency_ms = num_field(&e, field::LATENCY_MS);
                    if let Some(class) = str_field(&e, field::ERROR_CLASS) {
                        entry.reason = Some(class.to_owned());
                    }
                }
            }
            event::RUN_END => {
                if let Some(s) = num_field(&e, field::SPEND_USD) {
                    spend.insert(run.to_owned(), s);
                }
            }
            _ => {}
        }
    }
    kept.iter()
        .rev()
        .map(|x| x.to_value(spend.get(&x.run_id).copied()))
        .collect()
}

/// The agent's totals over the last `period` (see [`PERIODS`]) before
/// `now_us`: runs started, tool calls that ran, failed ones, refused ones
/// (`blocked_actions`), the spend of runs that ended (`total_spend_usd`),
/// model calls and their tokens, and how runs stopped.
pub fn agent_metrics(
    events: impl Iterator<Item = Value>,
    agent_id: Option<&str>,
    period: &str,
    now_us: i64,
) -> Value {
    let mut totals = Metrics::new(period, now_us);
    events
        .filter(|e| of_agent(e, agent_id))
        .for_each(|e| totals.absorb(&e));
    totals.into_value(agent_id, period)
}

/// `agent_metrics`' totals of some events (of one agent), which add up: a
/// chunk's totals merged into those of the chunks before it are the totals
/// of reading both in order.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Events before this instant (or without one) are not counted.
    since: Option<i64>,
    runs: u64,
    calls: u64,
    errors: u64,
    blocked: u64,
    /// Each ended run's spend, in log order: summed in that order, so the
    /// total is the same to the last bit however the logs were cut.
    spends: Vec<f64>,
    spend: f64,
    model_calls: u64,
    input_tokens: u64,
    output_tokens: u64,
    /// How runs stopped, in the order each reason first came.
    stops: Vec<(String, u64)>,
}

impl Metrics {
    /// Totals over the last `period` before `now_us` (an unknown period
    /// counts everything; the query checks it).
    pub(crate) fn new(period: &str, now_us: i64) -> Self {
        let seconds = PERIODS.iter().find(|p| p.0 == period).and_then(|p| p.1);
        Metrics {
            since: seconds.map(|s| now_us - s * 1_000_000),
            ..Metrics::default()
        }
    }

    /// Counts event `e`.
    pub(crate) fn absorb(&mut self, e: &impl Fields) {
        if let Some(since) = self.since
            && e.str(field::TS)
                .and_then(parse_timestamp)
                .is_none_or(|t| t < since)
        {
            return;
        }
        match e.str(field::EVENT).unwrap_or("") {
            event::RUN_START => self.runs += 1,
            event::TOOL_CALL if e.str(field::DECISION) == Some(DECISION_BLOCK) => self.blocked += 1,
            event::TOOL_CALL => self.calls += 1,
            event::TOOL_RESULT if e.has(field::ERROR_CLASS) => self.errors += 1,
            event::MODEL_CALL => {
                let tokens = |k| e.num(k).map_or(0, |n| n.max(0.0) as u64);
                self.model_calls += 1;
                self.input_tokens += tokens(field::INPUT_TOKENS);
                self.output_tokens += tokens(field::OUTPUT_TOKENS);
            }
            event::RUN_END => {
                self.spends.push(e.num(field::SPEND_USD).unwrap_or(0.0));
                self.stopped(e.str(field::STOP_REASON).unwrap_or("?"), 1);
            }
            _ => {}
        }
    }

    fn stopped(&mut self, reason: &str, n: u64) {
        match self.stops.iter_mut().find(|s| s.0 == reason) {
            Some(s) => s.1 += n,
            None => self.stops.push((reason.to_owned(), n)),
        }
    }

    /// Adds the totals of the events after these.
    pub(crate) fn merge(&mut self, later: Metrics) {
        self.runs += later.runs;
        self.calls += later.calls;
        self.errors += later.errors;
        self.blocked += later.blocked;
        self.spends.extend(later.spends);
        self.model_calls += later.model_calls;
        self.input_tokens += later.input_tokens;
        self.output_tokens += later.output_tokens;
        for (reason, n) in later.stops {
            self.stopped(&reason, n);
        }
        self.sum_spends();
    }

    /// Adds the run spends waiting in order to the total (in log order, as
    /// the line reader sums them), so what waits here stays small.
    fn sum_spends(&mut self) {
        self.spend = self.spends.drain(..).fold(self.spend, |sum, s| sum + s);
    }

    /// The answer: `agent_metrics`' value.
    pub(crate) fn into_value(mut self, agent_id: Option<&str>, period: &str) -> Value {
        self.sum_spends();
        let count = |n: u64| Value::Number(n as f64);
        Value::object([
            ("agent_id", agent_id.map_or(Value::Null, Value::from)),
            ("period", Value::from(period)),
            (
                "since",
                self.since.map_or(Value::Null, |s| {
                    Value::String(tooltrail_core::gateway::timestamp_at(s))
                }),
            ),
            ("runs", count(self.runs)),
            ("tool_calls", count(self.calls)),
            ("errors", count(self.errors)),
            ("blocked_actions", count(self.blocked)),
            ("total_spend_usd", Value::Number(self.spend)),
            ("model_calls", count(self.model_calls)),
            ("input_tokens", count(self.input_tokens)),
            ("output_tokens", count(self.output_tokens)),
            (
                "stop_reasons",
                Value::Object(self.stops.into_iter().map(|(k, n)| (k, count(n))).collect()),
            ),
        ])
    }
}

/// Whether event `e` is agent `agent_id`'s (every event when `None`).
pub(super) fn of_agent(e: &impl Fields, agent_id: Option<&str>) -> bool {
    agent_id.is_none_or(|a| e.str(field::AGENT_ID) == Some(a))
}

/// One tool call while the logs are read.
pub(crate) struct Entry {
    ts: Value,
    pub(crate) run_id: String,
    seq: Option<f64>,
    tool: Value,
    decision: Value,
    args_hash: Value,
    pub(crate) ok: Option<bool>,
    pub(crate) latency_ms: Option<f64>,
    pub(crate) reason: Option<String>,
}

impl Entry {
    pub(crate) fn from_call(e: &Value) -> Self {
        let get = |k: &str| e.get(k).cloned().unwrap_or(Value::Null);
        let blocked = str_field(e, field::DECISION) == Some(DECISION_BLOCK);
        Self {
            ts: get(field::TS),
            run_id: str_field(e, field::RUN_ID).unwrap_or("").to_owned(),
            seq: num_field(e, field::SEQ),
            tool: get(field::TOOL),
            decision: get(field::DECISION),
            args_hash: get(field::ARGS_HASH),
            // A refused call never runs: it is over, not ok.
            ok: blocked.then_some(false),
            latency_ms: None,
            reason: blocked
                .then(|| str_field(e, field::ERROR_CLASS).map(str::to_owned))
                .flatten(),
        }
    }

    pub(crate) fn to_value(&self, spend: Option<f64>) -> Value {
        let num = |v: Option<f64>| v.map_or(Value::Null, Value::Number);
        Value::object([
            ("ts", self.ts.clone()),
            ("run_id", Value::String(self.run_id.clone())),
            ("seq", num(self.seq)),
            ("tool", self.tool.clone()),
            ("decision", self.decision.clone()),
            ("args_hash", self.args_hash.clone()),
            ("ok", self.ok.map_or(Value::Null, Value::Bool)),
            ("latency_ms", num(self.latency_ms)),
            (
                "reason",
                self.reason.clone().map_or(Value::Null, Value::String),
            ),
            ("spend_usd", num(spend)),
        ])
    }
}
