//! `tooltrail report`: one self-contained HTML page (no network, no
//! external files) with the run list, each run's waterfall of tool calls,
//! error classes, latency by tool and the alert state.
//!
//! Two passes over the logs, in chunks on every core (`passes.rs`): the
//! first gathers run summaries, stats, spend and the alert history; the
//! second collects the events of the runs the page shows (at most
//! `max_runs`).

mod escape;
mod html;
mod passes;
mod spend_section;
mod svg;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use foldhash::HashSet as FastSet;

use crate::parallel::{Logs, Plan};
use crate::{
    Gaps, RunFilter, RunSummary, SpendReport, StatsReport, parse_timestamp, str_field, unreadable,
};
use passes::FirstPass;
use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_core::gateway::AlertChange;
use tooltrail_core::schema::{DECISION_BLOCK, event, field};
use tooltrail_json::Value;

/// What the report covers.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Which runs to list (the `runs` filters).
    pub filter: RunFilter,
    /// Most runs listed with a timeline; the most recent are kept.
    pub max_runs: usize,
    /// Most tool calls drawn per run's waterfall.
    pub max_calls_per_run: usize,
    /// Alert rules replayed over the logs.
    pub config: Config,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            filter: RunFilter::default(),
            max_runs: 200,
            max_calls_per_run: 500,
            config: Config::default(),
        }
    }
}

/// One tool call as the waterfall draws it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallBar {
    pub seq: u64,
    pub tool: String,
    pub args_hash: String,
    /// Start, µs after the run's first event.
    pub start_us: i64,
    /// `None`: no result logged (refused, or still running when the logs end).
    pub latency_ms: Option<f64>,
    /// `ok`, `failed` or `blocked`.
    pub outcome: &'static str,
    pub error_class: Option<String>,
}

/// A listed run with its waterfall.
#[derive(Debug, Clone)]
pub(crate) struct RunView {
    pub summary: RunSummary,
    pub trace_id: String,
    pub calls: Vec<CallBar>,
    /// Calls beyond `max_calls_per_run`, not drawn.
    pub calls_omitted: usize,
    /// The run_end event, when logged.
    pub end: Option<Value>,
}

impl RunView {
    fn empty(trace_id: &str) -> Self {
        Self {
            summary: RunSummary::default(),
            trace_id: trace_id.to_owned(),
            calls: Vec::new(),
            calls_omitted: 0,
            end: None,
        }
    }
}

/// `v` with `places` decimals, or in exponent form when that would print
/// more than a dozen integer digits: a crafted or broken log's `1e308`
/// latency must not become a 309-digit string in a table.
pub fn decimal(v: f64, places: usize) -> String {
    if v.is_finite() && v.abs() < 1e12 {
        format!("{v:.places$}")
    } else {
        format!("{v:.3e}")
    }
}

/// `n` and `noun`, with an `s` unless `n` is 1: "1 run", "2 runs" (the
/// report's notes and the CLI's table footers).
pub fn counted(n: impl TryInto<u64>, noun: &str) -> String {
    match n.try_into().unwrap_or(u64::MAX) {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// Everything the page shows.
pub(crate) struct ReportData {
    pub source: String,
    pub events: u64,
    pub skipped_lines: u64,
    /// Events the writers reported dropping (`writer_dropped` counts).
    pub dropped_events: u64,
    pub first_ts: String,
    pub last_ts: String,
    /// Every figure below is over all `runs_total` matching runs; `runs`
    /// holds the ones listed with a timeline.
    pub runs_total: usize,
    /// Tool calls in all matching runs.
    pub calls_total: u64,
    /// Matching runs with a failure, a refusal or an abnormal stop.
    pub bad_total: usize,
    pub runs: Vec<RunView>,
    pub stats: StatsReport,
    pub alerts: Vec<(String, AlertChange)>,
    pub alert_window_s: f64,
    /// Spend over time (by minute, or by hour for logs longer than
    /// [`MAX_MINUTES`] minutes) and the costliest runs.
    pub spend: SpendReport,
    pub spend_runs: SpendReport,
}

/// Most minutes the spend chart draws one bar each; longer logs get a bar
/// per hour.
const MAX_MINUTES: usize = 360;
/// The costliest runs the spend section lists.
const SPEND_RUNS: usize = 10;

/// Builds the report page for the logs at `path`. Logs that cannot be
/// read are an [`Error::Query`]; a page for one run (`filter.run_id`) of
/// which the logs hold no event is [`Error::UnknownRun`], as `show` is,
/// never an empty page.
pub fn render(path: &Path, options: &ReportOptions) -> Result<String, Error> {
    let source = match &options.filter.run_id {
        Some(run) => {
            let (events, gaps) =
                crate::execute::run_events(path, run, None).map_err(|e| unreadable(path, &e))?;
            if events.is_empty() {
                return Err(Error::UnknownRun {
                    run_id: run.clone(),
                    path: path.display().to_string(),
                    incomplete: gaps.note(),
                });
            }
            Source::Run(events, gaps)
        }
        None => Source::Logs(Logs::open(path).map_err(|e| unreadable(path, &e))?, None),
    };
    let data = gather(path, &source, options).map_err(|e| unreadable(path, &e))?;
    Ok(html::page(&data))
}

/// The events the page is made of: the logs at a path, read in chunks
/// (with a [`Plan`], or this machine's), or one run's events (`--run`),
/// read once through the run index when the logs have one.
enum Source {
    Logs(Logs, Option<Plan>),
    Run(Vec<Value>, Gaps),
    /// Tests: the logs read line by line, in order (the reference).
    #[cfg(test)]
    Lines(std::path::PathBuf),
}

impl Source {
    /// The first pass, and what the logs say is missing (the lines skipped
    /// as not whole events, the writers' drop reports).
    fn first_pass<'c>(&self, options: &'c ReportOptions) -> std::io::Result<(FirstPass<'c>, Gaps)> {
        match self {
            Source::Logs(logs, plan) => FirstPass::read(logs, *plan, options),
            Source::Run(events, gaps) => {
                let mut pass = FirstPass::new(options);
                events.iter().for_each(|e| pass.absorb(e));
                Ok((pass, gaps.clone()))
            }
            #[cfg(test)]
            Source::Lines(path) => {
                let (mut pass, mut gaps) = (FirstPass::new(options), Gaps::default());
                let mut reader = crate::EventReader::open(path)?;
                reader.by_ref().for_each(|e| {
                    gaps.note_event(&e);
                    pass.absorb(&e);
                });
                gaps.skipped_lines = reader.skipped;
                reader.finish()?;
                Ok((pass, gaps))
            }
        }
    }

    /// The events of the `wanted` runs, in log order, to `each`.
    fn events_of(&self, wanted: &FastSet<String>, each: impl FnMut(&Value)) -> std::io::Result<()> {
        let of = |e: &Value| str_field(e, field::RUN_ID).is_some_and(|r| wanted.contains(r));
        match self {
            Source::Logs(logs, plan) => passes::events_of_runs(logs, *plan, wanted, each),
            Source::Run(events, _) => {
                events.iter().filter(|e| of(e)).for_each(each);
                Ok(())
            }
            #[cfg(test)]
            Source::Lines(path) => {
                let (mut reader, mut each) = (crate::EventReader::open(path)?, each);
                reader.by_ref().filter(|e| of(e)).for_each(|e| each(&e));
                reader.finish()
            }
        }
    }
}

fn gather(path: &Path, source: &Source, options: &ReportOptions) -> std::io::Result<ReportData> {
    let (pass, gaps) = source.first_pass(options)?;
    let FirstPass {
        runs,
        stats,
        alerts,
        minutes,
        hours,
        spend_runs,
        tally,
    } = pass;
    let passes::Tally {
        events,
        first_ts,
        last_ts,
    } = tally;
    let by_minute = minutes.finish(usize::MAX);
    // By the minutes the chart would span, not the minutes with spend: two
    // busy minutes a day apart are 1,441 slots.
    let spans = |r: &SpendReport| r.bucket_offsets().and_then(|o| o.last().copied());
    let spend = if spans(&by_minute).is_none_or(|last| last < MAX_MINUTES as u64) {
        by_minute
    } else {
        hours.finish(usize::MAX)
    };
    let matching = runs.finish(&options.filter);
    let runs_total = matching.len();
    // The totals are over every run; the page lists at most `max_runs`:
    // the failing runs first (the most recent of them if there are more),
    // then the most recent others, shown in start order. Only the listed
    // runs are kept as summaries with owned strings.
    let (mut calls_total, mut bad_total) = (0, 0);
    let mut bad_idx = Vec::new();
    for (i, run) in matching.iter().enumerate() {
        calls_total += run.tool_calls;
        if is_bad(&run) {
            bad_total += 1;
            bad_idx.push(i);
        }
    }
    let keep_bad: HashSet<usize> = bad_idx
        .iter()
        .rev()
        .take(options.max_runs)
        .copied()
        .collect();
    let room = options.max_runs - keep_bad.len();
    let good_total = runs_total - bad_total;
    let mut good_seen = 0;
    let listed: Vec<RunSummary> = matching
        .iter()
        .enumerate()
        .filter(|(i, run)| {
            if is_bad(run) {
                return keep_bad.contains(i);
            }
            good_seen += 1;
            good_total - (good_seen - 1) <= room
        })
        .map(|(_, run)| run)
        .collect();
    drop(matching);
    let runs = timelines(source, listed, options.max_calls_per_run)?;
    Ok(ReportData {
        source: path.display().to_string(),
        events,
        skipped_lines: gaps.skipped_lines,
        dropped_events: gaps.dropped_events(),
        first_ts,
        last_ts,
        runs_total,
        calls_total,
        bad_total,
        runs,
        stats: stats.finish(),
        alerts: alerts.finish(),
        alert_window_s: options.config.alert_window_s,
        spend,
        spend_runs: spend_runs.finish(SPEND_RUNS),
    })
}

/// A run with a failed call, a refused call, or a stop other than
/// `completed` (or none logged): what the page lists first.
pub(crate) fn is_bad(r: &RunSummary) -> bool {
    r.errors > 0
        || r.refused > 0
        || r.stop_reason
            .as_deref()
            .is_some_and(|s| s != tooltrail_core::schema::StopReason::Completed.as_str())
}

/// The second pass: the listed runs' calls, paired call → result by `seq`.
fn timelines(
    source: &Source,
    listed: Vec<RunSummary>,
    max_calls: usize,
) -> std::io::Result<Vec<RunView>> {
    let wanted: FastSet<String> = listed.iter().map(|r| r.run_id.clone()).collect();
    let mut views: HashMap<String, RunView> = HashMap::new();
    let mut origin: HashMap<String, i64> = HashMap::new();
    source.events_of(&wanted, |e| {
        let Some(run_id) = str_field(e, field::RUN_ID) else {
            return;
        };
        let us = str_field(e, field::TS)
            .and_then(parse_timestamp)
            .unwrap_or(0);
        let start = *origin.entry(run_id.to_owned()).or_insert(us);
        let view = views
            .entry(run_id.to_owned())
            .or_insert_with(|| RunView::empty(str_field(e, field::TRACE_ID).unwrap_or("")));
        absorb_call(view, e, us - start, max_calls);
    })?;
    Ok(listed
        .into_iter()
        .map(|summary| {
            let mut view = views
                .remove(&summary.run_id)
                .unwrap_or_else(|| RunView::empty(""));
            view.summary = summary;
            view
        })
        .collect())
}

fn absorb_call(view: &mut RunView, e: &Value, offset_us: i64, max_calls: usize) {
    let seq = crate::num_field(e, field::SEQ).map(|n| n as u64);
    match (str_field(e, field::EVENT), seq) {
        (Some(event::TOOL_CALL), Some(seq)) => {
            if view.calls.len() >= max_calls {
                view.calls_omitted += 1;
                return;
            }
            let blocked = str_field(e, field::DECISION) == Some(DECISION_BLOCK);
            view.calls.push(CallBar {
                seq,
                tool: str_field(e, field::TOOL).unwrap_or("?").to_owned(),
                args_hash: str_field(e, field::ARGS_HASH).unwrap_or("").to_owned(),
                start_us: offset_us,
                latency_ms: None,
                outcome: if blocked { "blocked" } else { "ok" },
                error_class: str_field(e, field::ERROR_CLASS).map(str::to_owned),
            });
        }
        (Some(event::TOOL_RESULT), Some(seq)) => {
            if let Some(bar) = view.calls.iter_mut().rev().find(|b| b.seq == seq) {
                bar.latency_ms = crate::num_field(e, field::LATENCY_MS);
                if let Some(class) = str_field(e, field::ERROR_CLASS) {
                    bar.outcome = "failed";
                    bar.error_class = Some(class.to_owned());
                }
            }
        }
        (Some(event::RUN_END), _) => view.end = Some(e.clone()),
        _ => {}
    }
}
