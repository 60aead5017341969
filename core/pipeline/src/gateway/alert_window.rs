//! The alert rules' rolling window (`alerts.rs`): samples kept in at most
//! `SLOTS` entries, the rates, the spend and the runs' p95 kept up to date
//! as samples come and go.

use std::collections::{BTreeMap, VecDeque};

/// What one observation was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// A tool result: whether it failed, and whether it timed out / failed
    /// validation. Build it with [`Sample::tool_result`].
    Call {
        /// Not ok (any `error_class`).
        failed: bool,
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
    /// Spend: a priced `model_call`'s cost, or at a run's end the spend
    /// the application added; in nano-USD, so that the window's sum is
    /// exact as samples come and go. Build it with [`Sample::spend`].
    Spend {
        /// The amount, in 1e-9 USD.
        nano_usd: i64,
    },
}

impl Sample {
    /// A tool result with this `error_class` (`None`: it was ok): the
    /// live gateway and the replay classify results by this one rule.
    pub fn tool_result(error_class: Option<&str>) -> Self {
        Sample::Call {
            failed: error_class.is_some(),
            timeout: error_class == Some("timeout"),
            invalid: error_class == Some("validation_failed"),
        }
    }

    /// Spend of `usd`; `None` when there is nothing to count (zero,
    /// negative or not a number).
    pub fn spend(usd: f64) -> Option<Self> {
        let nano = (usd * 1e9).round();
        (nano.is_finite() && nano >= 1.0).then(|| Sample::Spend {
            nano_usd: nano.min(i64::MAX as f64) as i64,
        })
    }
}

/// How many slots a window is cut into at most: samples closer together than
/// `window / SLOTS` share an entry, so memory stays bounded at any call rate
/// (one entry per call held 16 bytes × every call of the last five minutes:
/// 720 MB for a tight loop at 150,000 calls/s).
pub(super) const SLOTS: i64 = 4096;

/// Calls that arrived within one slot of `first` (µs).
#[derive(Debug, Clone, Copy)]
pub(super) struct CallEntry {
    pub(super) first: i64,
    pub(super) calls: usize,
    pub(super) failed: usize,
    pub(super) timeouts: usize,
    pub(super) invalid: usize,
}

/// Spend that arrived within one slot of `first`.
#[derive(Debug, Clone, Copy)]
pub(super) struct SpendEntry {
    pub(super) first: i64,
    pub(super) nano_usd: i64,
    pub(super) samples: usize,
}

/// Runs that ended within one slot of `first`: (tool calls, how many runs).
#[derive(Debug, Clone)]
pub(super) struct RunEntry {
    pub(super) first: i64,
    pub(super) counts: Vec<(u64, usize)>,
}

/// The window's samples and the numbers kept up to date as they come and go
/// (O(1) per sample amortized; the p95 is recounted only when the runs in
/// the window change): recounting made each call cost O(calls in the window).
/// An entry leaves the window when its first sample does, so a sample may
/// leave up to `window / SLOTS` early (73 ms of a 5-minute window); samples
/// further apart than that are kept one by one, exactly.
#[derive(Debug, Default)]
pub(super) struct Window {
    pub(super) calls: VecDeque<CallEntry>,
    pub(super) total: usize,
    pub(super) failed: usize,
    pub(super) timeouts: usize,
    pub(super) invalid: usize,
    pub(super) spend: VecDeque<SpendEntry>,
    pub(super) spend_nano_usd: i64,
    pub(super) spend_samples: usize,
    pub(super) runs: VecDeque<RunEntry>,
    pub(super) total_runs: usize,
    /// Tool-call counts of the runs in the window: count -> how many runs.
    pub(super) run_counts: BTreeMap<u64, usize>,
    /// The p95 of `run_counts`, until the runs change.
    pub(super) p95: Option<f64>,
}

pub(super) fn rate(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// The slot length of a window (at least 1 µs).
pub(super) fn slot_us(window_us: i64) -> i64 {
    (window_us / SLOTS).max(1)
}

impl Window {
    /// Whether a sample leaves the window by `now_us`.
    pub(super) fn would_prune(&self, window_us: i64, now_us: i64) -> bool {
        let cutoff = now_us - window_us;
        self.calls.front().is_some_and(|e| e.first <= cutoff)
            || self.runs.front().is_some_and(|e| e.first <= cutoff)
            || self.spend.front().is_some_and(|e| e.first <= cutoff)
    }

    pub(super) fn prune(&mut self, window_us: i64, now_us: i64) {
        let cutoff = now_us - window_us;
        while let Some(e) = self.calls.front().filter(|e| e.first <= cutoff) {
            self.total -= e.calls;
            self.failed -= e.failed;
            self.timeouts -= e.timeouts;
            self.invalid -= e.invalid;
            self.calls.pop_front();
        }
        while let Some(e) = self.spend.front().filter(|e| e.first <= cutoff) {
            self.spend_nano_usd -= e.nano_usd;
            self.spend_samples -= e.samples;
            self.spend.pop_front();
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

    pub(super) fn add(&mut self, window_us: i64, now_us: i64, sample: Sample) {
        let slot = slot_us(window_us);
        match sample {
            Sample::Call {
                failed,
                timeout,
                invalid,
            } => {
                let entry = match self.calls.back_mut() {
                    Some(e) if now_us - e.first < slot => e,
                    _ => {
                        self.calls.push_back(CallEntry {
                            first: now_us,
                            calls: 0,
                            failed: 0,
                            timeouts: 0,
                            invalid: 0,
                        });
                        self.calls.back_mut().expect("just pushed")
                    }
                };
                entry.calls += 1;
                entry.failed += usize::from(failed);
                entry.timeouts += usize::from(timeout);
                entry.invalid += usize::from(invalid);
                self.total += 1;
                self.failed += usize::from(failed);
                self.timeouts += usize::from(timeout);
                self.invalid += usize::from(invalid);
            }
            Sample::Spend { nano_usd } => {
                let entry = match self.spend.back_mut() {
                    Some(e) if now_us - e.first < slot => e,
                    _ => {
                        self.spend.push_back(SpendEntry {
                            first: now_us,
                            nano_usd: 0,
                            samples: 0,
                        });
                        self.spend.back_mut().expect("just pushed")
                    }
                };
                entry.nano_usd = entry.nano_usd.saturating_add(nano_usd);
                entry.samples += 1;
                self.spend_nano_usd = self.spend_nano_usd.saturating_add(nano_usd);
                self.spend_samples += 1;
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
    pub(super) fn runs_p95(&mut self) -> f64 {
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

    /// Each rule's value and how many samples it rests on, for a window of
    /// `window_us` (spend is per minute of it).
    pub(super) fn values(&mut self, window_us: i64) -> [(f64, usize); 5] {
        let total = self.total;
        let per_min = self.spend_nano_usd as f64 / 1e9 / (window_us as f64 / 60e6);
        [
            (self.runs_p95(), self.total_runs),
            (rate(self.timeouts, total), total),
            (rate(self.invalid, total), total),
            (rate(self.failed, total), total),
            (per_min, self.spend_samples),
        ]
    }
}
