//! Alert rules over rolling windows (SPEC §4 `alert`): one state machine,
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

use std::collections::{BTreeMap, VecDeque};

use crate::config::{AlertRule, Config};
use crate::value::Value;

/// The configured rules, in a fixed order.
pub const RULES: [&str; 3] = [
    "tool_calls_per_run_p95",
    "timeout_rate",
    "validation_fail_rate",
];

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
/// failure, a run with more tool calls than the warn threshold).
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

/// What one observation was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// A tool result: whether it timed out / failed validation.
    Call {
        /// `error_class: timeout`.
        timeout: bool,
        /// `error_class: validation_failed`.
        invalid: bool,
    },
    /// A run ended with this many tool calls.
    Run {
        /// `tool_calls` of its `run_end`.
        tool_calls: u64,
    },
}

/// How many slots a window is cut into at most: samples closer together than
/// `window / SLOTS` share an entry, so memory stays bounded at any call rate
/// (one entry per call held 16 bytes × every call of the last five minutes:
/// 720 MB for a tight loop at 150,000 calls/s).
const SLOTS: i64 = 4096;

/// Calls that arrived within one slot of `first` (µs).
#[derive(Debug, Clone, Copy)]
struct CallEntry {
    first: i64,
    calls: usize,
    timeouts: usize,
    invalid: usize,
}

/// Runs that ended within one slot of `first`: (tool calls, how many runs).
#[derive(Debug, Clone)]
struct RunEntry {
    first: i64,
    counts: Vec<(u64, usize)>,
}

/// The window's samples and the numbers kept up to date as they come and go
/// (O(1) per sample amortized; the p95 is recounted only when the runs in
/// the window change): recounting made each call cost O(calls in the window).
/// An entry leaves the window when its first sample does, so a sample may
/// leave up to `window / SLOTS` early (73 ms of a 5-minute window); samples
/// further apart than that are kept one by one, exactly.
#[derive(Debug, Default)]
struct Window {
    calls: VecDeque<CallEntry>,
    total: usize,
    timeouts: usize,
    invalid: usize,
    runs: VecDeque<RunEntry>,
    total_runs: usize,
    /// Tool-call counts of the runs in the window: count -> how many runs.
    run_counts: BTreeMap<u64, usize>,
    /// The p95 of `run_counts`, until the runs change.
    p95: Option<f64>,
}

fn rate(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// The slot length of a window (at least 1 µs).
fn slot_us(window_us: i64) -> i64 {
    (window_us / SLOTS).max(1)
}

impl Window {
    /// Whether a sample leaves the window by `now_us`.
    fn would_prune(&self, window_us: i64, now_us: i64) -> bool {
        let cutoff = now_us - window_us;
        self.calls.front().is_some_and(|e| e.first <= cutoff)
            || self.runs.front().is_some_and(|e| e.first <= cutoff)
    }

    fn prune(&mut self, window_us: i64, now_us: i64) {
        let cutoff = now_us - window_us;
        while let Some(e) = self.calls.front().filter(|e| e.first <= cutoff) {
            self.total -= e.calls;
            self.timeouts -= e.timeouts;
            self.invalid -= e.invalid;
            self.calls.pop_front();
        }
        while let Some(e) = self.runs.pop_front() {
            if e.first > cutoff {
                self.runs.push_front(e);
                break;
            }
            self.p95 = None;
            for (count, runs) in e.counts {
                self.total_runs -= runs;
                if let Some(n) = self.run_counts.get_mut(&count) {
                    *n -= runs;
                    if *n == 0 {
                        self.run_counts.remove(&count);
                    }
                }
            }
        }
    }

    fn add(&mut self, window_us: i64, now_us: i64, sample: Sample) {
        let slot = slot_us(window_us);
        match sample {
            Sample::Call { timeout, invalid } => {
                let entry = match self.calls.back_mut() {
                    Some(e) if now_us - e.first < slot => e,
                    _ => {
                        self.calls.push_back(CallEntry {
                            first: now_us,
                            calls: 0,
                            timeouts: 0,
                            invalid: 0,
                        });
                        self.calls.back_mut().expect("just pushed")
                    }
                };
                entry.calls += 1;
                entry.timeouts += usize::from(timeout);
                entry.invalid += usize::from(invalid);
                self.total += 1;
                self.timeouts += usize::from(timeout);
                self.invalid += usize::from(invalid);
            }
            Sample::Run { tool_calls } => {
                let entry = match self.runs.back_mut() {
                    Some(e) if now_us - e.first < slot => e,
                    _ => {
                        self.runs.push_back(RunEntry {
                            first: now_us,
                            counts: Vec::new(),
                        });
                        self.runs.back_mut().expect("just pushed")
                    }
                };
                match entry.counts.iter_mut().find(|c| c.0 == tool_calls) {
                    Some(c) => c.1 += 1,
                    None => entry.counts.push((tool_calls, 1)),
                }
                self.total_runs += 1;
                *self.run_counts.entry(tool_calls).or_insert(0) += 1;
                self.p95 = None;
            }
        }
    }

    /// Nearest-rank p95 of the runs' tool-call counts (0 with no runs).
    fn runs_p95(&mut self) -> f64 {
        if let Some(p) = self.p95 {
            return p;
        }
        let n = self.total_runs;
        let mut p95 = 0.0;
        if n > 0 {
            let rank = ((n as f64 * 0.95).ceil() as usize).clamp(1, n);
            let mut seen = 0;
            for (&count, &runs) in &self.run_counts {
                seen += runs;
                if seen >= rank {
                    p95 = count as f64;
                    break;
                }
            }
        }
        self.p95 = Some(p95);
        p95
    }

    /// Each rule's value and how many samples it rests on.
    fn values(&mut self) -> [(f64, usize); 3] {
        let total = self.total;
        [
            (self.runs_p95(), self.total_runs),
            (rate(self.timeouts, total), total),
            (rate(self.invalid, total), total),
        ]
    }
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
    rules: [RuleState; 3],
    /// Whether a tool result that neither timed out nor failed validation
    /// can change nothing but the window's count (see [`AlertEngine::calm`]),
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
    /// sample offends an enabled rule (a timeout, a validation failure, a run
    /// above a p95 warn threshold).
    pub fn observe(
        &mut self,
        c: &Config,
        now_us: i64,
        sample: Sample,
        ids: impl FnOnce() -> Tripped,
    ) -> Vec<AlertChange> {
        let rules = c.alert_rules();
        let offends = |i: usize| match (sample, rules[i]) {
            (_, None) => false,
            (Sample::Run { tool_calls }, Some(r)) => i == 0 && tool_calls as f64 > r.warn,
            (Sample::Call { timeout, invalid }, _) => (i == 1 && timeout) || (i == 2 && invalid),
        };
        if sample
            == (Sample::Call {
                timeout: false,
                invalid: false,
            })
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

    /// Whether a tool result that neither timed out nor failed validation,
    /// taken while no sample leaves the window, leaves every rule where it
    /// is: each enabled rule is `ok` with no sustain period running, its
    /// value points at `ok`, and will go on doing so (the rate rules count
    /// no offending result in the window, so their value stays 0 and 0 is
    /// not above a threshold of 0 or more; the p95 rule's runs do not
    /// change). Recomputed at every evaluation.
    fn calm(&self, c: &Config, values: [(f64, usize); 3]) -> bool {
        let offending = [0, self.window.timeouts, self.window.invalid];
        c.alert_rules()
            .into_iter()
            .zip(&self.rules)
            .zip(values.into_iter().zip(offending))
            .enumerate()
            .all(|(i, ((rule, state), ((value, samples), offending)))| {
                let Some(rule) = rule else { return true };
                state.level == Level::Ok
                    && state.since == [None, None]
                    && target(rule, value, samples, Level::Ok) == Level::Ok
                    && (i == 0 || (offending == 0 && rule.warn >= 0.0 && rule.critical >= 0.0))
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
        values: [(f64, usize); 3],
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
    fn values(&mut self, c: &Config, now_us: i64) -> [(f64, usize); 3] {
        self.window.prune(window_us(c), now_us);
        self.window.values()
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
            ("alerts", levels),
        ])
    }
}

fn window_us(c: &Config) -> i64 {
    (c.alert_window_s * 1e6) as i64
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
