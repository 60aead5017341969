//! The tool-call gateway: everything about a call except running the tool.
//!
//! A binding calls [`Gateway::begin`] (ids, `seq`, budgets, loop guard,
//! hashing, redaction, the `tool_call` event), runs the user's tool, and hands
//! the outcome to [`Gateway::finish`] (latency, `ok`, `error_class`, result,
//! the `tool_result` event, alert transitions). Runs (`start_run` /
//! `end_run`) carry budgets and emit `run_start` / `run_end`. Events come back
//! as [`Event`]s for the binding's logger, in each event's fixed field order, so both
//! languages write the same bytes.

mod alert_window;
mod alerts;
mod common_ids;
mod ctx;
mod finish;
mod ids;
mod incident;
mod line;
mod model;
mod model_args;
mod model_usage;
mod packed;
mod records;
mod run;
mod run_scope;
mod seqs;
mod stored;
mod timeouts;
mod types;

use crate::schema::field;
// foldhash (seeded per process, as hashbrown's default): three lookups per call
// (tool, run, seq) cost 350 instructions with SipHash.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use crate::schema::ALERT_RULES;
pub use crate::schema::{STOP_REASONS, StopReason};
pub use alerts::{AlertChange, AlertEngine, Sample, Tripped, added_spend_usd};
pub use common_ids::SpanId;
pub use ctx::{CTX_KEYS, IdArg, RunCtx, outgoing_traceparent};

pub use ids::{
    Clock, IdSource, TraceParent, is_w3c_id, parse_traceparent, sampled, timestamp_at, traceparent,
};
pub use incident::MAX_WINDOW_S;
pub use line::{Event, Events};
pub use model_args::{KeyStyle, ModelCall, RequestedTool};
pub use run::Budget;
pub use stored::{MAX_STORED_BYTES, TRUNCATED};
pub use timeouts::{MAX_TIMEOUT_MS, TimeoutUnit, host_timeouts, timeouts_from};
pub use types::{
    CallArgs, CallHandle, CallLink, Deterministic, GatewayError, Outcome, RunExit, Validation,
};

use crate::config::{Config, Requirement, StoreResults};
use crate::redact::Redactor;
use common_ids::{CommonIds, LastIds};
use records::{ArgsHash, CallFacts};
use run::{LoopVerdict, RunState};
use tooltrail_json::CanonError;
use tooltrail_json::HashScheme;
use tooltrail_json::Value;

/// The `error_message` when a validator returns false (rather than raising):
/// one string for every language, so both write the same bytes.
pub const VALIDATOR_REJECTED: &str = "validator returned false";

/// Most characters of an error message kept (after redaction).
pub const ERROR_MESSAGE_MAX_CHARS: usize = 500;

/// The gateway core shared by the bindings.
#[derive(Debug)]
pub struct Gateway {
    config: Arc<Config>,
    tools: HashSet<Arc<str>>,
    /// Tools added after construction (`add_tool`: the bindings' wrappers);
    /// read only when `tools` misses, so the usual call takes no lock.
    added_tools: RwLock<HashSet<Arc<str>>>,
    redactor: Redactor,
    hash_key: Option<Arc<[u8]>>,
    ids: IdSource,
    clock: Clock,
    seqs: Mutex<seqs::Seqs>,
    runs: Mutex<HashMap<String, Arc<Mutex<RunState>>>>,
    /// The fork generation the gateway was made in; a call in another
    /// (a forked child) checks whether its run is the parent's.
    generation: u64,
    /// In a forked child: the parent's run id → (the child's generation,
    /// the child's own run for it). See [`Gateway::forked_run`].
    forked: Mutex<HashMap<String, (u64, RunCtx)>>,
    alerts: Mutex<AlertEngine>,
    /// Whether any alert rule is on: with none, results are not counted.
    alerts_on: bool,
    /// The last sampling decision made outside a run (run_id, sampled):
    /// calls outside runs usually repeat one run_id, and the decision is a
    /// SHA-256 of it.
    last_sample: Mutex<Option<(String, bool)>>,
    /// The ids of the last context serialized by `common`.
    last_ids: Mutex<Option<LastIds>>,
    /// Whether any run was started with its own `agent_id`.
    run_agents: AtomicBool,
    /// The incident window: args stored (redacted) until an instant.
    incident: incident::IncidentWindow,
    /// Per-tool timeouts (µs) the bindings enforce on async tools; a call
    /// that returns after its tool's timeout is marked (`deadline_ms`).
    timeouts: HashMap<String, i64>,
    /// Refuse a call with no run and no ctx (`missing_id`) instead of
    /// opening an implicit run for it ([`Gateway::implicit_run`]).
    strict: bool,
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
        let alerts_on = config.alert_rules().iter().any(Option::is_some);
        let incident = incident::IncidentWindow::new(config.store_args_until_us, clock.now_us());
        Self {
            redactor: Redactor::from_config(&config),
            config: Arc::new(config),
            tools: tools.into_iter().map(Arc::from).collect(),
            added_tools: RwLock::new(HashSet::new()),
            hash_key: hash_key.map(Arc::from),
            ids,
            clock,
            seqs: Mutex::new(seqs::Seqs::default()),
            runs: Mutex::new(HashMap::new()),
            generation: crate::fork::generation(),
            forked: Mutex::new(HashMap::new()),
            alerts: Mutex::new(AlertEngine::default()),
            alerts_on,
            incident,
            run_agents: AtomicBool::new(false),
            last_sample: Mutex::new(None),
            last_ids: Mutex::new(None),
            timeouts: HashMap::new(),
            strict: false,
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

    /// Adds a tool the gateway admits (a binding's `wrap` of a function the
    /// gateway was not built with). Adding a known name does nothing.
    pub fn add_tool(&self, name: &str) {
        if !self.knows_tool(name) {
            let mut added = self.added_tools.write().unwrap_or_else(|e| e.into_inner());
            added.insert(Arc::from(name));
        }
    }

    /// Whether calls to `name` may run (it was given at construction or added).
    pub fn knows_tool(&self, name: &str) -> bool {
        self.tool_name(name).is_some()
    }

    /// The gateway's own copy of a known tool's name (shared by the call's
    /// handle and events, so a call copies no name).
    fn tool_name(&self, name: &str) -> Option<Arc<str>> {
        match self.tools.get(name) {
            Some(known) => Some(Arc::clone(known)),
            None => self
                .added_tools
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(name)
                .cloned(),
        }
    }

    /// Sets the tools' timeouts (µs). The bindings enforce them on async
    /// tools (cancellation, `error_class: timeout`); a sync tool cannot be
    /// interrupted, so a call that returns after its timeout is logged as it
    /// happened, `ok` with `deadline_ms` and `deadline_exceeded: true`.
    pub fn set_timeouts(&mut self, timeouts: impl IntoIterator<Item = (String, i64)>) {
        self.timeouts = timeouts.into_iter().filter(|(_, us)| *us >= 0).collect();
    }

    /// Sets whether a call with no run and no ctx is refused (`strict`)
    /// rather than logged under an implicit run (the default).
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// Whether the gateway is strict (see [`set_strict`](Self::set_strict)).
    pub fn is_strict(&self) -> bool {
        self.strict
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
        HashScheme::for_key(self.hash_key.as_deref())
    }

    /// The ids every event carries (`common_ids`): the context's, else
    /// `run_agent` (the open run's), else `logging.agent_id`.
    fn common(&self, ctx: &RunCtx, span: Option<&SpanId>, run_agent: Option<&str>) -> CommonIds {
        let default_agent = self.config.agent_id.as_deref();
        LastIds::common(
            &mut lock(&self.last_ids),
            ctx,
            run_agent,
            default_agent,
            span,
        )
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
            (field::RUN_ID, &ctx.run_id, c.run_id),
            (field::TRACE_ID, &ctx.trace_id, c.trace_id),
            (field::REQUEST_ID, &ctx.request_id, c.request_id),
        ] {
            if rule == Requirement::Required && value.as_deref().is_none_or(str::is_empty) {
                return Err(GatewayError::MissingId(name));
            }
        }
        Ok(())
    }

    /// The next `seq` of a run (1 for its first call).
    fn next_seq(&self, run_id: &str) -> u64 {
        // Lock order: seqs, then runs (nothing holds runs while taking seqs).
        lock(&self.seqs).next(run_id, |id| lock(&self.runs).contains_key(id))
    }

    /// Whether the call may run: the tool must exist, the run's budgets must
    /// hold and the loop guard must allow it. Counts an admitted call in its
    /// run and flags a loop warning on the line.
    fn admit(
        &self,
        tool: &str,
        known_tool: bool,
        run: Option<&Arc<Mutex<RunState>>>,
        hash: Option<&Result<String, CanonError>>,
        now: i64,
        loop_count: &mut Option<u64>,
    ) -> Option<GatewayError> {
        let c = &self.config;
        if !known_tool {
            if let Some(run) = run {
                lock(run).refused += 1;
            }
            return Some(GatewayError::UnknownTool(tool.to_owned()));
        }
        let mut state = lock(run?);
        let verdict = match hash {
            Some(Ok(h)) => state.loop_verdict(c, tool, h),
            _ => LoopVerdict::Fine,
        };
        if let Some(budget) = state.exceeded(c, now) {
            state.refused += 1;
            state.stop(budget.stop_reason());
            return Some(GatewayError::BudgetExceeded(budget));
        }
        if let LoopVerdict::Block(count) = verdict {
            state.refused += 1;
            state.stop(StopReason::LoopDetected);
            return Some(GatewayError::LoopDetected {
                tool: tool.to_owned(),
                count,
            });
        }
        if let LoopVerdict::Warn(count) = verdict {
            *loop_count = Some(count);
        }
        state.tool_calls += 1;
        if let Some(Ok(h)) = hash {
            state.count_call(tool, h);
        }
        None
    }

    /// Starts a call: checks ids, the tool name, the run's budgets and the
    /// loop guard; assigns `seq` and a span; hashes and (if configured) stores
    /// redacted args. Returns the handle and the events to log, or the error
    /// to raise plus the events recording the refusal.
    pub fn begin<'a>(
        &self,
        ctx: &RunCtx,
        tool: &str,
        args: impl Into<CallArgs<'a>>,
    ) -> Result<(CallHandle, Events), (GatewayError, Events)> {
        self.begin_linked(ctx, tool, args, CallLink::default())
    }

    /// [`begin`](Self::begin) for a call the binding knows more of: the
    /// framework's id for it (`tool_call.call_id`) and the call in progress
    /// it was made from. A call made inside a call of the same run is that
    /// call's child (its `parent_span_id` is the outer call's span); from
    /// another run, or none, the run's span stays the parent.
    pub fn begin_linked<'a>(
        &self,
        ctx: &RunCtx,
        tool: &str,
        args: impl Into<CallArgs<'a>>,
        link: CallLink<'_>,
    ) -> Result<(CallHandle, Events), (GatewayError, Events)> {
        let args = args.into();
        self.check_ids(ctx).map_err(|e| (e, Events::new()))?;
        let (forked_ctx, opened) = match self.forked_run(ctx) {
            Some((child, events)) => (Some(child), events),
            None => (None, Vec::new()),
        };
        let ctx = forked_ctx.as_ref().unwrap_or(ctx);
        let run_id = ctx.run_id.as_deref().unwrap_or_default();
        let seq = self.next_seq(run_id);
        let run = lock(&self.runs).get(run_id).cloned();
        let span_id = self.ids.span_id();
        // A call of an open run that names no agent is the run's agent's
        // (looked up only once some run was given one).
        let run_agent = match (&run, &ctx.agent_id) {
            (Some(run), None) if self.run_agents.load(Ordering::Relaxed) => {
                lock(run).agent_id.clone()
            }
            _ => None,
        };
        let common = self.common(ctx, Some(&span_id), run_agent.as_deref());
        let store_result = self.store_result(run_id, run.as_ref());
        let now = self.clock.now_us();
        // A call the host saw start earlier (a traced span it logs when the
        // span ends) is dated and timed from then; never from the future.
        let started = link.started_us.filter(|&at| at <= now).unwrap_or(now);
        let c = &self.config;
        // The loop guard needs the hash now (only in a run that has one);
        // otherwise it is computed when the line is built, on the writer's
        // thread when there is one.
        let key = self.hash_key.as_deref();
        let known = (c.loop_guard.is_some() && run.is_some()).then(|| args.hash(key));
        let mut loop_count = None;
        let name = self.tool_name(tool);
        let refusal = self.admit(
            tool,
            name.is_some(),
            run.as_ref(),
            known.as_ref(),
            now,
            &mut loop_count,
        );
        let name = name.unwrap_or_else(|| Arc::from(tool));
        // The incident window stores args as `store_args` does (redacted).
        let (window_args, window_event) = self.incident_at(now);
        let stored = if c.store_args || window_args {
            args.value()
                .ok()
                .map(|v| stored::bounded(self.redactor.redact(&v)))
        } else {
            None
        };
        // Inline: the usual call has one event, and no allocation for it.
        let mut events = Events::new();
        events.extend(opened);
        events.extend(window_event);
        if c.tool_calls_enabled {
            let parent = link.parent_span(ctx);
            let mut facts = CallFacts::new(started, seq, &common, &name, parent);
            facts.set_call_id(link.call_id);
            match known {
                _ if !c.store_args_hash => {}
                Some(h) => facts.hash = ArgsHash::Known(h, self.scheme()),
                None => facts.hash_later(&args, key),
            }
            facts.args = stored;
            facts.loop_count = loop_count;
            facts.refused = refusal.as_ref().map(GatewayError::error_class);
            events.push(facts.into_event());
        }
        match refusal {
            Some(e) => Err((e, events)),
            None => Ok((
                CallHandle {
                    common,
                    tool: name,
                    seq,
                    start_us: started,
                    // No lookup per call unless timeouts were given.
                    deadline_us: if self.timeouts.is_empty() {
                        None
                    } else {
                        self.timeouts.get(tool).copied()
                    },
                    store_result,
                    run,
                },
                events,
            )),
        }
    }
}

pub(crate) fn error_value(e: &CanonError) -> Value {
    Value::object([
        (field::KIND, Value::from(e.kind().as_str())),
        (field::PATH, Value::String(e.path().to_string())),
    ])
}
