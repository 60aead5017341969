//! Run scopes on the gateway: `start_run` / `end_run` with `run_start` and
//! `run_end`, and what happens in between (`step`, `add_spend`, `stop_run`).

use crate::schema::{event, field};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::ctx::RunCtx;
use super::line::{Event, Line};
use super::run::{self, Budget, RunState};
use super::types::{GatewayError, RunExit};
use super::{Gateway, Sample, lock, sampled};
use crate::schema::StopReason;
use tooltrail_json::Value;

impl Gateway {
    /// A new 32-hex-digit id from the gateway's id source (random; sequential
    /// when deterministic): for a host that must know a run's id before
    /// [`start_run`](Self::start_run), such as the MCP proxy, whose
    /// `request_id` defaults to it.
    pub fn generate_id(&self) -> String {
        self.ids.trace_id()
    }

    /// Opens a run: generates missing run and trace ids, gives the run its own
    /// span, registers its budgets. Returns the context calls in the run use
    /// (its `parent_span_id` is the run's span) and the `run_start` event.
    pub fn start_run(&self, ctx: &RunCtx) -> Result<(RunCtx, Vec<Event>), GatewayError> {
        self.open_scope(ctx, false, None, None)
    }

    /// [`start_run`](Self::start_run) for a session of `tooltrail
    /// mcp-proxy`: `run_start` says which server it fronts (`mcp_server`:
    /// an object of `name`, `version` and `command`), redacted like
    /// arguments (a command line may hold a token).
    pub fn start_proxy_run(
        &self,
        ctx: &RunCtx,
        mcp_server: &Value,
    ) -> Result<(RunCtx, Vec<Event>), GatewayError> {
        let server = self.redactor.redact(mcp_server);
        self.open_scope(ctx, false, None, Some(&server))
    }

    /// Opens a run inside another run's scope (a sub-agent, an agent used
    /// as a tool): `parent` is the enclosing run's context and `outer` the
    /// call in progress (run id, span), if any. The new run names the
    /// enclosing one as `parent_run_id`; ids `ctx` does not give are the
    /// parent's (same trace, user and request), and its parent span is the
    /// outer call's when that call is the enclosing run's, else the
    /// enclosing run's span. A `ctx` with a trace of its own (a
    /// `traceparent`) keeps it.
    pub fn start_run_within(
        &self,
        ctx: &RunCtx,
        parent: &RunCtx,
        outer: Option<(&str, &str)>,
    ) -> Result<(RunCtx, Vec<Event>), GatewayError> {
        let mut child = ctx.clone();
        let inherit = |own: &mut Option<String>, theirs: &Option<String>| {
            if own.as_deref().is_none_or(str::is_empty) {
                own.clone_from(theirs);
            }
        };
        if child.trace_id.as_deref().is_none_or(str::is_empty) {
            child.trace_id.clone_from(&parent.trace_id);
            let link = super::CallLink {
                call_id: None,
                outer,
                started_us: None,
            };
            child.parent_span_id = link.parent_span(parent).map(str::to_owned);
        }
        inherit(&mut child.user_id, &parent.user_id);
        inherit(&mut child.request_id, &parent.request_id);
        self.open_scope(&child, false, parent.run_id.as_deref(), None)
    }

    /// The run for a call made with no ctx and no current run, with `base`
    /// the ids the binding has for it (usually none):
    ///
    /// - `Ok(None)` when `base` already satisfies the `logging.ids` rules
    ///   (ids configured `optional`): the call is logged as given, outside
    ///   any run;
    /// - on a strict gateway ([`set_strict`](Self::set_strict)), the id
    ///   rule's `missing_id` error: the call is refused, as before implicit
    ///   runs existed;
    /// - otherwise a new run whose `run_start` says `implicit: true`, with
    ///   generated run and trace ids (and the run id as its `request_id`
    ///   when one is required, as `mcp-proxy` does). The binding ends it with
    ///   [`end_run`](Self::end_run) when the call ends (or the framework
    ///   invocation it stands for, when an adapter can see one).
    pub fn implicit_run(
        &self,
        base: &RunCtx,
    ) -> Result<Option<(RunCtx, Vec<Event>)>, GatewayError> {
        let Err(missing) = self.check_ids(base) else {
            return Ok(None);
        };
        if self.strict {
            return Err(missing);
        }
        let mut ctx = base.clone();
        if ctx.run_id.as_deref().is_none_or(str::is_empty) {
            ctx.run_id = Some(self.ids.trace_id());
        }
        if self.config.request_id == crate::config::Requirement::Required
            && ctx.request_id.as_deref().is_none_or(str::is_empty)
        {
            ctx.request_id = ctx.run_id.clone();
        }
        self.open_scope(&ctx, true, None, None).map(Some)
    }

    pub(super) fn open_scope(
        &self,
        ctx: &RunCtx,
        implicit: bool,
        parent_run_id: Option<&str>,
        mcp_server: Option<&Value>,
    ) -> Result<(RunCtx, Vec<Event>), GatewayError> {
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
        let common = self.common(&ctx, Some(&run_span), None);
        if ctx.agent_id.is_some() {
            self.run_agents
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let start_us = self.clock.now_us();
        let mut line = Line::new(event::RUN_START, start_us);
        common
            .with_parts(|p| line.raw_parts(&p))
            .opt_str(field::PARENT_SPAN_ID, ctx.parent_span_id.as_deref())
            .value(field::BUDGETS, &run::limits(&self.config));
        if implicit {
            line.bool(field::IMPLICIT, true);
        }
        if let Some(parent) = parent_run_id {
            line.str(field::PARENT_RUN_ID, parent);
        }
        if let Some(server) = mcp_server {
            line.value(field::MCP_SERVER, server);
        }
        let state = RunState {
            common,
            agent_id: ctx.agent_id.clone(),
            sampled: sampled(&run_id, self.config.result_sample_rate),
            start_us,
            tool_calls: 0,
            errors: 0,
            refused: 0,
            steps: 0,
            spend_usd: 0.0,
            model_spend_usd: 0.0,
            model_calls: 0,
            unpriced_model_calls: 0,
            input_tokens: 0,
            output_tokens: 0,
            loops: HashMap::new(),
            stop_reason: None,
            generation: crate::fork::generation(),
        };
        lock(&self.runs).insert(run_id, Arc::new(Mutex::new(state)));
        let mut events: Vec<Event> = self.incident_events(start_us).into_iter().collect();
        events.push(line.finish());
        ctx.parent_span_id = Some(run_span.as_str().to_owned());
        Ok((ctx, events))
    }

    /// The run a call of a forked child process goes to when its ctx names
    /// a run the parent opened before the fork: a run of the child's own
    /// (its `run_start` names the parent's as `parent_run_id`; same trace,
    /// ids and parent span), opened at the child's first such call and
    /// reused after. Counting into the inherited copy gave duplicate `seq`
    /// numbers across processes, budgets each process spent on its own,
    /// and a parent `run_end` that never saw the children's calls. `None`
    /// in the process that opened the run (the usual case: one atomic load
    /// decides).
    pub(super) fn forked_run(&self, ctx: &RunCtx) -> Option<(RunCtx, Vec<Event>)> {
        let generation = crate::fork::generation();
        if generation == self.generation {
            return None;
        }
        let run_id = ctx.run_id.as_deref()?;
        let run = lock(&self.runs).get(run_id).cloned()?;
        if lock(&run).generation == generation {
            return None;
        }
        let mut forked = lock(&self.forked);
        if let Some((g, child)) = forked.get(run_id)
            && *g == generation
        {
            return Some((child.clone(), Vec::new()));
        }
        let base = RunCtx {
            run_id: None,
            ..ctx.clone()
        };
        let (child, events) = self.open_scope(&base, false, Some(run_id), None).ok()?;
        forked.insert(run_id.to_owned(), (generation, child.clone()));
        Some((child, events))
    }

    pub(super) fn open_run(&self, run_id: &str) -> Result<Arc<Mutex<RunState>>, GatewayError> {
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
    /// A spend that is not a finite number ≥ 0 is refused naming `usd`
    /// (it was ignored: a negative or NaN spend hid a bug in the caller).
    pub fn add_spend(&self, run_id: &str, usd: f64) -> Result<f64, GatewayError> {
        if !(usd.is_finite() && usd >= 0.0) {
            return Err(GatewayError::invalid_argument(
                "usd",
                format!("must be a finite number of USD, at least 0, got {usd}"),
            ));
        }
        let run = self.open_run(run_id)?;
        let mut state = lock(&run);
        state.spend_usd = crate::pricing::round_usd(state.spend_usd + usd);
        Ok(state.spend_usd)
    }

    /// Sets the stop reason explicitly (the first one set wins).
    pub fn stop_run(&self, run_id: &str, reason: &str) -> Result<(), GatewayError> {
        let reason: StopReason = reason
            .parse()
            .map_err(|_| GatewayError::UnknownStopReason(reason.to_owned()))?;
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
        let reason = state.stop_reason.unwrap_or(exit.stop_reason());
        let mut line = Line::new(event::RUN_END, now);
        state
            .common
            .with_parts(|p| line.raw_parts(&p))
            .str(field::STOP_REASON, reason.as_str())
            .millis(field::DURATION_MS, now - state.start_us)
            .num(field::TOOL_CALLS, state.tool_calls as f64)
            .num(field::ERRORS, state.errors as f64)
            .num(field::REFUSED, state.refused as f64)
            .num(field::STEPS, state.steps as f64)
            .num(field::SPEND_USD, state.spend_usd)
            .value(field::BUDGETS, &state.usage(&self.config, now));
        if state.model_calls > 0 {
            let priced = state.model_calls - state.unpriced_model_calls;
            line.num(field::MODEL_CALLS, state.model_calls as f64)
                .num(field::INPUT_TOKENS, state.input_tokens as f64)
                .num(field::OUTPUT_TOKENS, state.output_tokens as f64)
                .num(
                    field::UNPRICED_MODEL_CALLS,
                    state.unpriced_model_calls as f64,
                )
                .num(
                    field::PRICED_SHARE,
                    (priced as f64 / state.model_calls as f64 * 1e4).round() / 1e4,
                );
        }
        let mut events: Vec<Event> = self.incident_events(now).into_iter().collect();
        events.push(line.finish());
        if self.alerts_on {
            let added = Sample::spend(super::alerts::added_spend_usd(
                state.spend_usd,
                state.model_spend_usd,
            ));
            let mut alerts = lock(&self.alerts);
            for sample in std::iter::once(Sample::Run {
                tool_calls: state.tool_calls,
            })
            .chain(added)
            {
                let changes = alerts.observe(&self.config, now, sample, || {
                    super::finish::tripped_by(&state.common)
                });
                events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
            }
        }
        Ok(events)
    }
}
