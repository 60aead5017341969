//! The tool-call gateway: everything about a call except running the tool.
//!
//! A binding calls [`Gateway::begin`] (ids, `seq`, budgets, loop guard,
//! hashing, redaction, the `tool_call` event), runs the user's tool, and hands
//! the outcome to [`Gateway::finish`] (latency, `ok`, `error_class`, result,
//! the `tool_result` event, alert transitions). Runs (`start_run` /
//! `end_run`) carry budgets and emit `run_start` / `run_end`. Events come back
//! as [`Event`]s for the binding's logger, in SPEC §4's field order, so both
//! languages write the same bytes.

mod alerts;
mod ctx;
mod ids;
mod line;
mod run;
mod run_scope;
mod types;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard};

pub use alerts::{AlertChange, RULES as ALERT_RULES};

/// Alert rules fed from log history (the CLI's `alerts`), not a live gateway.
#[derive(Debug, Default)]
pub struct AlertReplay(alerts::Alerts);

impl AlertReplay {
    /// Feeds one tool result at time `now_us`; returns level changes.
    pub fn call(
        &mut self,
        c: &Config,
        now_us: i64,
        timeout: bool,
        invalid: bool,
    ) -> Vec<AlertChange> {
        self.0.record_call(now_us, timeout, invalid);
        self.0.evaluate(c, now_us)
    }

    /// Feeds one finished run; returns level changes.
    pub fn run(&mut self, c: &Config, now_us: i64, tool_calls: u64) -> Vec<AlertChange> {
        self.0.record_run(now_us, tool_calls);
        self.0.evaluate(c, now_us)
    }
}
pub use crate::schema::{STOP_REASONS, StopReason};
pub use ctx::{CTX_KEYS, IdArg, RunCtx};
pub(crate) use ids::is_w3c_id;
pub use ids::{
    Clock, IdSource, TraceParent, parse_traceparent, sampled, timestamp_at, traceparent,
};
pub use line::Event;
pub use run::Budget;
pub use types::{CallHandle, Deterministic, GatewayError, Outcome, RunExit};

use crate::config::{Config, Requirement, StoreResults};
use crate::error::CanonError;
use crate::error_class::classify;
use crate::hash::{HashScheme, stable_hash_with};
use crate::redact::Redactor;
use crate::value::Value;
use line::Line;
use run::{LoopVerdict, RunState};

/// The `error_message` when a validator returns false (rather than raising):
/// one string for every language, so both write the same bytes.
pub const VALIDATOR_REJECTED: &str = "validator returned false";

/// Most characters of an error message kept (after redaction).
pub const ERROR_MESSAGE_MAX_CHARS: usize = 500;

/// The gateway core shared by the bindings.
#[derive(Debug)]
pub struct Gateway {
    config: Arc<Config>,
    tools: HashSet<String>,
    redactor: Redactor,
    hash_key: Option<Vec<u8>>,
    ids: IdSource,
    clock: Clock,
    seqs: Mutex<HashMap<String, u64>>,
    runs: Mutex<HashMap<String, Arc<Mutex<RunState>>>>,
    alerts: Mutex<alerts::Alerts>,
    /// The last sampling decision made outside a run (run_id, sampled):
    /// calls outside runs usually repeat one run_id, and the decision is a
    /// SHA-256 of it.
    last_sample: Mutex<Option<(String, bool)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Gateway {
    /// A gateway for the named tools. `hash_key` comes from the environment
    /// variable named by `logging.tool_calls.hash_key_env`, never the file.
    pub fn new(
        config: Config,
        tools: impl IntoIterator<Item = String>,
        hash_key: Option<Vec<u8>>,
        deterministic: Option<Deterministic>,
    ) -> Self {
        let (ids, clock) = match deterministic {
            Some(d) => (
                IdSource::Sequential(AtomicU64::new(0)),
                Clock::Manual(Arc::new(AtomicI64::new(d.start_us))),
            ),
            None => (IdSource::random(), Clock::System),
        };
        Self {
            redactor: Redactor::new(&config.redact_fields),
            config: Arc::new(config),
            tools: tools.into_iter().collect(),
            hash_key,
            ids,
            clock,
            seqs: Mutex::new(HashMap::new()),
            runs: Mutex::new(HashMap::new()),
            alerts: Mutex::new(alerts::Alerts::default()),
            last_sample: Mutex::new(None),
        }
    }

    /// A gateway for the named tools with the configuration's HMAC key (read
    /// from the environment variable `logging.tool_calls.hash_key_env` names).
    pub fn from_config(
        config: Config,
        tools: impl IntoIterator<Item = String>,
        deterministic: Option<Deterministic>,
    ) -> Result<Self, crate::ConfigError> {
        let hash_key = config.hash_key()?;
        Ok(Self::new(config, tools, hash_key, deterministic))
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The clock (tests advance a manual one).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The redactor built from the configuration.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    fn scheme(&self) -> HashScheme {
        if self.hash_key.is_some() {
            HashScheme::HmacSha256
        } else {
            HashScheme::Sha256
        }
    }

    /// The ids every event carries, serialized: `,"run_id":…,"trace_id":…,
    /// "span_id":…,"request_id":…,"user_id":…` (and `agent_id` if set).
    fn common(&self, ctx: &RunCtx, span_id: Option<&str>) -> Vec<u8> {
        let mut line = Line::members();
        line.opt_str("run_id", ctx.run_id.as_deref())
            .opt_str("trace_id", ctx.trace_id.as_deref())
            .opt_str("span_id", span_id)
            .opt_str("request_id", ctx.request_id.as_deref())
            .opt_str("user_id", ctx.user_id.as_deref());
        if let Some(agent) = &self.config.agent_id {
            line.str("agent_id", agent);
        }
        line.into_members()
    }

    /// Whether results of calls in `run_id` are stored.
    fn store_result(&self, run_id: &str, run: Option<&Arc<Mutex<RunState>>>) -> bool {
        let c = &self.config;
        match c.store_results {
            StoreResults::None => false,
            StoreResults::Full => true,
            StoreResults::Sampled => {
                if let Some(run) = run {
                    return lock(run).sampled;
                }
                let mut last = lock(&self.last_sample);
                match last.as_ref() {
                    Some((id, decision)) if id == run_id => *decision,
                    _ => {
                        let decision = sampled(run_id, c.result_sample_rate);
                        *last = Some((run_id.to_owned(), decision));
                        decision
                    }
                }
            }
        }
    }

    fn check_ids(&self, ctx: &RunCtx) -> Result<(), GatewayError> {
        let c = &self.config;
        for (name, value, rule) in [
            ("run_id", &ctx.run_id, c.run_id),
            ("trace_id", &ctx.trace_id, c.trace_id),
            ("request_id", &ctx.request_id, c.request_id),
        ] {
            if rule == Requirement::Required && value.as_deref().is_none_or(str::is_empty) {
                return Err(GatewayError::MissingId(name));
            }
        }
        Ok(())
    }

    /// Starts a call: checks ids, the tool name, the run's budgets and the
    /// loop guard; assigns `seq` and a span; hashes and (if configured) stores
    /// redacted args. Returns the handle and the events to log, or the error
    /// to raise plus the events recording the refusal.
    pub fn begin(
        &self,
        ctx: &RunCtx,
        tool: &str,
        args: Result<Value, CanonError>,
    ) -> Result<(CallHandle, Vec<Event>), (GatewayError, Vec<Event>)> {
        let c = &self.config;
        self.check_ids(ctx).map_err(|e| (e, Vec::new()))?;
        let run_id = ctx.run_id.as_deref().unwrap_or_default();
        let seq = {
            let mut seqs = lock(&self.seqs);
            match seqs.get_mut(run_id) {
                Some(n) => {
                    *n += 1;
                    *n
                }
                None => {
                    seqs.insert(run_id.to_owned(), 1);
                    1
                }
            }
        };
        let run = lock(&self.runs).get(run_id).cloned();
        let span_id = self.ids.span_id();
        let common = self.common(ctx, Some(&span_id));
        let store_result = self.store_result(run_id, run.as_ref());
        let now = self.clock.now_us();
        let mut line = Line::new("tool_call", now);
        line.raw(&common)
            .str("tool", tool)
            .num("seq", seq as f64)
            .opt_str("parent_span_id", ctx.parent_span_id.as_deref());
        let hash = match &args {
            Ok(v) => stable_hash_with(v, self.hash_key.as_deref()),
            Err(e) => Err(e.clone()),
        };
        if c.store_args_hash {
            match &hash {
                Ok(h) => line.plain("args_hash", h),
                Err(e) => {
                    // Principle 1: an unhashable argument never fails the call.
                    line.opt_str("args_hash", None)
                        .value("args_error", &error_value(e))
                }
            };
            line.plain("hash_alg", self.scheme().as_str());
        }
        if c.store_args
            && let Ok(v) = &args
        {
            line.value("args", &self.redactor.redact(v));
        }
        let refusal = if !self.tools.contains(tool) {
            Some(GatewayError::UnknownTool(tool.to_owned()))
        } else if let Some(run) = &run {
            let mut state = lock(run);
            let verdict = match &hash {
                Ok(h) => state.loop_verdict(c, tool, h),
                Err(_) => LoopVerdict::Fine,
            };
            if let Some(budget) = state.exceeded(c, now) {
                state.stop(budget.stop_reason());
                Some(GatewayError::BudgetExceeded(budget))
            } else if let LoopVerdict::Block(count) = verdict {
                state.stop(StopReason::LoopDetected);
                Some(GatewayError::LoopDetected {
                    tool: tool.to_owned(),
                    count,
                })
            } else {
                if let LoopVerdict::Warn(count) = verdict {
                    line.num("loop_count", count as f64);
                }
                state.tool_calls += 1;
                if let Ok(h) = &hash {
                    *state.loops.entry((tool.to_owned(), h.clone())).or_insert(0) += 1;
                }
                None
            }
        } else {
            None
        };
        line.str(
            "decision",
            if refusal.is_none() { "allow" } else { "block" },
        );
        if let Some(e) = &refusal {
            line.bool("ok", false).str("error_class", e.error_class());
        }
        let events: Vec<Event> = if c.tool_calls_enabled {
            vec![line.finish()]
        } else {
            Vec::new()
        };
        match refusal {
            Some(e) => Err((e, events)),
            None => Ok((
                CallHandle {
                    common,
                    tool: tool.to_owned(),
                    seq,
                    start_us: now,
                    store_result,
                    run,
                },
                events,
            )),
        }
    }

    /// Ends a call: latency, `ok`, `error_class`, and the redacted error
    /// message and result where configured; plus any alert transitions.
    pub fn finish(&self, handle: CallHandle, outcome: Outcome) -> Vec<Event> {
        let c = &self.config;
        let now = self.clock.now_us();
        let elapsed_us = (now - handle.start_us).max(0);
        let (class, message) = match &outcome {
            Outcome::Returned(_) => (None, None),
            Outcome::Failed { facts, message } => (Some(classify(facts)), Some(message.as_str())),
            Outcome::Invalid { message } => {
                (Some("validation_failed".to_owned()), Some(message.as_str()))
            }
        };
        if let (Some(run), Some(_)) = (&handle.run, &class) {
            lock(run).errors += 1;
        }
        let mut line = Line::new("tool_result", now);
        line.raw(&handle.common)
            .str("tool", &handle.tool)
            .num("seq", handle.seq as f64)
            // Microsecond precision, printed as a decimal number of milliseconds.
            .num("latency_ms", elapsed_us as f64 / 1000.0)
            .bool("ok", class.is_none());
        let is = |k: &str| class.as_deref() == Some(k);
        let (timeout, invalid) = (is("timeout"), is("validation_failed"));
        if let Some(class) = &class {
            line.str("error_class", class);
        }
        if c.store_error_messages
            && let Some(m) = message
        {
            let redacted = self.redactor.redact_text(m, 0);
            let truncated: String = redacted.chars().take(ERROR_MESSAGE_MAX_CHARS).collect();
            line.str("error_message", &truncated);
        }
        if handle.store_result
            && let Outcome::Returned(result) = &outcome
        {
            match result {
                Ok(v) => line.value("result", &self.redactor.redact(v)),
                Err(e) => line.value("result_error", &error_value(e)),
            };
        }
        let mut events = Vec::new();
        if c.tool_calls_enabled {
            events.push(line.finish());
        }
        let changes = {
            let mut a = lock(&self.alerts);
            a.record_call(now, timeout, invalid);
            a.evaluate(c, now)
        };
        events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
        events
    }

    fn alert_event(&self, ch: &AlertChange, now: i64) -> Event {
        let mut line = Line::new("alert", now);
        line.raw(&self.common(&RunCtx::default(), None))
            .str("rule", ch.rule)
            .str("level", ch.level)
            .num("value", ch.value)
            .num("threshold", ch.threshold)
            .num("window_s", self.config.alert_window_s);
        line.finish()
    }

    /// Re-evaluates alert rules (as windows slide with no new events).
    pub fn check_alerts(&self) -> Vec<Event> {
        let now = self.clock.now_us();
        let changes = lock(&self.alerts).evaluate(&self.config, now);
        changes.iter().map(|ch| self.alert_event(ch, now)).collect()
    }

    /// Current window values and alert levels.
    pub fn metrics(&self) -> Value {
        lock(&self.alerts).snapshot(&self.config, self.clock.now_us())
    }
}

fn error_value(e: &CanonError) -> Value {
    Value::object([
        ("kind", Value::from(e.kind().as_str())),
        ("path", Value::String(e.path().to_string())),
    ])
}
