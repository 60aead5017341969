//! `agent_logs` read in chunks on every core: the answer of
//! [`agent_logs`](super::agent_logs) reading every event in order.
//!
//! A result belongs to the newest call of its run and `seq` that has no
//! result yet (`ok` neither true nor false). Each chunk matches its results
//! to its own calls; a result with no such call in its chunk is carried to
//! the merge, which gives it to the calls of the chunks before, in log
//! order. Only a chunk's last `limit` calls are kept (a call with `limit`
//! calls after it is never listed), each with its line as written, parsed
//! only when the answer is made.

use std::collections::{HashMap, VecDeque};

use tooltrail_core::schema::{DECISION_BLOCK, event, field};
use tooltrail_json::{Value, parse_json};

use super::events::Absorb;
use super::governance::{Entry, of_agent};
use super::scan::Fields;

/// A call's run and `seq` (by value: `-0.0` is `0.0`).
type Key = (String, Option<u64>);

fn key(e: &impl Fields) -> Key {
    let run = e.str(field::RUN_ID).unwrap_or("").to_owned();
    (run, e.num(field::SEQ).map(|s| (s + 0.0).to_bits()))
}

/// What a result says of its call.
struct Outcome {
    key: Key,
    ok: Option<bool>,
    latency_ms: Option<f64>,
    reason: Option<String>,
}

impl Outcome {
    fn of(e: &impl Fields) -> Self {
        Outcome {
            key: key(e),
            ok: e.bool(field::OK),
            latency_ms: e.num(field::LATENCY_MS),
            reason: e.str(field::ERROR_CLASS).map(str::to_owned),
        }
    }
}

/// One of the last calls, as written, and what its results said.
struct Call {
    line: Vec<u8>,
    key: Key,
    ok: Option<bool>,
    latency_ms: Option<f64>,
    reason: Option<String>,
}

impl Call {
    fn take(&mut self, o: &Outcome) {
        self.ok = o.ok;
        self.latency_ms = o.latency_ms;
        if let Some(class) = &o.reason {
            self.reason = Some(class.clone());
        }
    }
}

/// An agent's last calls: one chunk's, or the merge of the chunks before.
#[derive(Default)]
pub(crate) struct AgentLogPart {
    /// The calls seen.
    calls: u64,
    /// The last `limit` of them, oldest first (numbers `calls - len..calls`).
    kept: VecDeque<Call>,
    /// The chunk's calls with no result yet, by key, newest last.
    open: HashMap<Key, Vec<u64>>,
    /// The chunk's results that found no open call of the chunk before them.
    carried: Vec<Outcome>,
    /// Each run's spend as its last `run_end` gives it.
    spend: HashMap<String, f64>,
}

/// `agent_logs` over chunks: agent `agent`'s last `limit` calls.
pub(crate) struct AgentLog<'q> {
    pub(crate) agent: Option<&'q str>,
    pub(crate) limit: usize,
}

impl Absorb for AgentLog<'_> {
    type Part = AgentLogPart;

    fn part(&self, _first: bool) -> AgentLogPart {
        AgentLogPart::default()
    }

    fn absorb(&self, _part: &mut AgentLogPart, _e: &impl Fields) {
        unreachable!("agent logs keep lines: absorb_line")
    }

    fn absorb_line(&self, p: &mut AgentLogPart, e: &impl Fields, line: &[u8]) {
        if self.limit == 0 || !of_agent(e, self.agent) {
            return;
        }
        match e.str(field::EVENT).unwrap_or("") {
            event::TOOL_CALL => {
                let n = p.calls;
                p.calls += 1;
                // A refused call never runs: it is over, not ok.
                let blocked = e.str(field::DECISION) == Some(DECISION_BLOCK);
                let call = Call {
                    line: line.to_vec(),
                    key: key(e),
                    ok: blocked.then_some(false),
                    latency_ms: None,
                    reason: blocked
                        .then(|| e.str(field::ERROR_CLASS).map(str::to_owned))
                        .flatten(),
                };
                if !blocked {
                    p.open.entry(call.key.clone()).or_default().push(n);
                }
                p.kept.push_back(call);
                if p.kept.len() > self.limit {
                    p.kept.pop_front();
                }
            }
            event::TOOL_RESULT => {
                let o = Outcome::of(e);
                let Some(open) = p.open.get_mut(&o.key) else {
                    p.carried.push(o);
                    return;
                };
                let n = *open.last().expect("not empty");
                if o.ok.is_some() {
                    open.pop();
                    // Only calls waiting for a result stay: a few per run.
                    if open.is_empty() {
                        p.open.remove(&o.key);
                    }
                }
                let first_kept = p.calls - p.kept.len() as u64;
                if let Some(i) = n.checked_sub(first_kept) {
                    p.kept[i as usize].take(&o);
                }
            }
            event::RUN_END => {
                if let Some(s) = e.num(field::SPEND_USD) {
                    let run = e.str(field::RUN_ID).unwrap_or("");
                    p.spend.insert(run.to_owned(), s);
                }
            }
            _ => {}
        }
    }
}

impl AgentLogPart {
    /// Adds the chunk after these (`limit`: the calls listed).
    pub(crate) fn merge(&mut self, later: AgentLogPart, limit: usize) {
        // Results the later chunk could not place go to the newest call
        // before it that has none: among the last calls, or to none listed.
        for o in &later.carried {
            let mut before = self.kept.iter_mut().rev();
            if let Some(call) = before.find(|c| c.key == o.key && c.ok.is_none()) {
                call.take(o);
            }
        }
        self.calls += later.calls;
        self.kept.extend(later.kept);
        while self.kept.len() > limit {
            self.kept.pop_front();
        }
        self.spend.extend(later.spend);
    }

    /// The answer: the calls newest first, as `agent_logs` lists them.
    pub(crate) fn finish(self) -> Vec<Value> {
        let spend = self.spend;
        self.kept
            .into_iter()
            .rev()
            .map(|call| {
                let e = parse_json(&call.line).expect("an event when read");
                let mut entry = Entry::from_call(&e);
                (entry.ok, entry.latency_ms) = (call.ok, call.latency_ms);
                entry.reason = call.reason;
                entry.to_value(spend.get(&entry.run_id).copied())
            })
            .collect()
    }
}
