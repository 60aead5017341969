//! Alert rules over rolling windows: one state machine,
//! [`AlertEngine`], fed `(timestamp, sample)` by the live gateway (tool
//! results and run ends, with the clock's time) and by `tooltrail alerts`
//! (the same events read back, with their `ts`), so the same events give the
//! same alerts. It never reads a clock: tests feed it synthetic times.
//!
//! Each rule has a level (ok / warn / critical). A level fires when the
//! value is above its threshold (not at it), the window holds at least
//! `min_samples` samples, and the value has stayed above it for `for_s`
//! (measured at each sample). A level that fired holds until the value falls
//! to threshold × `clear_ratio` (hysteresis); dropping is immediate. An
//! `alert` event is written only when the level changes.

pub use super::alert_window::Sample;
use super::alert_window::Window;
use crate::config::{AlertRule, Config};
use tooltrail_json::Value;

/// The configured rules, in a fixed order.
pub(crate) use crate::schema::ALERT_RULES as RULES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Level {
    #[default]
    Ok,
    Warn,
    Critical,
}

impl Level {
    /// The levels that fire, lowest first (index into `RuleState::since`).
    const FIRING: [Level; 2] = [Level::Warn, Level::Critical];

    fn name(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Critical => "critical",
        }
    }
}

/// The run behind a rule's latest offending sample (a timeout, a validation
/// failure, a failed tool result, a run with more tool calls than the warn
/// threshold, spend).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tripped {
    /// Its `run_id`.
    pub run_id: Option<String>,
    /// Its `trace_id`.
    pub trace_id: Option<String>,
}

/// One level change, for the `alert` event and the callback.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertChange {
    /// The rule's name.
    pub rule: &'static str,
    /// `warn`, `critical` or `resolved`.
    pub level: &'static str,
    /// The measured value.
    pub value: f64,
    /// The threshold crossed (for `resolved`: the warn threshold).
    pub threshold: f64,
    /// For `warn` / `critical`: the run of the latest offending sample.
    pub tripped: Option<Tripped>,
}

/// One rule's state: its level, since when each firing level has been the
/// target (sustain), and the run of its latest offending sample.
#[derive(Debug, Default)]
struct RuleState {
    level: Level,
    since: [Option<i64>; 2],
    tripped: Option<Tripped>,
}

/// The level a rule's value points at, given the level it is at: above a
/// threshold, or, for a level already reached, above threshold × ratio.
fn target(rule: &AlertRule, value: f64, samples: usize, current: Level) -> Level {
    if (samples as u64) < rule.min_samples {
        return Level::Ok;
    }
    let holds = |threshold: f64, level: Level| {
        value > threshold || (current >= level && value > threshold * rule.clear_ratio)
    };
    if holds(rule.critical, Level::Critical) {
        Level::Critical
    } else if holds(rule.warn, Level::Warn) {
        Level::Warn
    } else {
        Level::Ok
    }
}

impl RuleState {
    /// Moves the rule at `now_us`; the new level if it changed. Only an
    /// observation (a sample) starts or ends a sustain period: a tick
    /// changes nothing unless the level changes, so a replay that ticks only
    /// where an `alert` was logged ends in the same state.
    fn step(
        &mut self,
        rule: &AlertRule,
        value: (f64, usize),
        now_us: i64,
        observed: bool,
    ) -> Option<Level> {
        let current = self.level;
        let target = target(rule, value.0, value.1, current);
        if observed {
            for (since, level) in self.since.iter_mut().zip(Level::FIRING) {
                if target >= level {
                    since.get_or_insert(now_us);
                } else {
                    *since = None;
                }
            }
        }
        let for_us = (rule.for_s * 1e6) as i64;
        let new = if target < current {
            target
        } else {
            // The highest level above the current one held long enough.
            Level::FIRING
                .iter()
                .zip(self.since)
                .rev()
                .find(|(level, since)| {
                    **level > current
                        && **level <= target
                        && since.is_some_and(|s| now_us - s >= for_us)
                })
                .map_or(current, |(level, _)| *level)
        };
        if new == current {
            return None;
        }
        if new < current {
            for (since, level) in self.since.iter_mut().zip(Level::FIRING) {
                if level > new {
                    *since = None;
                }
            }
        }
        self.level = new;
        Some(new)
    }
}

/// The alert rules' state machine: windows plus each rule's level.
#[derive(Debug, Default)]
pub struct AlertEngine {
    window: Window,
    rules: [RuleState; 5],
    /// Whether a tool result that was ok can change nothing but the
    /// window's count (see [`AlertEngine::calm`]),
    /// so `observe` only counts it: evaluating the rules was most of what
    /// alerting cost a call.
    calm: bool,
    /// Tests: never take that shortcut (the reference it is checked against).
    #[cfg(test)]
    always_evaluate: bool,
}

impl AlertEngine {
    /// Takes one sample at `now_us` and re-evaluates the rules; returns the
    /// level changes. `ids` gives the sample's run, asked for only when the
    /// sample offends an enabled rule (a failed tool result, a run above a
    /// p95 warn threshold, spend).
    pub fn observe(
        &mut self,
        c: &Config,
        now_us: i64,
        sample: Sample,
        ids: impl FnOnce() -> Tripped,
    ) -> Vec<AlertChange> {
        let rules = c.alert_rules();
        if matches!(sample, Sample::Spend { .. }) && rules[4].is_none() {
            // Only `spend_usd_per_min` reads spend: with it off, a spend
            // sample is not an observation (live and replay skip it alike).
            return Vec::new();
        }
        let offends = |i: usize| match (sample, rules[i]) {
            (_, None) => false,
            (Sample::Run { tool_calls }, Some(r)) => i == 0 && tool_calls as f64 > r.warn,
            (
                Sample::Call {
                    failed,
                    timeout,
                    invalid,
                },
                _,
            ) => (i == 1 && timeout) || (i == 2 && invalid) || (i == 3 && failed),
            (Sample::Spend { .. }, _) => i == 4,
        };
        if sample == Sample::tool_result(None)
            && self.calm
            && self.shortcut_allowed()
            && !self.window.would_prune(window_us(c), now_us)
        {
            self.window.add(window_us(c), now_us, sample);
            return Vec::new();
        }
        let mut ids = Some(ids);
        let mut tripped: Option<Tripped> = None;
        for i in 0..RULES.len() {
            if offends(i) {
                if let Some(f) = ids.take() {
                    tripped = Some(f());
                }
                self.rules[i].tripped.clone_from(&tripped);
            }
        }
        self.window.add(window_us(c), now_us, sample);
        self.evaluate(c, now_us, true)
    }

    /// Re-evaluates the rules at `now_us` with no new sample (windows slide
    /// with time alone; `check_alerts`, and the replay at each logged alert).
    pub fn tick(&mut self, c: &Config, now_us: i64) -> Vec<AlertChange> {
        self.evaluate(c, now_us, false)
    }

    fn evaluate(&mut self, c: &Config, now_us: i64, observed: bool) -> Vec<AlertChange> {
        let values = self.values(c, now_us);
        let changes = self.step_rules(c, values, now_us, observed);
        self.calm = self.calm(c, values);
        changes
    }

    /// Whether a tool result that was ok, taken while no sample leaves the
    /// window, leaves every rule where it is: each enabled rule is `ok` with
    /// no sustain period running, its value points at `ok`, and will go on
    /// doing so (the rate rules count no offending result in the window, so
    /// their value stays 0 and 0 is not above a threshold of 0 or more; the
    /// p95 rule's runs and the spend do not change). Recomputed at every
    /// evaluation.
    fn calm(&self, c: &Config, values: [(f64, usize); 5]) -> bool {
        let offending = [
            None,
            Some(self.window.timeouts),
            Some(self.window.invalid),
            Some(self.window.failed),
            None,
        ];
        c.alert_rules()
            .into_iter()
            .zip(&self.rules)
            .zip(values)
            .enumerate()
            .all(|(i, ((rule, state), (value, samples)))| {
                let Some(rule) = rule else { return true };
                state.level == Level::Ok
                    && state.since == [None, None]
                    && target(rule, value, samples, Level::Ok) == Level::Ok
                    && offending[i]
                        .is_none_or(|n| n == 0 && rule.warn >= 0.0 && rule.critical >= 0.0)
            })
    }

    #[cfg(not(test))]
    fn shortcut_allowed(&self) -> bool {
        true
    }

    #[cfg(test)]
    fn shortcut_allowed(&self) -> bool {
        !self.always_evaluate
    }

    fn step_rules(
        &mut self,
        c: &Config,
        values: [(f64, usize); 5],
        now_us: i64,
        observed: bool,
    ) -> Vec<AlertChange> {
        let mut changes = Vec::new();
        for (i, rule) in c.alert_rules().into_iter().enumerate() {
            let Some(rule) = rule else { continue };
            let state = &mut self.rules[i];
            let Some(level) = state.step(rule, values[i], now_us, observed) else {
                continue;
            };
            let (name, threshold, tripped) = match level {
                Level::Critical => ("critical", rule.critical, state.tripped.clone()),
                Level::Warn => ("warn", rule.warn, state.tripped.clone()),
                Level::Ok => ("resolved", rule.warn, None),
            };
            changes.push(AlertChange {
                rule: RULES[i],
                level: name,
                value: (values[i].0 * 1e6).round() / 1e6,
                threshold,
                tripped,
            });
        }
        changes
    }

    /// Each rule's value and sample count over the window ending at `now_us`.
    fn values(&mut self, c: &Config, now_us: i64) -> [(f64, usize); 5] {
        self.window.prune(window_us(c), now_us);
        self.window.values(window_us(c))
    }

    /// A snapshot for `gateway.metrics()`.
    pub fn snapshot(&mut self, c: &Config, now_us: i64) -> Value {
        let values = self.values(c, now_us);
        let levels = Value::Object(
            RULES
                .iter()
                .zip(&self.rules)
                .map(|(r, s)| ((*r).to_owned(), Value::from(s.level.name())))
                .collect(),
        );
        Value::object([
            ("window_s", Value::Number(c.alert_window_s)),
            ("tool_results", Value::Number(self.window.total as f64)),
            ("runs", Value::Number(self.window.total_runs as f64)),
            ("tool_calls_per_run_p95", Value::Number(values[0].0)),
            ("timeout_rate", Value::Number(values[1].0)),
            ("validation_fail_rate", Value::Number(values[2].0)),
            ("error_rate", Value::Number(values[3].0)),
            (
                "spend_usd_per_min",
                Value::Number((values[4].0 * 1e9).round() / 1e9),
            ),
            ("alerts", levels),
        ])
    }
}

/// The spend a run's application added with `add_spend`: its `run_end`
/// `spend_usd` less what its priced model calls cost. The live gateway and
/// the replay take this as the run's spend sample at its end.
pub fn added_spend_usd(run_spend_usd: f64, model_spend_usd: f64) -> f64 {
    crate::pricing::round_usd(run_spend_usd - model_spend_usd)
}

fn window_us(c: &Config) -> i64 {
    (c.alert_window_s * 1e6) as i64
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
