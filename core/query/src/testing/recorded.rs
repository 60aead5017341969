//! What a [`Recorder`](super) holds, read back: the recorded events in log
//! order and the views a test asserts on (runs, calls, tool sequences,
//! argument hashes, failures). Run summaries come from the query code
//! (`query::runs`), so a test and `tooltrail runs` agree.

use crate::{RunFilter, RunSummary, num_field, runs, str_field};
use tooltrail_core::schema::{event, field};
use tooltrail_json::Value;
use tooltrail_json::parse_json;

/// The recorded events, parsed from the recorder's JSONL bytes.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    lines: Vec<String>,
    events: Vec<Value>,
}

impl Recorded {
    /// Parses `\n`-terminated JSONL lines (what the file sink would hold).
    /// A line that is not a JSON object is skipped (the writer never makes one).
    pub fn from_lines(bytes: &[u8]) -> Self {
        let (lines, events) = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(|l| match parse_json(l) {
                Ok(v @ Value::Object(_)) => Some((String::from_utf8_lossy(l).into_owned(), v)),
                _ => None,
            })
            .unzip();
        Self { lines, events }
    }

    /// The lines of one run (every line when `run_id` is `None`), exactly as
    /// written, without their `\n`.
    pub fn lines<'a>(&'a self, run_id: Option<&'a str>) -> impl Iterator<Item = &'a str> + 'a {
        self.lines
            .iter()
            .zip(&self.events)
            .filter(move |(_, e)| run_id.is_none_or(|id| str_field(e, field::RUN_ID) == Some(id)))
            .map(|(l, _)| l.as_str())
    }

    /// Every event, in the order it was logged.
    pub fn events(&self) -> &[Value] {
        &self.events
    }

    /// The events of one run (every event when `run_id` is `None`).
    pub fn scope<'a>(&'a self, run_id: Option<&'a str>) -> impl Iterator<Item = &'a Value> + 'a {
        self.events
            .iter()
            .filter(move |e| run_id.is_none_or(|id| str_field(e, field::RUN_ID) == Some(id)))
    }

    /// Run ids in the order their first event was logged.
    fn run_order(&self) -> Vec<&str> {
        let mut order: Vec<&str> = Vec::new();
        for id in self
            .events
            .iter()
            .filter_map(|e| str_field(e, field::RUN_ID))
        {
            if !order.contains(&id) {
                order.push(id);
            }
        }
        order
    }

    /// One summary per run, in the order the runs started (recording order:
    /// a deterministic clock gives every run the same start time).
    pub fn runs(&self) -> Vec<RunSummary> {
        let mut all = runs(self.events.iter().cloned(), &RunFilter::default());
        self.run_order()
            .into_iter()
            .filter_map(|id| {
                let i = all.iter().position(|r| r.run_id == id)?;
                Some(all.swap_remove(i))
            })
            .collect()
    }

    /// The run that started last.
    pub fn last_run_id(&self) -> Option<&str> {
        self.run_order().pop()
    }

    /// One run's summary (`None`: no event of that run was recorded).
    pub fn run(&self, run_id: &str) -> Option<RunSummary> {
        runs(self.scope(Some(run_id)).cloned(), &RunFilter::default()).pop()
    }

    /// Each `tool_call` (of one run, or all) joined with its `tool_result`
    /// (same span): `run_id`, `seq`, `tool`, `decision`, `args_hash`, `args`
    /// when logged, `ok` (`null` while the call is in flight), `error_class`,
    /// `error_message`, `latency_ms`, `result` when logged. `tool` filters.
    pub fn calls(&self, run_id: Option<&str>, tool: Option<&str>) -> Vec<Value> {
        let scoped: Vec<&Value> = self.scope(run_id).collect();
        scoped
            .iter()
            .filter(|e| str_field(e, field::EVENT) == Some(event::TOOL_CALL))
            .filter(|e| tool.is_none_or(|t| str_field(e, field::TOOL) == Some(t)))
            .map(|call| {
                let result = scoped.iter().find(|e| {
                    str_field(e, field::EVENT) == Some(event::TOOL_RESULT)
                        && e.get(field::SPAN_ID) == call.get(field::SPAN_ID)
                        && e.get(field::RUN_ID) == call.get(field::RUN_ID)
                });
                call_value(call, result.copied())
            })
            .collect()
    }

    /// The tools called, in order (refused calls included: the agent asked).
    pub fn tool_sequence(&self, run_id: Option<&str>) -> Vec<String> {
        self.scope(run_id)
            .filter(|e| str_field(e, field::EVENT) == Some(event::TOOL_CALL))
            .filter_map(|e| str_field(e, field::TOOL).map(str::to_owned))
            .collect()
    }

    /// Each call's `args_hash`, in order (`null` for arguments with no hash).
    pub fn args_hashes(&self, run_id: Option<&str>) -> Vec<Value> {
        self.scope(run_id)
            .filter(|e| str_field(e, field::EVENT) == Some(event::TOOL_CALL))
            .map(|e| e.get(field::ARGS_HASH).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The calls that failed or were refused (`ok: false`), as [`calls`](Self::calls).
    pub fn errors(&self, run_id: Option<&str>) -> Vec<Value> {
        self.calls(run_id, None)
            .into_iter()
            .filter(|c| c.get(field::OK) == Some(&Value::Bool(false)))
            .collect()
    }
}

fn call_value(call: &Value, result: Option<&Value>) -> Value {
    let from = |e: Option<&Value>, key: &str| e.and_then(|e| e.get(key)).cloned();
    let blocked = str_field(call, field::DECISION) == Some(tooltrail_core::schema::DECISION_BLOCK);
    // A refused call has no result: its `tool_call` says `ok: false`.
    let outcome = if blocked { Some(call) } else { result };
    let mut m: Vec<(String, Value)> = Vec::new();
    let mut put = |k: &str, v: Option<Value>| m.push((k.to_owned(), v.unwrap_or(Value::Null)));
    put(field::RUN_ID, from(Some(call), field::RUN_ID));
    put(field::SEQ, from(Some(call), field::SEQ));
    put(field::TOOL, from(Some(call), field::TOOL));
    put(field::DECISION, from(Some(call), field::DECISION));
    put(field::ARGS_HASH, from(Some(call), field::ARGS_HASH));
    put(field::OK, from(outcome, field::OK));
    put(field::ERROR_CLASS, from(outcome, field::ERROR_CLASS));
    put(field::ERROR_MESSAGE, from(outcome, field::ERROR_MESSAGE));
    put(
        field::LATENCY_MS,
        result
            .and_then(|r| num_field(r, field::LATENCY_MS))
            .map(Value::Number),
    );
    for (key, source) in [(field::ARGS, Some(call)), (field::RESULT, result)] {
        if let Some(v) = from(source, key) {
            m.push((key.to_owned(), v));
        }
    }
    Value::Object(m)
}

/// A run summary as a value: the `runs` query's keys (one definition, in
/// `query::run_value`) plus `tools`.
pub fn run_value(r: &RunSummary) -> Value {
    let mut v = crate::run_value(r);
    if let Value::Object(members) = &mut v {
        let tools = r.tools.iter().cloned().map(Value::String).collect();
        members.push(("tools".to_owned(), Value::Array(tools)));
    }
    v
}
