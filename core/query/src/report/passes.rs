//! The report's two passes over the logs, read in chunks on every core as
//! `runs` and `stats` are, with the answer of reading every line in order.
//!
//! The first pass sums what merges (run summaries, tool stats, the event
//! count and time span) per chunk; what depends on the order of the events
//! (the alert replay, spend and the added spend it tells apart) is fed in
//! log order at the merge, from the few fields it reads of the events it
//! reads ([`Kept`]). The second pass keeps the lines of the listed runs,
//! parsed at the merge, in log order.

use std::io;

use foldhash::HashSet;

use tooltrail_core::schema::{event, field};
use tooltrail_json::{Value, parse_json};

use crate::chunks::{Block, for_each_line};
use crate::events::{Absorb, Events};
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
    pub(super) events: u64,
    pub(super) first_ts: String,
    pub(super) last_ts: String,
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
            events: 0,
            first_ts: String::new(),
            last_ts: String::new(),
        }
    }

    /// Takes the next event in log order.
    pub(super) fn absorb(&mut self, e: &impl Fields) {
        self.events += 1;
        if let Some(ts) = e.str(field::TS) {
            span(&mut self.first_ts, &mut self.last_ts, ts);
        }
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
        self.events += part.events;
        for ts in [&part.first_ts, &part.last_ts] {
            span(&mut self.first_ts, &mut self.last_ts, ts);
        }
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
        let plan = plan.unwrap_or_else(|| Plan::for_bytes(logs.bytes()));
        let (mut pass, mut gaps) = (FirstPass::new(options), Gaps::default());
        logs.read(&plan, &Events(Chunk), |p| {
            gaps.add(p.gaps);
            pass.merge(p.part);
        })?;
        Ok((pass, gaps))
    }
}

/// The time the events span: the earliest timestamp that is not empty, and
/// the latest. Taking a part's two in is the same as taking its events'.
fn span(first: &mut String, last: &mut String, ts: &str) {
    if !ts.is_empty() && (first.is_empty() || ts < first.as_str()) {
        first.clear();
        first.push_str(ts);
    }
    if ts > last.as_str() {
        last.clear();
        last.push_str(ts);
    }
}

/// The first pass over one chunk.
struct Chunk;

/// One chunk's share of the first pass.
struct ReportPart {
    runs: RunsAcc,
    stats: StatsPart,
    kept: Kept,
    events: u64,
    first_ts: String,
    last_ts: String,
}

impl Absorb for Chunk {
    type Part = ReportPart;

    fn part(&self, _first: bool) -> ReportPart {
        ReportPart {
            runs: RunsAcc::default(),
            stats: StatsPart::default(),
            kept: Kept::default(),
            events: 0,
            first_ts: String::new(),
            last_ts: String::new(),
        }
    }

    fn absorb(&self, p: &mut ReportPart, e: &impl Fields) {
        p.events += 1;
        if let Some(ts) = e.str(field::TS) {
            span(&mut p.first_ts, &mut p.last_ts, ts);
        }
        p.runs.absorb_fields(e);
        p.stats.absorb(e);
        p.kept.keep(e);
    }
}

/// The events the in-order summaries read (alerts: tool results, model
/// calls, run ends and logged alerts; spend: model calls and run ends), and
/// of each only the fields they read: a few dozen bytes an event where a
/// parsed event would take a kilobyte. A field either starts reading must
/// be added here; the report's tests compare the page with the one read
/// line by line, in order.
#[derive(Default)]
struct Kept {
    text: String,
    members: Vec<(u8, Kind)>,
    /// Where each event's members end in `members`.
    ends: Vec<u32>,
}

const KEPT_EVENTS: [&str; 4] = [
    event::TOOL_RESULT,
    event::MODEL_CALL,
    event::RUN_END,
    event::ALERT,
];

const KEPT_FIELDS: [&str; 12] = [
    field::TS,
    field::EVENT,
    field::RUN_ID,
    field::TRACE_ID,
    field::ERROR_CLASS,
    field::COST_USD,
    field::TOOL_CALLS,
    field::SPEND_USD,
    field::AGENT_ID,
    field::MODEL,
    field::INPUT_TOKENS,
    field::OUTPUT_TOKENS,
];

#[derive(Clone, Copy)]
enum Kind {
    Str(u32, u32),
    Num(f64),
}

impl Kept {
    fn keep(&mut self, e: &impl Fields) {
        if !e
            .str(field::EVENT)
            .is_some_and(|n| KEPT_EVENTS.contains(&n))
        {
            return;
        }
        for (i, key) in KEPT_FIELDS.iter().enumerate() {
            let kind = if let Some(s) = e.str(key) {
                let start = self.text.len();
                self.text.push_str(s);
                Kind::Str(offset(start), offset(self.text.len()))
            } else if let Some(n) = e.num(key) {
                Kind::Num(n)
            } else {
                continue;
            };
            self.members.push((i as u8, kind));
        }
        self.ends.push(offset(self.members.len()));
    }

    /// The kept events, in the order they were kept.
    fn iter(&self) -> impl Iterator<Item = KeptEvent<'_>> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| KeptEvent {
            text: &self.text,
            members: &self.members[a as usize..b as usize],
        })
    }
}

/// A chunk's kept text stays far below 4 GiB (chunks are at most 256 MiB).
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a chunk's kept fields are under 4 GiB")
}

/// One kept event, read as its fields.
struct KeptEvent<'a> {
    text: &'a str,
    members: &'a [(u8, Kind)],
}

impl KeptEvent<'_> {
    fn find(&self, key: &str) -> Option<Kind> {
        let i = KEPT_FIELDS.iter().position(|k| *k == key)? as u8;
        self.members.iter().find(|(k, _)| *k == i).map(|(_, v)| *v)
    }
}

impl Fields for KeptEvent<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        match self.find(key)? {
            Kind::Str(a, b) => Some(&self.text[a as usize..b as usize]),
            Kind::Num(_) => None,
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        match self.find(key)? {
            Kind::Num(n) => Some(n),
            Kind::Str(..) => None,
        }
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
    let plan = plan.unwrap_or_else(|| Plan::for_bytes(logs.bytes()));
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
