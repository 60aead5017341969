//! Model steps in a run: [`Gateway::model_begin`] (the budget check before a
//! model call) and [`Gateway::model_call`] (the `model_call` event: `step`,
//! cost from the price table unless given, tokens and spend added to the
//! run).

use super::alerts::Sample;
use super::line::{Event, Line};
use super::model_args::ModelCall;
use super::run::Budget;
use super::types::GatewayError;
use super::{Gateway, lock};
use crate::pricing::Usage;
use crate::schema::{event, field};
use tooltrail_json::Value;

impl Gateway {
    /// Before a model call of `run_id`: the run must be open and within its
    /// spend, token and duration budgets. A run over one is stopped (its
    /// `stop_reason` set) and this errs, so the call is not made. Returns
    /// the start instant to hand to [`model_call`](Self::model_call), which
    /// then times the call.
    pub fn model_begin(&self, run_id: &str) -> Result<i64, GatewayError> {
        let run = self.open_run(run_id)?;
        let now = self.clock.now_us();
        let mut state = lock(&run);
        if let Some(budget) = self.model_budget(&state, now) {
            state.stop(budget.stop_reason());
            return Err(GatewayError::BudgetExceeded(budget));
        }
        Ok(now)
    }

    /// The budget a model call of this run would exceed (tool-call and
    /// step limits count other things).
    fn model_budget(&self, state: &super::run::RunState, now_us: i64) -> Option<Budget> {
        let elapsed_s = (now_us - state.start_us) as f64 / 1e6;
        if self
            .config
            .max_duration_s
            .is_some_and(|max| elapsed_s > max)
        {
            return Some(Budget::Duration);
        }
        state.spend_exceeded(&self.config)
    }

    /// Records a model step that ended in run `run_id`: the `model_call`
    /// event with the next `step`, the cost (`call.cost_usd`, else the
    /// price of `call.model` from `pricing` and the shipped table, else
    /// null and counted as unpriced), and the latency (`call.latency_ms`,
    /// else since `started_us` from [`model_begin`](Self::model_begin)).
    /// Its tokens and cost add to the run's budgets.
    ///
    /// The call is always recorded (it happened). If the run was already
    /// over a budget before it — the agent went on after a refusal — the
    /// run stops and the error comes back with the event.
    pub fn model_call(
        &self,
        run_id: &str,
        call: &ModelCall,
        started_us: Option<i64>,
    ) -> Result<Vec<Event>, (GatewayError, Vec<Event>)> {
        let run = self.open_run(run_id).map_err(|e| (e, Vec::new()))?;
        let now = self.clock.now_us();
        let span = self.ids.span_id();
        let usage = Usage {
            input_tokens: call.input_tokens,
            output_tokens: call.output_tokens,
            cached_input_tokens: call.cached_input_tokens,
        };
        let cost = call
            .cost_usd
            .or_else(|| self.config.price(&call.model)?.cost(&usage));
        let latency_us = match (call.latency_ms, started_us) {
            (Some(ms), _) => Some((ms * 1e3).round() as i64),
            (None, Some(start)) => Some((now - start).max(0)),
            (None, None) => None,
        };
        let mut state = lock(&run);
        let over = self.model_budget(&state, now);
        state.model_calls += 1;
        let step = state.model_calls;
        state.input_tokens += call.input_tokens.unwrap_or(0);
        state.output_tokens += call.output_tokens.unwrap_or(0);
        match cost {
            Some(usd) => {
                state.spend_usd = crate::pricing::round_usd(state.spend_usd + usd);
                state.model_spend_usd = crate::pricing::round_usd(state.model_spend_usd + usd);
            }
            None => state.unpriced_model_calls += 1,
        }
        let common = state.common.with_span(span);
        let parent = state.common.span().copied();
        let mut line = Line::new(event::MODEL_CALL, now);
        common
            .with_parts(|p| line.raw_parts(&p))
            .num(field::STEP, step as f64)
            .opt_str(field::PARENT_SPAN_ID, parent.as_ref().map(|s| s.as_str()))
            .str(field::MODEL, &call.model)
            .opt_str(field::PROVIDER, call.provider.as_deref())
            .value(field::INPUT_TOKENS, &opt_count(call.input_tokens))
            .value(field::OUTPUT_TOKENS, &opt_count(call.output_tokens));
        if let Some(n) = call.cached_input_tokens {
            line.num(field::CACHED_INPUT_TOKENS, n as f64);
        }
        if let Some(n) = call.reasoning_tokens {
            line.num(field::REASONING_TOKENS, n as f64);
        }
        line.value(field::COST_USD, &cost.map_or(Value::Null, Value::Number));
        match latency_us {
            Some(us) => line.millis(field::LATENCY_MS, us),
            None => line.value(field::LATENCY_MS, &Value::Null),
        };
        let failure = call.failure();
        line.bool(field::OK, failure.is_none());
        if let Some(class) = failure {
            line.str(field::ERROR_CLASS, class);
        }
        line.opt_str(field::FINISH_REASON, call.finish_reason.as_deref())
            .value(field::TOOL_CALLS, &requested(call));
        let mut events: Vec<Event> = self.incident_events(now).into_iter().collect();
        events.push(line.finish());
        if let Some(sample) = cost.and_then(Sample::spend).filter(|_| self.alerts_on) {
            let changes = lock(&self.alerts).observe(&self.config, now, sample, || {
                super::finish::tripped_by(&state.common)
            });
            events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
        }
        match over {
            Some(budget) => {
                state.stop(budget.stop_reason());
                Err((GatewayError::BudgetExceeded(budget), events))
            }
            None => Ok(events),
        }
    }
}

fn opt_count(n: Option<u64>) -> Value {
    n.map_or(Value::Null, |n| Value::Number(n as f64))
}

/// `tool_calls`: each requested tool's name and id.
fn requested(call: &ModelCall) -> Value {
    Value::Array(
        call.tool_calls
            .iter()
            .map(|t| {
                Value::object([
                    (field::NAME, Value::from(t.name.as_str())),
                    (
                        field::CALL_ID,
                        t.call_id.as_deref().map_or(Value::Null, Value::from),
                    ),
                ])
            })
            .collect(),
    )
}
