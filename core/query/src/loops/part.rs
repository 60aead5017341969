//! `loops` over one part of the logs, merged in log order. A run's calls in
//! a part fall into segments cut by its `run_end`s: the first continues
//! whatever the run had open before the part, the ones between two ends
//! are whole (settled here), and the last is still open after it.

use foldhash::{HashMap, HashMapExt};

use super::{Args, Counts, LoopFinding, LoopsAcc, Step, settle, step};
use crate::names::{Names, Sym};
use crate::scan::Fields;

/// One run in one part.
#[derive(Debug, Default)]
struct RunPart {
    /// Calls before the part's first `run_end` of the run.
    head: Counts,
    /// What follows that `run_end`, if the part has one (boxed: most runs
    /// in a part are only in flight, and every byte here is per run).
    ended: Option<Box<Ended>>,
}

#[derive(Debug, Default)]
struct Ended {
    /// Segments between two of the run's `run_end`s, settled, in log order.
    settled: Vec<LoopFinding>,
    /// Calls after the last `run_end`.
    tail: Counts,
}

/// What one part of the logs holds for `loops`. The start of the logs has
/// nothing before it, so it is read as the whole is ([`LoopsAcc`]: a run's
/// counters dropped at its end), and a small log in one part takes the
/// memory it always took.
#[derive(Debug)]
pub(crate) enum LoopsPart {
    /// The first part.
    First(LoopsAcc),
    /// Any other.
    Later(Later),
}

/// A part after the first.
#[derive(Debug)]
pub(crate) struct Later {
    names: Names,
    runs: HashMap<Box<str>, RunPart>,
    min: u64,
}

impl LoopsPart {
    /// An empty part, for findings of at least `min` repeats; `first` for
    /// the start of the logs.
    pub(crate) fn new(min: u64, first: bool) -> Self {
        match first {
            true => LoopsPart::First(LoopsAcc::new(min)),
            false => LoopsPart::Later(Later {
                names: Names::default(),
                runs: HashMap::new(),
                min,
            }),
        }
    }

    /// Takes one event into account.
    pub(crate) fn absorb(&mut self, e: &impl Fields) {
        match self {
            LoopsPart::First(acc) => acc.absorb(e),
            LoopsPart::Later(part) => part.absorb(e),
        }
    }
}

impl Later {
    fn absorb(&mut self, e: &impl Fields) {
        let (run, call) = match step(e) {
            None => return,
            Some(Step::End(run)) => (run, None),
            Some(Step::Call(run, tool, hash, blocked)) => (run, Some((tool, hash, blocked))),
        };
        let r = match self.runs.get_mut(run) {
            Some(r) => r,
            None => self.runs.entry(run.into()).or_default(),
        };
        match (call, &mut r.ended) {
            (None, Some(ended)) => {
                let tail = std::mem::take(&mut ended.tail);
                settle(run, tail, &self.names, self.min, &mut ended.settled);
            }
            (None, None) => r.ended = Some(Box::default()),
            (Some((tool, hash, blocked)), ended) => {
                let names = &mut self.names;
                let (tool, args) = (names.sym(tool), Args::new(hash, names));
                let counts = match ended {
                    Some(ended) => &mut ended.tail,
                    None => &mut r.head,
                };
                counts.add(tool, args, blocked);
            }
        }
    }
}

impl LoopsAcc {
    /// Takes in the part of the logs right after the events read so far.
    pub(crate) fn merge(&mut self, part: LoopsPart) {
        let part = match part {
            // Merged first, into nothing.
            LoopsPart::First(acc) => return *self = acc,
            LoopsPart::Later(part) => part,
        };
        let map: Vec<Sym> = part.names.iter().map(|n| self.names.sym(n)).collect();
        let into = |from: Counts, to: &mut Counts| {
            for p in from.pairs {
                let args = match p.args {
                    Args::Other(s) => Args::Other(map[s as usize]),
                    sha => sha,
                };
                to.add_counts(map[p.tool as usize], args, p.count, p.blocked);
            }
        };
        for (run, r) in part.runs {
            if !r.head.pairs.is_empty() {
                match self.open.get_mut(&run) {
                    Some(open) => into(r.head, open),
                    None => into(r.head, self.open.entry(run.clone()).or_default()),
                }
            }
            if let Some(ended) = r.ended {
                if let Some(counts) = self.open.remove(&run) {
                    settle(&run, counts, &self.names, self.min, &mut self.found);
                }
                self.found.extend(ended.settled);
                if !ended.tail.pairs.is_empty() {
                    into(ended.tail, self.open.entry(run).or_default());
                }
            }
        }
    }
}
