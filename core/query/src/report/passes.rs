//! The report's two passes over the logs, read in chunks on every core as
//! `runs` and `stats` are, with the answer of reading every line in order.
//!
//! The first pass sums what merges (run summaries, tool stats, the event
//! count and time span) per chunk; what depends on the order of the events
//! (the alert replay, spend and the added spend it tells apart) is fed in
//! log order at the merge, from the few fields it reads of the events it
//! reads ([`Kept`], as the `alerts` and `spend` queries are). The second
//! pass keeps the lines of the listed runs, parsed at the merge, in log
//! order.

use std::io;

use foldhash::HashSet;

use tooltrail_core::schema::field;
use tooltrail_json::{Value, parse_json};

use crate::chunks::{Block, for_each_line};
use crate::events::{Absorb, Events};
use crate::kept::Kept;
use crate::parallel::{Logs, Plan, Work};
use crate::scan::{Fields, Scanner};
use crate::stats::StatsPart;
use crate::{AlertAcc, Gaps, RunsAcc, SpendAcc, SpendBy, StatsAcc};

use super::ReportOptions;

/// What the first pass gathers.
pub(super) struct FirstPass<'c> {
    pub(super) runs: RunsAcc,
    pub(super) stats: StatsAcc,
    pub(super) alerts: AlertAcc<'c>,
    pub(super) minutes: SpendAcc,
    pub(super) hours: SpendAcc,
    pub(super) spend_runs: SpendAcc,
    pub(super) tally: Tally,
}

/// How many events, and the time they span: the earliest timestamp that is
/// not empty, and the latest. Adding a later part's tally is the same as
/// taking its events.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) events: u64,
    pub(super) first_ts: String,
    pub(super) last_ts: String,
}

impl Tally {
    fn absorb(&mut self, e: &impl Fields) {
        self.events += 1;
        if let Some(ts) = e.str(field::TS) {
            self.span(ts);
        }
    }

    fn span(&mut self, ts: &str) {
        if !ts.is_empty() && (self.first_ts.is_empty() || ts < self.first_ts.as_str()) {
            self.first_ts.clear();
            self.first_ts.push_str(ts);
        }
        if ts > self.last_ts.as_str() {
            self.last_ts.clear();
            self.last_ts.push_str(ts);
        }
    }

    fn add(&mut self, later: &Tally) {
        self.events += later.events;
        self.span(&later.first_ts);
        self.span(&later.last_ts);
    }
}

impl<'c> FirstPass<'c> {
    pub(super) fn new(options: &'c ReportOptions) -> Self {
        let f = &options.filter;
        let spend = |by| SpendAcc::new(by, f.since, f.until, f.agent_id.clone());
        FirstPass {
            runs: RunsAcc::default(),
            stats: StatsAcc::new(10),
            alerts: AlertAcc::new(&options.config),
            minutes: spend(SpendBy::Minute),
            hours: spend(SpendBy::Hour),
            spend_runs: spend(SpendBy::Run),
            tally: Tally::default(),
        }
    }

    /// Takes the next event in log order.
    pub(super) fn absorb(&mut self, e: &impl Fields) {
        self.tally.absorb(e);
        self.runs.absorb_fields(e);
        self.stats.absorb_fields(e);
        self.in_order(e);
    }

    /// The summaries whose result depends on the order of the events.
    fn in_order(&mut self, e: &impl Fields) {
        self.alerts.absorb_fields(e);
        self.minutes.absorb_fields(e);
        self.hours.absorb_fields(e);
        self.spend_runs.absorb_fields(e);
    }

    /// Takes in the part of the logs right after the events read so far.
    fn merge(&mut self, part: ReportPart) {
        self.tally.add(&part.tally);
        self.runs.merge(part.runs);
        self.stats.merge(part.stats);
        for e in part.kept.iter() {
            self.in_order(&e);
        }
    }

    /// The first pass over the logs at `path` (`plan`: `None` for this
    /// machine's), and what the logs say is missing.
    pub(super) fn read(
        logs: &Logs,
        plan: Option<Plan>,
        options: &'c ReportOptions,
    ) -> io::Result<(Self, Gaps)> {
        let plan = plan.unwrap_or_else(|| crate::kept::plan(logs.bytes()));
        let (mut pass, mut gaps) = (FirstPass::new(options), Gaps::default());
        logs.read(&plan, &Events(Chunk), |p| {
            gaps.add(p.gaps);
            pass.merge(p.part);
        })?;
        Ok((pass, gaps))
    }
}

/// The first pass over one chunk.
struct Chunk;

/// One chunk's share of the first pass.
struct ReportPart {
    runs: RunsAcc,
    stats: StatsPart,
    kept: Kept,
    tally: Tally,
}

impl Absorb for Chunk {
    type Part = ReportPart;

    fn part(&self, _first: bool) -> ReportPart {
        ReportPart {
            runs: RunsAcc::default(),
            stats: StatsPart::default(),
            kept: Kept::default(),
            tally: Tally::default(),
        }
    }

    fn absorb(&self, p: &mut ReportPart, e: &impl Fields) {
        p.tally.absorb(e);
        p.runs.absorb_fields(e);
        p.stats.absorb(e);
        p.kept.keep(e);
    }
}

/// The second pass: the events of the runs in `wanted`, in log order, to
/// `each` (`plan`: `None` for this machine's).
pub(super) fn events_of_runs(
    logs: &Logs,
    plan: Option<Plan>,
    wanted: &HashSet<String>,
    mut each: impl FnMut(&Value),
) -> io::Result<()> {
    let plan =
        plan.unwrap_or_else(|| Plan::for_bytes(logs.bytes()).with_chunks_of_at_most(LINES_CHUNK));
    logs.read(&plan, &OfRuns(wanted), |p| {
        for line in p.lines() {
            // Kept only if it parsed to an object; parsed again here so that
            // a chunk holds bytes, not parsed events.
            if let Ok(e @ Value::Object(_)) = parse_json(line) {
                each(&e);
            }
        }
    })
}

/// The largest chunk of the second pass. Its parts hold the listed runs'
/// lines, and a listed run stuck in a loop can be all of a chunk's lines:
/// small chunks keep what waits for the merge to a few MiB, as the line
/// reader's bounded waterfalls did, for a few more reads.
const LINES_CHUNK: u64 = 4 << 20;

/// The second pass over one chunk.
struct OfRuns<'w>(&'w HashSet<String>);

/// One chunk's lines of the wanted runs.
#[derive(Default)]
struct RunLines {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    scanner: Scanner,
}

impl RunLines {
    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.bytes[a..b])
    }
}

impl Work for OfRuns<'_> {
    type Part = RunLines;

    fn part(&self, _first: bool) -> RunLines {
        RunLines::default()
    }

    fn block(&self, p: &mut RunLines, block: Block<'_>) {
        let Block::Lines(lines) = block else {
            return; // too long to be an event: the first pass counted it
        };
        for_each_line(lines, |_, line, fits| {
            let wanted = |run: Option<&str>| run.is_some_and(|r| self.0.contains(r));
            let keep = fits
                && match p.scanner.view(line) {
                    Some(view) => wanted(view.str(field::RUN_ID)),
                    None => match parse_json(line) {
                        Ok(e @ Value::Object(_)) => wanted(e.str(field::RUN_ID)),
                        _ => false,
                    },
                };
            if keep {
                p.bytes.extend_from_slice(line);
                p.ends.push(p.bytes.len());
            }
        });
    }
}

#[cfg(test)]
#[path = "passes_tests.rs"]
mod tests;
