//! `stats`: per tool, calls, failures by class and latency percentiles; and
//! the hottest `(tool, args_hash)` pairs. Memory is bounded (see `sketch`).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use tooltrail_core::schema::{event, field};
use tooltrail_json::Value;

use super::hexhash::{sha256_bytes, sha256_text};
use super::scan::Fields;
use super::sketch::{HeavyHitters, LatencySketch};

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

/// A `(tool, args_hash)` pair as counted: the tool's name shared, a SHA-256
/// hash as its bytes. Ordered as the pair of texts (ties in `hottest`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Pair {
    tool: Arc<str>,
    hash: ArgsHash,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ArgsHash {
    Sha256([u8; 32]),
    Text(Box<str>),
}

impl ArgsHash {
    fn text(&self) -> Cow<'_, str> {
        match self {
            ArgsHash::Sha256(b) => {
                Cow::Owned(String::from_utf8(sha256_text(b).to_vec()).expect("hex"))
            }
            ArgsHash::Text(t) => Cow::Borrowed(t),
        }
    }
}

impl Ord for Pair {
    fn cmp(&self, other: &Self) -> Ordering {
        self.tool
            .cmp(&other.tool)
            .then_with(|| match (&self.hash, &other.hash) {
                // Lowercase hex digits sort as the bytes they spell.
                (ArgsHash::Sha256(a), ArgsHash::Sha256(b)) => a.cmp(b),
                (a, b) => a.text().cmp(&b.text()),
            })
    }
}

impl PartialOrd for Pair {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One tool's numbers while the logs are read.
#[derive(Debug)]
struct Tool {
    stats: ToolStats,
    latencies: LatencySketch,
    name: Arc<str>,
}

type Tools = BTreeMap<String, Tool>;

/// Takes one event into `tools`; the pair a `tool_call` counts, if any.
fn absorb(tools: &mut Tools, e: &impl Fields) -> Option<Pair> {
    let (Some(event), Some(tool)) = (e.str(field::EVENT), e.str(field::TOOL)) else {
        return None;
    };
    if !matches!(event, event::TOOL_RESULT | event::TOOL_CALL) {
        return None;
    }
    if !tools.contains_key(tool) {
        let stats = ToolStats {
            tool: tool.to_owned(),
            ..ToolStats::default()
        };
        let (latencies, name) = (LatencySketch::default(), Arc::from(tool));
        tools.insert(
            tool.to_owned(),
            Tool {
                stats,
                latencies,
                name,
            },
        );
    }
    let t = tools.get_mut(tool).expect("inserted above");
    if let Some(c) = e.str(field::ERROR_CLASS) {
        *t.stats.errors.entry(c.to_owned()).or_insert(0) += 1;
    }
    if event == event::TOOL_RESULT {
        t.stats.calls += 1;
        if let Some(l) = e.num(field::LATENCY_MS) {
            t.latencies.add(l);
        }
        return None;
    }
    let hash = e.str(field::ARGS_HASH)?;
    let hash = sha256_bytes(hash).map_or_else(|| ArgsHash::Text(hash.into()), ArgsHash::Sha256);
    let tool = Arc::clone(&t.name);
    Some(Pair { tool, hash })
}

/// What one part of the logs holds for `stats`: the tools' numbers, and the
/// pairs in the order they were called (the bounded pair counter's result
/// depends on the order, so it is fed again, in log order, at the merge).
#[derive(Debug, Default)]
pub(crate) struct StatsPart {
    tools: Tools,
    calls: Vec<Pair>,
}

impl StatsPart {
    /// Takes one event into account.
    pub(crate) fn absorb(&mut self, e: &impl Fields) {
        if let Some(pair) = absorb(&mut self.tools, e) {
            self.calls.push(pair);
        }
    }
}

/// Streams events into [`StatsReport`] numbers.
pub struct StatsAcc {
    tools: Tools,
    pairs: HeavyHitters<Pair>,
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
        self.absorb_fields(e);
    }

    /// [`absorb`](Self::absorb), for an event however it was read.
    pub(crate) fn absorb_fields(&mut self, e: &impl Fields) {
        if let Some(pair) = absorb(&mut self.tools, e) {
            self.pairs.add_owned(pair);
        }
    }

    /// Takes in the part of the logs right after the events read so far.
    pub(crate) fn merge(&mut self, part: StatsPart) {
        for (name, t) in part.tools {
            match self.tools.get_mut(&name) {
                None => {
                    self.tools.insert(name, t);
                }
                Some(mine) => {
                    mine.stats.calls += t.stats.calls;
                    for (class, n) in t.stats.errors {
                        *mine.stats.errors.entry(class).or_insert(0) += n;
                    }
                    mine.latencies.merge(t.latencies);
                }
            }
        }
        for pair in part.calls {
            self.pairs.add_owned(pair);
        }
    }

    /// The numbers.
    pub fn finish(self) -> StatsReport {
        let mut approximate = self.pairs.max_undercount() > 0;
        let tools = self
            .tools
            .into_values()
            .map(|mut t| {
                approximate |= !t.latencies.is_exact();
                t.stats.latency_ms = t.latencies.percentiles([0.50, 0.95, 0.99]);
                t.stats
            })
            .collect();
        let hottest = self
            .pairs
            .top(self.top)
            .into_iter()
            .map(|(p, n)| (p.tool.to_string(), p.hash.text().into_owned(), n))
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
