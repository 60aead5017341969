//! `stats`: per tool, calls, failures by class and latency percentiles; and
//! the hottest `(tool, args_hash)` pairs. Memory is bounded (see `sketch`).

use std::collections::BTreeMap;
use tooltrail_core::schema::{event, field};

use super::sketch::{HeavyHitters, LatencySketch};
use super::{num_field, str_field};
use tooltrail_json::Value;

/// Per-tool numbers for `stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolStats {
    /// The tool.
    pub tool: String,
    /// Results logged.
    pub calls: u64,
    /// Failures by class (refusals included).
    pub errors: BTreeMap<String, u64>,
    /// Latency percentiles in ms: p50, p95, p99.
    pub latency_ms: [f64; 3],
}

/// What `stats` reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsReport {
    /// One entry per tool, by name.
    pub tools: Vec<ToolStats>,
    /// The most called `(tool, args_hash, calls)`, most first.
    pub hottest: Vec<(String, String, u64)>,
    /// False when the logs were small enough for every number to be exact;
    /// true when percentiles came from buckets (within 0.5%) or pair counts
    /// from the bounded counter (low by at most `hottest_max_undercount`).
    pub approximate: bool,
    /// How far a `hottest` count may be below the truth.
    pub hottest_max_undercount: u64,
}

/// Distinct `(tool, args_hash)` pairs counted exactly per requested row.
const PAIRS_PER_ROW: usize = 1_000;

/// Streams events into [`StatsReport`] numbers.
pub struct StatsAcc {
    tools: BTreeMap<String, (ToolStats, LatencySketch)>,
    pairs: HeavyHitters<(String, String)>,
    top: usize,
}

impl StatsAcc {
    /// Reports the `top` hottest pairs.
    pub fn new(top: usize) -> Self {
        Self {
            tools: BTreeMap::new(),
            // Saturating: `top` comes from the caller and may be huge.
            pairs: HeavyHitters::new(top.max(10).saturating_mul(PAIRS_PER_ROW)),
            top,
        }
    }

    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        let (Some(event), Some(tool)) = (str_field(e, field::EVENT), str_field(e, field::TOOL))
        else {
            return;
        };
        if !matches!(event, event::TOOL_RESULT | event::TOOL_CALL) {
            return;
        }
        if !self.tools.contains_key(tool) {
            let fresh = ToolStats {
                tool: tool.to_owned(),
                ..ToolStats::default()
            };
            self.tools
                .insert(tool.to_owned(), (fresh, LatencySketch::default()));
        }
        let (stats, latencies) = self.tools.get_mut(tool).expect("inserted above");
        if let Some(c) = str_field(e, field::ERROR_CLASS) {
            *stats.errors.entry(c.to_owned()).or_insert(0) += 1;
        }
        if event == event::TOOL_RESULT {
            stats.calls += 1;
            if let Some(l) = num_field(e, field::LATENCY_MS) {
                latencies.add(l);
            }
        } else if let Some(h) = str_field(e, field::ARGS_HASH) {
            self.pairs.add(&(tool.to_owned(), h.to_owned()));
        }
    }

    /// The numbers.
    pub fn finish(self) -> StatsReport {
        let mut approximate = self.pairs.max_undercount() > 0;
        let tools = self
            .tools
            .into_values()
            .map(|(mut s, mut lat)| {
                approximate |= !lat.is_exact();
                s.latency_ms = lat.percentiles([0.50, 0.95, 0.99]);
                s
            })
            .collect();
        let hottest = self
            .pairs
            .top(self.top)
            .into_iter()
            .map(|((t, h), n)| (t, h, n))
            .collect();
        StatsReport {
            tools,
            hottest,
            approximate,
            hottest_max_undercount: self.pairs.max_undercount(),
        }
    }
}

/// `stats` over a stream of events.
pub fn stats(events: impl Iterator<Item = Value>, top: usize) -> StatsReport {
    let mut acc = StatsAcc::new(top);
    for e in events {
        acc.absorb(&e);
    }
    acc.finish()
}
