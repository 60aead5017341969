//! `loops`: identical `(tool, args_hash)` calls repeated within a run. A
//! run's counters live until its `run_end` (to the end of the logs for a run
//! that never ends: gateway calls outside a run scope, a killed process), so
//! they are compact (issue 13 item 15: 500k open runs took 502 MiB): the tool
//! as a number into one table of names, a SHA-256 `args_hash` as its 32
//! bytes, a handful of pairs in a plain vector.

// foldhash (seeded per process): a lookup per call; the findings are sorted.
use foldhash::{HashMap, HashMapExt};

use super::hexhash::{sha256_bytes, sha256_text};
use super::names::{Names, Sym};
use super::scan::Fields;
use tooltrail_core::schema::{event, field};
use tooltrail_json::Value;

/// A repeated identical call within a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopFinding {
    /// The run.
    pub run_id: String,
    /// The tool.
    pub tool: String,
    /// The arguments' hash.
    pub args_hash: String,
    /// How many identical calls were attempted.
    pub count: u64,
    /// How many of them the loop guard refused.
    pub blocked: u64,
}

/// An `args_hash`: the gateway's 64 lowercase hex digits as their bytes,
/// anything else (another producer's) by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Args {
    Sha256([u8; 32]),
    Other(Sym),
}

impl Args {
    fn new(hash: &str, names: &mut Names) -> Self {
        match sha256_bytes(hash) {
            Some(bytes) => Args::Sha256(bytes),
            None => Args::Other(names.sym(hash)),
        }
    }

    fn text(self, names: &Names) -> String {
        match self {
            Args::Sha256(bytes) => String::from_utf8(sha256_text(&bytes).to_vec()).expect("hex"),
            Args::Other(s) => names.name(s).unwrap_or("").to_owned(),
        }
    }
}

/// One pair's counts in one run (48 bytes).
#[derive(Debug)]
struct Pair {
    tool: Sym,
    args: Args,
    count: u32,
    blocked: u32,
}

/// A run's pairs; past [`INDEXED`] of them, with an index (a run that makes
/// thousands of distinct calls must not cost a scan per call).
#[derive(Debug, Default)]
struct Counts {
    pairs: Vec<Pair>,
    // Boxed on purpose: an absent index costs 8 bytes instead of 48, and
    // almost every run has none.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<(Sym, Args), usize>>>,
}

const INDEXED: usize = 16;

impl Counts {
    fn add(&mut self, tool: Sym, args: Args, blocked: bool) {
        self.add_counts(tool, args, 1, u32::from(blocked));
    }

    /// Counts `count` calls of a pair, `blocked` of them refused.
    fn add_counts(&mut self, tool: Sym, args: Args, count: u32, blocked: u32) {
        let found = match &self.index {
            Some(index) => index.get(&(tool, args)).copied(),
            None => self
                .pairs
                .iter()
                .position(|p| p.tool == tool && p.args == args),
        };
        let i = found.unwrap_or_else(|| {
            if self.index.is_none() {
                // Most runs repeat few pairs: no room for four (Vec's
                // first growth) when one or two will do.
                self.pairs.reserve_exact(1);
            }
            self.pairs.push(Pair {
                tool,
                args,
                count: 0,
                blocked: 0,
            });
            let i = self.pairs.len() - 1;
            if let Some(index) = &mut self.index {
                index.insert((tool, args), i);
            } else if self.pairs.len() > INDEXED {
                let all = self.pairs.iter().enumerate();
                self.index = Some(Box::new(all.map(|(i, p)| ((p.tool, p.args), i)).collect()));
            }
            i
        });
        let p = &mut self.pairs[i];
        p.count = p.count.saturating_add(count);
        p.blocked = p.blocked.saturating_add(blocked);
    }
}

/// Settles a run's counters: its pairs repeated at least `min` times.
fn settle(run_id: &str, counts: Counts, names: &Names, min: u64, found: &mut Vec<LoopFinding>) {
    found.extend(
        counts
            .pairs
            .into_iter()
            .filter(|p| u64::from(p.count) >= min)
            .map(|p| LoopFinding {
                run_id: run_id.to_owned(),
                tool: names.name(p.tool).unwrap_or("").to_owned(),
                args_hash: p.args.text(names),
                count: p.count.into(),
                blocked: p.blocked.into(),
            }),
    );
}

/// What a `tool_call` adds to a run's counters, and whether it ends one:
/// `None` for events `loops` does not count.
enum Step<'e> {
    End(&'e str),
    Call(&'e str, &'e str, &'e str, bool),
}

fn step(e: &impl Fields) -> Option<Step<'_>> {
    let (event, run) = (e.str(field::EVENT)?, e.str(field::RUN_ID)?);
    if event == event::RUN_END {
        return Some(Step::End(run));
    }
    if event != event::TOOL_CALL {
        return None;
    }
    let (tool, hash) = (e.str(field::TOOL)?, e.str(field::ARGS_HASH)?);
    let blocked = e.str(field::ERROR_CLASS) == Some("loop_detected");
    Some(Step::Call(run, tool, hash, blocked))
}

/// Streams events into loop findings. A run's counters are settled and
/// dropped at its `run_end`, so memory follows the runs in flight, not the
/// length of the logs.
#[derive(Debug)]
pub(crate) struct LoopsAcc {
    names: Names,
    open: HashMap<Box<str>, Counts>,
    found: Vec<LoopFinding>,
    min: u64,
}

impl LoopsAcc {
    /// Finds pairs repeated at least `min` times in a run.
    pub(crate) fn new(min: u64) -> Self {
        Self {
            names: Names::default(),
            open: HashMap::new(),
            found: Vec::new(),
            min,
        }
    }

    /// Takes one event into account.
    pub(crate) fn absorb(&mut self, e: &impl Fields) {
        match step(e) {
            None => {}
            Some(Step::End(run)) => {
                if let Some(counts) = self.open.remove(run) {
                    settle(run, counts, &self.names, self.min, &mut self.found);
                }
            }
            Some(Step::Call(run, tool, hash, blocked)) => {
                let names = &mut self.names;
                let (tool, args) = (names.sym(tool), Args::new(hash, names));
                match self.open.get_mut(run) {
                    Some(counts) => counts.add(tool, args, blocked),
                    None => self
                        .open
                        .entry(run.into())
                        .or_default()
                        .add(tool, args, blocked),
                }
            }
        }
    }

    /// The findings, most repeated first.
    pub(crate) fn finish(mut self) -> Vec<LoopFinding> {
        for (run, counts) in std::mem::take(&mut self.open) {
            settle(&run, counts, &self.names, self.min, &mut self.found);
        }
        let mut found = self.found;
        // Stable: equal findings (one run's pair, ended twice) stay in log order.
        found.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.run_id.cmp(&b.run_id))
                .then_with(|| a.tool.cmp(&b.tool))
                .then_with(|| a.args_hash.cmp(&b.args_hash))
        });
        found
    }
}

/// Identical `(tool, args_hash)` calls repeated at least `min` times in a run.
/// A run's counters are settled and dropped at its `run_end`, so memory
/// follows the runs in flight, not the length of the logs.
pub fn loops(events: impl Iterator<Item = Value>, min: u64) -> Vec<LoopFinding> {
    let mut acc = LoopsAcc::new(min);
    for e in events {
        acc.absorb(&e);
    }
    acc.finish()
}

mod part;
pub(crate) use part::LoopsPart;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_or_are_kept_as_text() {
        let mut names = Names::default();
        let sha = "45fdf29a2289b96eecf537204497ce4fd0611c6653a090aa82b884380a5c4be6";
        for text in [sha, &sha.to_uppercase(), "short", "", &sha[..63]] {
            let args = Args::new(text, &mut names);
            assert_eq!(args.text(&names), text);
            assert_eq!(matches!(args, Args::Sha256(_)), text == sha, "{text}");
        }
    }

    #[test]
    fn many_pairs_in_one_run_are_counted_alike_with_the_index() {
        let mut counts = Counts::default();
        for round in 0..3 {
            for i in 0..100u8 {
                counts.add(
                    u32::from(i % 3),
                    Args::Sha256([i; 32]),
                    round == 2 && i == 7,
                );
            }
        }
        assert!(counts.index.is_some());
        assert_eq!(counts.pairs.len(), 100);
        assert!(counts.pairs.iter().all(|p| p.count == 3));
        assert_eq!(counts.pairs[7].blocked, 1);
    }
}
