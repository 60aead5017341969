//! Runs: `run_start` / `run_end`, budgets and the loop guard.

use crate::schema::field;
use std::collections::HashMap;

use crate::config::Config;
use crate::schema::StopReason;
use tooltrail_json::Value;

/// Which budget refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// `budgets.max_tool_calls`
    ToolCalls,
    /// `budgets.max_steps`
    Steps,
    /// `budgets.max_duration_s`
    Duration,
    /// `budgets.max_spend_usd`
    Spend,
    /// `budgets.max_input_tokens`
    InputTokens,
    /// `budgets.max_output_tokens`
    OutputTokens,
}

impl Budget {
    /// The configuration key.
    pub const fn key(self) -> &'static str {
        match self {
            Budget::ToolCalls => field::MAX_TOOL_CALLS,
            Budget::Steps => field::MAX_STEPS,
            Budget::Duration => field::MAX_DURATION_S,
            Budget::Spend => field::MAX_SPEND_USD,
            Budget::InputTokens => field::MAX_INPUT_TOKENS,
            Budget::OutputTokens => field::MAX_OUTPUT_TOKENS,
        }
    }

    /// The stop reason a run gets when this budget ends it.
    pub const fn stop_reason(self) -> StopReason {
        match self {
            Budget::ToolCalls => StopReason::MaxToolCalls,
            Budget::Steps => StopReason::MaxSteps,
            Budget::Duration => StopReason::MaxDuration,
            // Tokens are what model spend is made of: the stop reasons are a
            // closed list, and the error and `run_end.budgets` name the limit.
            Budget::Spend | Budget::InputTokens | Budget::OutputTokens => StopReason::MaxSpend,
        }
    }
}

/// A run's live counters, held by the gateway while the run is open.
#[derive(Debug)]
pub(crate) struct RunState {
    /// The run's ids, serialized once (`,"run_id":…,"user_id":…`).
    pub(crate) common: super::common_ids::CommonIds,
    /// The run's own agent (its calls that name none are its).
    pub(crate) agent_id: Option<String>,
    /// Whether this run's results are sampled (decided once per run).
    pub(crate) sampled: bool,
    pub(crate) start_us: i64,
    pub(crate) tool_calls: u64,
    pub(crate) errors: u64,
    /// Calls refused before they ran (unknown tool, budget, loop guard).
    pub(crate) refused: u64,
    pub(crate) steps: u64,
    pub(crate) spend_usd: f64,
    /// The part of `spend_usd` that priced model calls cost (the rest was
    /// added with `add_spend`).
    pub(crate) model_spend_usd: f64,
    /// Model calls recorded (`model_call`), and how many had no cost.
    pub(crate) model_calls: u64,
    pub(crate) unpriced_model_calls: u64,
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    /// The loop guard's counts: tool -> args hash -> calls. Nested so a
    /// lookup borrows both strings (a `(String, String)` key took four
    /// allocations per call) and each tool's name is stored once.
    pub(crate) loops: HashMap<String, HashMap<String, u64>>,
    pub(crate) stop_reason: Option<StopReason>,
    /// The fork generation of the process that opened the run
    /// ([`crate::fork::generation`]): a forked child does not count its
    /// calls into its parent's copy of the run.
    pub(crate) generation: u64,
}

/// What the loop guard says about one more identical call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoopVerdict {
    /// Below the warning threshold.
    Fine,
    /// The n-th identical call: allowed, flagged.
    Warn(u64),
    /// The n-th identical call: refused.
    Block(u64),
}

impl RunState {
    /// The first budget this run would exceed by making one more call.
    pub(crate) fn exceeded(&self, c: &Config, now_us: i64) -> Option<Budget> {
        let elapsed_s = (now_us - self.start_us) as f64 / 1e6;
        if c.max_duration_s.is_some_and(|max| elapsed_s > max) {
            return Some(Budget::Duration);
        }
        if c.max_tool_calls.is_some_and(|max| self.tool_calls >= max) {
            return Some(Budget::ToolCalls);
        }
        if let Some(budget) = self.spend_exceeded(c) {
            return Some(budget);
        }
        if c.max_steps.is_some_and(|max| self.steps > max) {
            return Some(Budget::Steps);
        }
        None
    }

    /// The first spend budget (USD, input or output tokens) this run has
    /// used up: the next tool or model call is refused.
    pub(crate) fn spend_exceeded(&self, c: &Config) -> Option<Budget> {
        if c.max_spend_usd.is_some_and(|max| self.spend_usd >= max) {
            return Some(Budget::Spend);
        }
        if c.max_input_tokens
            .is_some_and(|max| self.input_tokens >= max)
        {
            return Some(Budget::InputTokens);
        }
        if c.max_output_tokens
            .is_some_and(|max| self.output_tokens >= max)
        {
            return Some(Budget::OutputTokens);
        }
        None
    }

    /// The loop guard's verdict for one more `(tool, args_hash)` call.
    pub(crate) fn loop_verdict(&self, c: &Config, tool: &str, hash: &str) -> LoopVerdict {
        let Some(guard) = c.loop_guard else {
            return LoopVerdict::Fine;
        };
        let n = self
            .loops
            .get(tool)
            .and_then(|calls| calls.get(hash))
            .copied()
            .unwrap_or(0)
            + 1;
        if n >= guard.block_after {
            LoopVerdict::Block(n)
        } else if n >= guard.warn_after {
            LoopVerdict::Warn(n)
        } else {
            LoopVerdict::Fine
        }
    }

    /// Counts one more `(tool, args_hash)` call for the loop guard.
    pub(crate) fn count_call(&mut self, tool: &str, hash: &str) {
        let Some(calls) = self.loops.get_mut(tool) else {
            let calls = HashMap::from([(hash.to_owned(), 1)]);
            self.loops.insert(tool.to_owned(), calls);
            return;
        };
        match calls.get_mut(hash) {
            Some(n) => *n += 1,
            None => {
                calls.insert(hash.to_owned(), 1);
            }
        }
    }

    /// Records the first reason the run must stop for.
    pub(crate) fn stop(&mut self, reason: StopReason) {
        self.stop_reason.get_or_insert(reason);
    }

    /// `budgets` of `run_end`: each configured limit with what was used.
    pub(crate) fn usage(&self, c: &Config, now_us: i64) -> Value {
        let entry = |limit: f64, used: f64| {
            Value::object([
                (field::LIMIT, Value::Number(limit)),
                (field::USED, Value::Number(used)),
            ])
        };
        let mut m = Vec::new();
        if let Some(max) = c.max_tool_calls {
            m.push((
                field::MAX_TOOL_CALLS.to_owned(),
                entry(max as f64, self.tool_calls as f64),
            ));
        }
        if let Some(max) = c.max_steps {
            m.push((
                field::MAX_STEPS.to_owned(),
                entry(max as f64, self.steps as f64),
            ));
        }
        if let Some(max) = c.max_duration_s {
            let used = ((now_us - self.start_us) as f64 / 1e3).round() / 1e3;
            m.push((field::MAX_DURATION_S.to_owned(), entry(max, used)));
        }
        if let Some(max) = c.max_spend_usd {
            m.push((field::MAX_SPEND_USD.to_owned(), entry(max, self.spend_usd)));
        }
        if let Some(max) = c.max_input_tokens {
            let used = self.input_tokens as f64;
            m.push((field::MAX_INPUT_TOKENS.to_owned(), entry(max as f64, used)));
        }
        if let Some(max) = c.max_output_tokens {
            let used = self.output_tokens as f64;
            m.push((field::MAX_OUTPUT_TOKENS.to_owned(), entry(max as f64, used)));
        }
        Value::Object(m)
    }
}

/// `budgets` of `run_start`: the limits in force.
pub(crate) fn limits(c: &Config) -> Value {
    let mut m = Vec::new();
    if let Some(v) = c.max_tool_calls {
        m.push((field::MAX_TOOL_CALLS.to_owned(), Value::Number(v as f64)));
    }
    if let Some(v) = c.max_steps {
        m.push((field::MAX_STEPS.to_owned(), Value::Number(v as f64)));
    }
    if let Some(v) = c.max_duration_s {
        m.push((field::MAX_DURATION_S.to_owned(), Value::Number(v)));
    }
    if let Some(v) = c.max_spend_usd {
        m.push((field::MAX_SPEND_USD.to_owned(), Value::Number(v)));
    }
    if let Some(v) = c.max_input_tokens {
        m.push((field::MAX_INPUT_TOKENS.to_owned(), Value::Number(v as f64)));
    }
    if let Some(v) = c.max_output_tokens {
        m.push((field::MAX_OUTPUT_TOKENS.to_owned(), Value::Number(v as f64)));
    }
    if let Some(g) = c.loop_guard {
        m.push((
            field::LOOP_GUARD.to_owned(),
            Value::object([
                (field::WARN_AFTER, Value::Number(g.warn_after as f64)),
                (field::BLOCK_AFTER, Value::Number(g.block_after as f64)),
            ]),
        ));
    }
    Value::Object(m)
}
