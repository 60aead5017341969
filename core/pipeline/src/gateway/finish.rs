//! The end of a call: [`Gateway::finish`] (latency, `ok`, `error_class`,
//! the `tool_result` event, alert transitions) and the alert events.

use super::common_ids::CommonIds;
use super::line::{Event, Events, Line};
use super::records::ResultFacts;
use super::types::{CallHandle, GatewayError, Outcome, Validation};
use super::{
    AlertChange, ERROR_MESSAGE_MAX_CHARS, Gateway, RunCtx, Sample, Tripped, VALIDATOR_REJECTED,
    error_value, lock,
};
use crate::error_class::classify;
use crate::schema::{event, field};
use tooltrail_json::CanonError;
use tooltrail_json::Value;

impl Gateway {
    /// Ends a call: latency, `ok`, `error_class`, and the redacted error
    /// message and result where configured; plus any alert transitions.
    pub fn finish(&self, handle: CallHandle, outcome: Outcome) -> Events {
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
        let is = |k: &str| class.as_deref() == Some(k);
        let timeout = is("timeout");
        let deadline_exceeded_us = handle
            .deadline_us
            .filter(|&deadline| elapsed_us > deadline && !timeout);
        let error_message = match message {
            Some(m) if c.store_error_messages => {
                let redacted = self.redactor.redact_text(m, 0);
                Some(
                    redacted
                        .chars()
                        .take(ERROR_MESSAGE_MAX_CHARS)
                        .collect::<String>(),
                )
            }
            _ => None,
        };
        let result = match &outcome {
            Outcome::Returned(Ok(v)) if handle.store_result => Some((
                field::RESULT,
                super::stored::bounded(self.redactor.redact(v)),
            )),
            Outcome::Returned(Err(e)) if handle.store_result => {
                Some((field::RESULT_ERROR, error_value(e)))
            }
            _ => None,
        };
        // The ids are read back (`tripped_by`) only when an alert trips.
        let changes = if self.alerts_on {
            let sample = Sample::tool_result(class.as_deref());
            lock(&self.alerts).observe(c, now, sample, || tripped_by(&handle.common))
        } else {
            Vec::new()
        };
        let mut events = Events::new();
        if c.tool_calls_enabled {
            let mut facts = ResultFacts::new(
                (now, handle.seq, elapsed_us),
                &handle.common,
                &handle.tool,
                class.as_deref(),
                error_message.as_deref(),
            );
            facts.deadline_exceeded_us = deadline_exceeded_us;
            facts.result = result;
            events.push(facts.into_event());
        }
        events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
        events
    }

    /// Ends a call whose tool returned: a rejected result is logged as
    /// `validation_failed` and returned as the error to raise; an accepted
    /// one is converted (`result`) only when the call stores results.
    pub fn finish_returned(
        &self,
        handle: CallHandle,
        validation: Validation,
        result: impl FnOnce() -> Result<Value, CanonError>,
    ) -> (Events, Result<(), GatewayError>) {
        let message = match validation {
            Validation::Passed => {
                let value = if handle.store_result {
                    result()
                } else {
                    Ok(Value::Null)
                };
                return (self.finish(handle, Outcome::Returned(value)), Ok(()));
            }
            Validation::ReturnedFalse => VALIDATOR_REJECTED.to_owned(),
            Validation::Raised(message) => message,
        };
        let tool = handle.tool.to_string();
        let events = self.finish(
            handle,
            Outcome::Invalid {
                message: message.clone(),
            },
        );
        (
            events,
            Err(GatewayError::ValidationFailed { tool, message }),
        )
    }

    pub(super) fn alert_event(&self, ch: &AlertChange, now: i64) -> Event {
        let mut line = Line::new(event::ALERT, now);
        self.common(&RunCtx::default(), None, None)
            .with_parts(|p| line.raw_parts(&p))
            .str(field::RULE, ch.rule)
            .str(field::LEVEL, ch.level)
            .num(field::VALUE, ch.value)
            .num(field::THRESHOLD, ch.threshold)
            .num(field::WINDOW_S, self.config.alert_window_s);
        if let Some(t) = &ch.tripped {
            line.opt_str(field::TRIPPED_RUN_ID, t.run_id.as_deref())
                .opt_str(field::TRIPPED_TRACE_ID, t.trace_id.as_deref());
        }
        line.finish()
    }

    /// Re-evaluates alert rules (as windows slide with no new events), and
    /// closes an incident window whose instant has passed.
    pub fn check_alerts(&self) -> Vec<Event> {
        let now = self.clock.now_us();
        let mut events: Vec<Event> = self.incident_events(now).into_iter().collect();
        if self.alerts_on {
            let changes = lock(&self.alerts).tick(&self.config, now);
            events.extend(changes.iter().map(|ch| self.alert_event(ch, now)));
        }
        events
    }

    /// Current window values and alert levels.
    pub fn metrics(&self) -> Value {
        lock(&self.alerts).snapshot(&self.config, self.clock.now_us())
    }
}

/// The run and trace of a call or run from its serialized common ids
/// (`,"run_id":…,"trace_id":…,…`): read back only when the sample trips an
/// alert rule, so the usual call keeps no copy of its ids.
pub(super) fn tripped_by(common: &CommonIds) -> Tripped {
    let common = common.to_vec();
    let mut text = Vec::with_capacity(common.len() + 2);
    text.push(b'{');
    text.extend_from_slice(common.strip_prefix(b",").unwrap_or(&common));
    text.push(b'}');
    let ids = tooltrail_json::parse_json(&text).unwrap_or(Value::Null);
    let id = |key: &str| match ids.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Tripped {
        run_id: id(field::RUN_ID),
        trace_id: id(field::TRACE_ID),
    }
}
