//! `loops`: identical `(tool, args_hash)` calls repeated within a run. A
//! run's counters live until its `run_end` (to the end of the logs for a run
//! that never ends: gateway calls outside a run scope, a killed process), so
//! they are compact (issue 13 item 15: 500k open runs took 502 MiB): the tool
//! as a number into one table of names, a SHA-256 `args_hash` as its 32
//! bytes, a handful of pairs in a plain vector.

use std::collections::HashMap;

use super::names::{Names, Sym};
use super::str_field;
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
        let b = hash.as_bytes();
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut out = [0u8; 32];
        let whole = b.len() == 64
            && out.iter_mut().enumerate().all(|(i, o)| {
                match (nibble(b[2 * i]), nibble(b[2 * i + 1])) {
                    (Some(h), Some(l)) => {
                        *o = h << 4 | l;
                        true
                    }
                    _ => false,
                }
            });
        if whole {
            Args::Sha256(out)
        } else {
            Args::Other(names.sym(hash))
        }
    }

    fn text(self, names: &Names) -> String {
        match self {
            Args::Sha256(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
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
        p.count = p.count.saturating_add(1);
        p.blocked = p.blocked.saturating_add(u32::from(blocked));
    }
}

/// Identical `(tool, args_hash)` calls repeated at least `min` times in a run.
/// A run's counters are settled and dropped at its `run_end`, so memory
/// follows the runs in flight, not the length of the logs.
pub fn loops(events: impl Iterator<Item = Value>, min: u64) -> Vec<LoopFinding> {
    let mut names = Names::default();
    let mut open: HashMap<Box<str>, Counts> = HashMap::new();
    let mut found: Vec<LoopFinding> = Vec::new();
    let settle = |run_id: &str, counts: Counts, names: &Names, found: &mut Vec<LoopFinding>| {
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
    };
    for e in events {
        let (Some(event), Some(run)) = (str_field(&e, field::EVENT), str_field(&e, field::RUN_ID))
        else {
            continue;
        };
        if event == event::RUN_END {
            if let Some(counts) = open.remove(run) {
                settle(run, counts, &names, &mut found);
            }
            continue;
        }
        let (true, Some(tool), Some(hash)) = (
            event == event::TOOL_CALL,
            str_field(&e, field::TOOL),
            str_field(&e, field::ARGS_HASH),
        ) else {
            continue;
        };
        let (tool, args) = (names.sym(tool), Args::new(hash, &mut names));
        let blocked = str_field(&e, field::ERROR_CLASS) == Some("loop_detected");
        match open.get_mut(run) {
            Some(counts) => counts.add(tool, args, blocked),
            None => open.entry(run.into()).or_default().add(tool, args, blocked),
        }
    }
    for (run, counts) in open {
        settle(&run, counts, &names, &mut found);
    }
    found.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.run_id.cmp(&b.run_id))
            .then_with(|| a.tool.cmp(&b.tool))
            .then_with(|| a.args_hash.cmp(&b.args_hash))
    });
    found
}

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
