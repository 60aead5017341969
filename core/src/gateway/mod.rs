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
mod ids;
mod run;
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
pub use ids::{Clock, IdSource, TraceParent, sampled, timestamp_at};
pub use run::{Budget, STOP_REASONS};
pub use types::{CallHandle, Deterministic, Event, GatewayError, Outcome, RunCtx, RunExit};

use crate::config::{Config, Requirement, StoreResults};
use crate::error::CanonError;
use crate::error_class::classify;
use crate::hash::{HashScheme, stable_hash_with};
use crate::redact::Redactor;
use crate::value::Value;
use run::{LoopVerdict, RunState};

/// The `error_message` when a validator returns false (rather than raising):
/// one string for every language, so both write the same bytes.
pub const VALIDATOR_REJECTED: &str = "validator returned false";

/// Most characters of an error message kept (after redaction).
pub const ERROR_MESSAGE_MAX_CHARS: usize = 500;

type Fields = Vec<(String, Value)>;

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
}

fn s(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |x| Value::String(x.clone()))
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
        }
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

    fn common(&self, ctx: &RunCtx, span_id: String) -> Fields {
        let mut common = vec![
            ("run_id".to_owned(), s(&ctx.run_id)),
            ("trace_id".to_owned(), s(&ctx.trace_id)),
            ("span_id".to_owned(), Value::String(span_id)),
            ("request_id".to_owned(), s(&ctx.request_id)),
            ("user_id".to_owned(), s(&ctx.user_id)),
        ];
        if let Some(agent) = &self.config.agent_id {
            common.push(("agent_id".into(), Value::String(agent.clone())));
        }
        common
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

    /// An event stamped with `at_us`: the instant the gateway measured from,
    /// so a `tool_call`'s `ts` plus its `latency_ms` is its `tool_result`'s.
    fn event(&self, name: &'static str, at_us: i64, common: &Fields, rest: Fields) -> Event {
        let mut f = Vec::with_capacity(common.len() + rest.len() + 1);
        f.push(("ts".to_owned(), Value::String(timestamp_at(at_us))));
        f.extend(common.iter().cloned());
        f.extend(rest);
        Event {
            name,
            fields: Value::Object(f),
        }
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
        let run_id = ctx.run_id.clone().unwrap_or_default();
        let seq = {
            let mut seqs = lock(&self.seqs);
            let n = seqs.entry(run_id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let run = lock(&self.runs).get(&run_id).cloned();
        let common = self.common(ctx, self.ids.span_id());
        let store_result = match c.store_results {
            StoreResults::None => false,
            StoreResults::Full => true,
            StoreResults::Sampled => sampled(&run_id, c.result_sample_rate),
        };
        let now = self.clock.now_us();
        let mut f: Fields = vec![
            ("tool".into(), Value::String(tool.to_owned())),
            ("seq".into(), Value::Number(seq as f64)),
            ("parent_span_id".into(), s(&ctx.parent_span_id)),
        ];
        let hash = match &args {
            Ok(v) => stable_hash_with(v, self.hash_key.as_deref()),
            Err(e) => Err(e.clone()),
        };
        if c.store_args_hash {
            match &hash {
                Ok(h) => f.push(("args_hash".into(), Value::String(h.clone()))),
                Err(e) => {
                    // Principle 1: an unhashable argument never fails the call.
                    f.push(("args_hash".into(), Value::Null));
                    f.push(("args_error".into(), error_value(e)));
                }
            }
            f.push(("hash_alg".into(), Value::from(self.scheme().as_str())));
        }
        if c.store_args
            && let Ok(v) = &args
        {
            f.push(("args".into(), self.redactor.redact(v)));
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
                state.stop("loop_detected");
                Some(GatewayError::LoopDetected {
                    tool: tool.to_owned(),
                    count,
                })
            } else {
                if let LoopVerdict::Warn(count) = verdict {
                    f.push(("loop_count".into(), Value::Number(count as f64)));
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
        f.push((
            "decision".into(),
            Value::from(if refusal.is_none() { "allow" } else { "block" }),
        ));
        if let Some(e) = &refusal {
            f.push(("ok".into(), Value::Bool(false)));
            f.push(("error_class".into(), Value::from(e.error_class())));
        }
        let events: Vec<Event> = if c.tool_calls_enabled {
            vec![self.event("tool_call", now, &common, f)]
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
        let mut f: Fields = vec![
            ("tool".into(), Value::String(handle.tool.clone())),
            ("seq".into(), Value::Number(handle.seq as f64)),
            // Microsecond precision, printed as a decimal number of milliseconds.
            (
                "latency_ms".into(),
                Value::Number(elapsed_us as f64 / 1000.0),
            ),
            ("ok".into(), Value::Bool(class.is_none())),
        ];
        let is = |k: &str| class.as_deref() == Some(k);
        let (timeout, invalid) = (is("timeout"), is("validation_failed"));
        if let Some(class) = class {
            f.push(("error_class".into(), Value::String(class)));
        }
        if c.store_error_messages
            && let Some(m) = message
        {
            let redacted = self.redactor.redact_text(m, 0);
            f.push((
                "error_message".into(),
                Value::String(redacted.chars().take(ERROR_MESSAGE_MAX_CHARS).collect()),
            ));
        }
        if handle.store_result
            && let Outcome::Returned(result) = &outcome
        {
            match result {
                Ok(v) => f.push(("result".into(), self.redactor.redact(v))),
                Err(e) => f.push(("result_error".into(), error_value(e))),
            }
        }
        let mut events = Vec::new();
        if c.tool_calls_enabled {
            events.push(self.event("tool_result", now, &handle.common, f));
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
        let common = self.common(&RunCtx::default(), String::new());
        let mut common: Fields = common
            .into_iter()
            .map(|(k, v)| {
                if k == "span_id" {
                    (k, Value::Null)
                } else {
                    (k, v)
                }
            })
            .collect();
        common.extend([
            ("rule".to_owned(), Value::from(ch.rule)),
            ("level".to_owned(), Value::from(ch.level)),
            ("value".to_owned(), Value::Number(ch.value)),
            ("threshold".to_owned(), Value::Number(ch.threshold)),
            (
                "window_s".to_owned(),
                Value::Number(self.config.alert_window_s),
            ),
        ]);
        self.event("alert", now, &common, Vec::new())
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

    /// Opens a run: generates missing run and trace ids, gives the run its own
    /// span, registers its budgets. Returns the context calls in the run use
    /// (its `parent_span_id` is the run's span) and the `run_start` event.
    pub fn start_run(&self, ctx: &RunCtx) -> Result<(RunCtx, Vec<Event>), GatewayError> {
        let mut ctx = ctx.clone();
        if ctx.run_id.as_deref().is_none_or(str::is_empty) {
            ctx.run_id = Some(self.ids.trace_id());
        }
        if ctx.trace_id.as_deref().is_none_or(str::is_empty) {
            ctx.trace_id = Some(self.ids.trace_id());
        }
        self.check_ids(&ctx)?;
        let run_id = ctx.run_id.clone().unwrap_or_default();
        let run_span = self.ids.span_id();
        let common = self.common(&ctx, run_span.clone());
        let start_us = self.clock.now_us();
        let state = RunState {
            common: common.clone(),
            start_us,
            tool_calls: 0,
            errors: 0,
            steps: 0,
            spend_usd: 0.0,
            loops: HashMap::new(),
            stop_reason: None,
        };
        lock(&self.runs).insert(run_id, Arc::new(Mutex::new(state)));
        let event = self.event(
            "run_start",
            start_us,
            &common,
            vec![
                ("parent_span_id".into(), s(&ctx.parent_span_id)),
                ("budgets".into(), run::limits(&self.config)),
            ],
        );
        ctx.parent_span_id = Some(run_span);
        Ok((ctx, vec![event]))
    }

    fn open_run(&self, run_id: &str) -> Result<Arc<Mutex<RunState>>, GatewayError> {
        lock(&self.runs)
            .get(run_id)
            .cloned()
            .ok_or_else(|| GatewayError::UnknownRun(run_id.to_owned()))
    }

    /// Marks one agent step; past `max_steps` the run stops and this errs.
    pub fn step(&self, run_id: &str) -> Result<u64, GatewayError> {
        let run = self.open_run(run_id)?;
        let mut state = lock(&run);
        state.steps += 1;
        if self.config.max_steps.is_some_and(|max| state.steps > max) {
            state.stop(Budget::Steps.stop_reason());
            return Err(GatewayError::BudgetExceeded(Budget::Steps));
        }
        Ok(state.steps)
    }

    /// Adds spend (USD) reported by a tool or the agent; returns the total.
    pub fn add_spend(&self, run_id: &str, usd: f64) -> Result<f64, GatewayError> {
        let run = self.open_run(run_id)?;
        let mut state = lock(&run);
        if usd.is_finite() && usd > 0.0 {
            state.spend_usd += usd;
        }
        Ok(state.spend_usd)
    }

    /// Sets the stop reason explicitly (the first one set wins).
    pub fn stop_run(&self, run_id: &str, reason: &str) -> Result<(), GatewayError> {
        let reason = STOP_REASONS
            .iter()
            .find(|r| **r == reason)
            .ok_or_else(|| GatewayError::UnknownStopReason(reason.to_owned()))?;
        let run = self.open_run(run_id)?;
        lock(&run).stop(reason);
        Ok(())
    }

    /// Closes a run and returns `run_end` (plus alert transitions). Without an
    /// explicit or budget stop reason, a normal exit is `completed`, a raised
    /// one `error`, a cancelled one `cancelled`.
    pub fn end_run(&self, run_id: &str, exit: RunExit) -> Result<Vec<Event>, GatewayError> {
        let run = lock(&self.runs)
            .remove(run_id)
            .ok_or_else(|| GatewayError::UnknownRun(run_id.to_owned()))?;
        lock(&self.seqs).remove(run_id);
        let now = self.clock.now_us();
        let state = lock(&run);
        let reason = state.stop_reason.unwrap_or(match exit {
            RunExit::Normal => "completed",
            RunExit::Raised => "error",
            RunExit::Cancelled => "cancelled",
        });
        let mut events = vec![self.event(
            "run_end",
            now,
            &state.common,
            vec![
                ("stop_reason".into(), Value::from(reason)),
                (
                    "duration_ms".into(),
                    Value::Number((now - state.start_us) as f64 / 1000.0),
                ),
                ("tool_calls".into(), Value::Number(state.tool_calls as f64)),
                ("errors".into(), Value::Number(state.errors as f64)),
                ("steps".into(), Value::Number(state.steps as f64)),
                ("spend_usd".into(), Value::Number(state.spend_usd)),
                ("budgets".into(), state.usage(&self.config, now)),
            ],
        )];
        let changes = {
            let mut a = lock(&self.alerts);
            a.record_run(now, state.tool_calls);
            a.evaluate(&self.config, now)
        };
        events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
        Ok(events)
    }
}

fn error_value(e: &CanonError) -> Value {
    Value::object([
        ("kind", Value::from(e.kind().as_str())),
        ("path", Value::String(e.path().to_string())),
    ])
}
