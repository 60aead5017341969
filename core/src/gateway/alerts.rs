//! Alert rules evaluated in process over rolling windows (SPEC §4 `alert`).
//! Each rule has a level (ok / warn / critical); an `alert` event is written
//! only when the level changes (`resolved` when it falls back to ok).

use std::collections::{BTreeMap, VecDeque};

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
///
/// Every call evaluates the rules, so the window's numbers are kept up to
/// date as entries come and go (O(1) per call, O(distinct counts) for the
/// p95) instead of being recounted: recounting made each call cost O(calls
/// in the window), about 30 µs per call after 10,000 calls.
#[derive(Debug, Default)]
pub struct Alerts {
    calls: VecDeque<(i64, bool, bool)>,
    timeouts: usize,
    invalid: usize,
    runs: VecDeque<(i64, u64)>,
    /// Tool-call counts of the runs in the window: count -> how many runs.
    run_counts: BTreeMap<u64, usize>,
    levels: [Level; 3],
}

fn rate(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

impl Alerts {
    fn prune(&mut self, window_us: i64, now_us: i64) {
        let cutoff = now_us - window_us;
        while let Some(&(_, timeout, invalid)) = self.calls.front().filter(|c| c.0 <= cutoff) {
            self.calls.pop_front();
            self.timeouts -= usize::from(timeout);
            self.invalid -= usize::from(invalid);
        }
        while let Some(&(_, count)) = self.runs.front().filter(|r| r.0 <= cutoff) {
            self.runs.pop_front();
            if let Some(n) = self.run_counts.get_mut(&count) {
                *n -= 1;
                if *n == 0 {
                    self.run_counts.remove(&count);
                }
            }
        }
    }

    /// Records a tool result.
    pub fn record_call(&mut self, now_us: i64, timeout: bool, invalid: bool) {
        self.calls.push_back((now_us, timeout, invalid));
        self.timeouts += usize::from(timeout);
        self.invalid += usize::from(invalid);
    }

    /// Records a finished run's tool-call count.
    pub fn record_run(&mut self, now_us: i64, tool_calls: u64) {
        self.runs.push_back((now_us, tool_calls));
        *self.run_counts.entry(tool_calls).or_insert(0) += 1;
    }

    /// Nearest-rank p95 of the runs' tool-call counts (0 with no runs).
    fn runs_p95(&self) -> f64 {
        let n = self.runs.len();
        if n == 0 {
            return 0.0;
        }
        let rank = ((n as f64 * 0.95).ceil() as usize).clamp(1, n);
        let mut seen = 0;
        for (&count, &runs) in &self.run_counts {
            seen += runs;
            if seen >= rank {
                return count as f64;
            }
        }
        0.0
    }

    /// The current values: p95 tool calls per run, timeout rate, validation fail rate.
    pub fn values(&mut self, c: &Config, now_us: i64) -> [f64; 3] {
        self.prune((c.alert_window_s * 1e6) as i64, now_us);
        let total = self.calls.len();
        [
            self.runs_p95(),
            rate(self.timeouts, total),
            rate(self.invalid, total),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept-up-to-date numbers equal a recount from scratch, as entries
    /// enter and leave the window.
    #[test]
    fn incremental_numbers_match_a_recount() {
        let config = Config {
            alert_window_s: 10.0,
            ..Config::default()
        };
        let mut a = Alerts::default();
        let mut seed = 7u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for step in 0..5_000i64 {
            let now = step * 7_000; // 7 ms apart: entries leave a 10 s window
            let r = next();
            a.record_call(now, r % 5 == 0, r % 7 == 0);
            if r % 3 == 0 {
                a.record_run(now, r % 13);
            }
            let got = a.values(&config, now);
            let total = a.calls.len();
            let mut counts: Vec<u64> = a.runs.iter().map(|r| r.1).collect();
            counts.sort_unstable();
            let p95 = if counts.is_empty() {
                0.0
            } else {
                counts[((counts.len() as f64 * 0.95).ceil() as usize).clamp(1, counts.len()) - 1]
                    as f64
            };
            let want = [
                p95,
                rate(a.calls.iter().filter(|c| c.1).count(), total),
                rate(a.calls.iter().filter(|c| c.2).count(), total),
            ];
            assert_eq!(got, want, "step {step}");
        }
        assert!(a.calls.len() < 1_500, "the window let entries go");
    }
}
