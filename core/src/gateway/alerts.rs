//! Alert rules evaluated in process over rolling windows (SPEC §4 `alert`).
//! Each rule has a level (ok / warn / critical); an `alert` event is written
//! only when the level changes (`resolved` when it falls back to ok).

use std::collections::VecDeque;

use crate::config::{Config, Thresholds};
use crate::value::Value;

/// The configured rules, in a fixed order.
pub const RULES: [&str; 3] = [
    "tool_calls_per_run_p95",
    "timeout_rate",
    "validation_fail_rate",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Level {
    #[default]
    Ok,
    Warn,
    Critical,
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
}

/// Rolling windows of recent tool results and finished runs.
#[derive(Debug, Default)]
pub struct Alerts {
    calls: VecDeque<(i64, bool, bool)>,
    runs: VecDeque<(i64, u64)>,
    levels: [Level; 3],
}

fn rate(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

impl Alerts {
    fn prune(&mut self, window_us: i64, now_us: i64) {
        let cutoff = now_us - window_us;
        while self.calls.front().is_some_and(|c| c.0 <= cutoff) {
            self.calls.pop_front();
        }
        while self.runs.front().is_some_and(|r| r.0 <= cutoff) {
            self.runs.pop_front();
        }
    }

    /// Records a tool result.
    pub fn record_call(&mut self, now_us: i64, timeout: bool, invalid: bool) {
        self.calls.push_back((now_us, timeout, invalid));
    }

    /// Records a finished run's tool-call count.
    pub fn record_run(&mut self, now_us: i64, tool_calls: u64) {
        self.runs.push_back((now_us, tool_calls));
    }

    /// The current values: p95 tool calls per run, timeout rate, validation fail rate.
    pub fn values(&mut self, c: &Config, now_us: i64) -> [f64; 3] {
        self.prune((c.alert_window_s * 1e6) as i64, now_us);
        let mut counts: Vec<u64> = self.runs.iter().map(|r| r.1).collect();
        counts.sort_unstable();
        // Nearest-rank p95.
        let p95 = if counts.is_empty() {
            0.0
        } else {
            counts[((counts.len() as f64 * 0.95).ceil() as usize).clamp(1, counts.len()) - 1] as f64
        };
        let total = self.calls.len();
        [
            p95,
            rate(self.calls.iter().filter(|c| c.1).count(), total),
            rate(self.calls.iter().filter(|c| c.2).count(), total),
        ]
    }

    /// Re-evaluates every rule; returns the level changes.
    pub fn evaluate(&mut self, c: &Config, now_us: i64) -> Vec<AlertChange> {
        let values = self.values(c, now_us);
        let rules: [Option<Thresholds>; 3] = [
            c.alert_tool_calls_p95,
            c.alert_timeout_rate,
            c.alert_validation_fail_rate,
        ];
        let mut changes = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let Some(t) = rule else { continue };
            let value = values[i];
            let level = if value >= t.critical {
                Level::Critical
            } else if value >= t.warn {
                Level::Warn
            } else {
                Level::Ok
            };
            if level != self.levels[i] {
                self.levels[i] = level;
                let (name, threshold) = match level {
                    Level::Critical => ("critical", t.critical),
                    Level::Warn => ("warn", t.warn),
                    Level::Ok => ("resolved", t.warn),
                };
                changes.push(AlertChange {
                    rule: RULES[i],
                    level: name,
                    value: (value * 1e6).round() / 1e6,
                    threshold,
                });
            }
        }
        changes
    }

    /// A snapshot for `gateway.metrics()`.
    pub fn snapshot(&mut self, c: &Config, now_us: i64) -> Value {
        let values = self.values(c, now_us);
        let levels = Value::Object(
            RULES
                .iter()
                .zip(self.levels)
                .map(|(r, l)| {
                    let name = match l {
                        Level::Ok => "ok",
                        Level::Warn => "warn",
                        Level::Critical => "critical",
                    };
                    ((*r).to_owned(), Value::from(name))
                })
                .collect(),
        );
        Value::object([
            ("window_s", Value::Number(c.alert_window_s)),
            ("tool_results", Value::Number(self.calls.len() as f64)),
            ("runs", Value::Number(self.runs.len() as f64)),
            ("tool_calls_per_run_p95", Value::Number(values[0])),
            ("timeout_rate", Value::Number(values[1])),
            ("validation_fail_rate", Value::Number(values[2])),
            ("alerts", levels),
        ])
    }
}
