//! Incident queries over tooltrail logs: runs, a run's timeline, per-tool
//! stats, loops and alert history. Shared by the CLI and both bindings: a
//! [`Query`] (read from argv or a host's options object, `request`) runs
//! through [`execute`] into an [`Answer`], whose [`Answer::to_value`] is
//! both the CLI's `--json` and what the bindings return.
//! Events are streamed. `stats`, `loops` and `alerts` run in bounded memory
//! (`loops` holds the calls of runs that have not ended yet); `runs` holds
//! one summary per run and `show` one run's events.

mod answer;
mod execute;
mod gaps;
mod options;
mod reader;
mod request;
mod sketch;
mod stats;

use crate::schema::{event, field};
use std::collections::{BTreeMap, HashMap};

pub use answer::Answer;
pub use execute::{execute, execute_with_gaps, query_answer, query_value, unreadable};
pub use gaps::Gaps;
pub use options::{KeyCase, Opt, OptionSource, ValueOptions, unconvertible_options};
pub use reader::{EventReader, MAX_LINE_BYTES, log_files, num_field, str_field};
pub use request::{
    AlertsOptions, DEFAULT_MIN_REPEATS, DEFAULT_PATH, DEFAULT_TAIL_LINES, DEFAULT_TOP,
    LoopsOptions, QUERY_COMMANDS, Query, ShowOptions, StatsOptions, TailOptions, opt,
};
pub use sketch::{EXACT_LATENCIES, HeavyHitters, LatencySketch, RELATIVE_ERROR, percentile};
pub use stats::{StatsAcc, StatsReport, ToolStats, stats};

use crate::config::Config;
use crate::gateway::AlertChange;
use crate::value::Value;

/// Which runs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only runs of this user.
    pub user: Option<String>,
    /// Only runs of this request.
    pub request: Option<String>,
    /// Only runs that started at or after this instant (µs since the epoch;
    /// given as RFC 3339 with any offset, or a duration ago: `15m`, `2h`, `7d`).
    pub since: Option<i64>,
    /// Only runs that started before this instant.
    pub until: Option<i64>,
    /// Only runs that stopped for this reason.
    pub stop_reason: Option<String>,
    /// Only runs that called this tool.
    pub tool: Option<String>,
    /// Only runs with a failure of this class.
    pub error_class: Option<String>,
}

/// One run as the logs tell it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// The run.
    pub run_id: String,
    /// The earliest event's time, as logged.
    pub start: String,
    /// `start` as µs since the epoch (`None` if it is not a readable time),
    /// parsed once: ordering and the time filters compare it.
    pub start_us: Option<i64>,
    /// The user, if logged.
    pub user_id: Option<String>,
    /// The request, if logged.
    pub request_id: Option<String>,
    /// Tool calls made (allowed).
    pub tool_calls: u64,
    /// Failed or refused calls.
    pub errors: u64,
    /// From `run_end`; `None` if the run has no end in these logs.
    pub stop_reason: Option<String>,
    /// From `run_end`.
    pub duration_ms: Option<f64>,
    /// From `run_end`: spend reported during the run (USD).
    pub spend_usd: Option<f64>,
    /// Tools called.
    pub tools: Vec<String>,
    /// Failure classes seen.
    pub error_classes: Vec<String>,
}

impl RunSummary {
    fn absorb(&mut self, e: &Value) {
        let event = str_field(e, field::EVENT).unwrap_or("");
        // The run's earliest event, by instant: with several processes
        // writing one directory, file order is not time order.
        if let Some(ts) = str_field(e, field::TS) {
            let t = parse_timestamp(ts);
            let earlier = match (t, self.start_us) {
                (Some(t), Some(start)) => t < start,
                (Some(_), None) => true,
                (None, _) => self.start.is_empty(),
            };
            if earlier {
                self.start = ts.to_owned();
                self.start_us = t;
            }
        }
        for (slot, key) in [
            (&mut self.user_id, field::USER_ID),
            (&mut self.request_id, field::REQUEST_ID),
        ] {
            if slot.is_none() {
                *slot = str_field(e, key).map(str::to_owned);
            }
        }
        if let Some(tool) = str_field(e, field::TOOL)
            && !self.tools.iter().any(|t| t == tool)
        {
            self.tools.push(tool.to_owned());
        }
        if let Some(class) = str_field(e, field::ERROR_CLASS) {
            self.errors += 1;
            if !self.error_classes.iter().any(|c| c == class) {
                self.error_classes.push(class.to_owned());
            }
        }
        match event {
            event::TOOL_CALL if str_field(e, field::DECISION) != Some("block") => {
                self.tool_calls += 1
            }
            event::RUN_END => {
                self.stop_reason = str_field(e, field::STOP_REASON).map(str::to_owned);
                self.duration_ms = num_field(e, field::DURATION_MS);
                self.spend_usd = num_field(e, field::SPEND_USD);
            }
            _ => {}
        }
    }

    fn matches(&self, f: &RunFilter) -> bool {
        let eq = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| have == Some(w))
        };
        eq(&f.user, self.user_id.as_deref())
            && eq(&f.request, self.request_id.as_deref())
            && eq(&f.stop_reason, self.stop_reason.as_deref())
            && f.since
                .is_none_or(|s| self.start_us.is_some_and(|t| t >= s))
            && f.until.is_none_or(|u| self.start_us.is_some_and(|t| t < u))
            && f.tool
                .as_deref()
                .is_none_or(|t| self.tools.iter().any(|x| x == t))
            && f.error_class
                .as_deref()
                .is_none_or(|c| self.error_classes.iter().any(|x| x == c))
    }
}

/// Streams events into one [`RunSummary`] per run.
#[derive(Debug, Default)]
pub struct RunsAcc {
    order: Vec<String>,
    by_id: HashMap<String, RunSummary>,
}

impl RunsAcc {
    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        let Some(run_id) = str_field(e, field::RUN_ID) else {
            return;
        };
        if !self.by_id.contains_key(run_id) {
            self.order.push(run_id.to_owned());
            let fresh = RunSummary {
                run_id: run_id.to_owned(),
                ..RunSummary::default()
            };
            self.by_id.insert(run_id.to_owned(), fresh);
        }
        self.by_id
            .get_mut(run_id)
            .expect("inserted above")
            .absorb(e);
    }

    /// The runs that match `filter`, by start time (ties and unreadable
    /// times by run_id), wherever their events were in the files.
    pub fn finish(mut self, filter: &RunFilter) -> Vec<RunSummary> {
        let mut runs: Vec<RunSummary> = self
            .order
            .into_iter()
            .filter_map(|id| self.by_id.remove(&id))
            .filter(|r| r.matches(filter))
            .collect();
        runs.sort_by(|a, b| {
            (a.start_us.unwrap_or(i64::MAX), &a.run_id)
                .cmp(&(b.start_us.unwrap_or(i64::MAX), &b.run_id))
        });
        runs
    }
}

/// The runs in `events` that match `filter`, by start time.
pub fn runs(events: impl Iterator<Item = Value>, filter: &RunFilter) -> Vec<RunSummary> {
    let mut acc = RunsAcc::default();
    for e in events {
        acc.absorb(&e);
    }
    acc.finish(filter)
}

/// Every event of one run, in log order.
pub fn timeline(events: impl Iterator<Item = Value>, run_id: &str) -> Vec<Value> {
    events
        .filter(|e| str_field(e, field::RUN_ID) == Some(run_id))
        .collect()
}

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

/// Identical `(tool, args_hash)` calls repeated at least `min` times in a run.
/// A run's counters are settled and dropped at its `run_end`, so memory
/// follows the runs in flight, not the length of the logs.
pub fn loops(events: impl Iterator<Item = Value>, min: u64) -> Vec<LoopFinding> {
    type Counts = BTreeMap<(String, String), (u64, u64)>;
    let mut open: HashMap<String, Counts> = HashMap::new();
    let mut found: Vec<LoopFinding> = Vec::new();
    let settle = |run_id: &str, counts: Counts, found: &mut Vec<LoopFinding>| {
        found.extend(counts.into_iter().filter(|(_, (n, _))| *n >= min).map(
            |((tool, args_hash), (count, blocked))| LoopFinding {
                run_id: run_id.to_owned(),
                tool,
                args_hash,
                count,
                blocked,
            },
        ));
    };
    for e in events {
        let (Some(event), Some(run)) = (str_field(&e, field::EVENT), str_field(&e, field::RUN_ID))
        else {
            continue;
        };
        if event == event::RUN_END {
            if let Some(counts) = open.remove(run) {
                settle(run, counts, &mut found);
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
        let counts = open.entry(run.to_owned()).or_default();
        let entry = counts
            .entry((tool.to_owned(), hash.to_owned()))
            .or_insert((0, 0));
        entry.0 += 1;
        if str_field(&e, field::ERROR_CLASS) == Some("loop_detected") {
            entry.1 += 1;
        }
    }
    for (run, counts) in open {
        settle(&run, counts, &mut found);
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

/// Microseconds since the epoch of an RFC 3339 UTC timestamp as tooltrail
/// writes them (`2026-11-24T19:57:40.123456Z`).
pub fn parse_timestamp(ts: &str) -> Option<i64> {
    crate::event::parse_timestamp_nanos(ts).map(|n| n.div_euclid(1000))
}

/// An instant for `--since` / `--until`: an RFC 3339 time with any offset
/// (`2026-11-30T22:56:06Z`, `2026-11-30T23:56:06+01:00`), or a duration
/// before `now_us`: a whole number and a unit, `s`, `m`, `h` or `d` (`15m`,
/// `2h`, `7d`). `None` for anything else: the caller says so, never
/// "filters nothing".
pub fn parse_instant(text: &str, now_us: i64) -> Option<i64> {
    if let Some(t) = parse_timestamp(text) {
        return Some(t);
    }
    let unit = match text.as_bytes().last()? {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        b'd' => 86_400,
        _ => return None,
    };
    let n = &text[..text.len() - 1];
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secs = n.parse::<i64>().ok()?.checked_mul(unit)?;
    now_us.checked_sub(secs.checked_mul(1_000_000)?)
}

/// Replays events through the configured alert rules, window by window.
pub struct AlertAcc<'c> {
    config: &'c Config,
    replay: crate::gateway::AlertReplay,
    changes: Vec<(String, AlertChange)>,
}

impl<'c> AlertAcc<'c> {
    /// Evaluates the rules of `config`.
    pub fn new(config: &'c Config) -> Self {
        Self {
            config,
            replay: crate::gateway::AlertReplay::default(),
            changes: Vec::new(),
        }
    }

    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        let (Some(ts), Some(event)) = (str_field(e, field::TS), str_field(e, field::EVENT)) else {
            return;
        };
        let Some(us) = parse_timestamp(ts) else {
            return;
        };
        let changes = match event {
            event::TOOL_RESULT => {
                let class = str_field(e, field::ERROR_CLASS);
                self.replay.call(
                    self.config,
                    us,
                    class == Some("timeout"),
                    class == Some("validation_failed"),
                )
            }
            event::RUN_END => self.replay.run(
                self.config,
                us,
                num_field(e, field::TOOL_CALLS).unwrap_or(0.0) as u64,
            ),
            _ => return,
        };
        self.changes
            .extend(changes.into_iter().map(|c| (ts.to_owned(), c)));
    }

    /// Each level change with the time it happened.
    pub fn finish(self) -> Vec<(String, AlertChange)> {
        self.changes
    }
}

/// Replays the logs through the configured alert rules, window by window:
/// each level change with the time it happened.
pub fn alert_history(
    events: impl Iterator<Item = Value>,
    config: &Config,
) -> Vec<(String, AlertChange)> {
    let mut acc = AlertAcc::new(config);
    for e in events {
        acc.absorb(&e);
    }
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for us in [0i64, 1_795_550_260_123_456, 951_782_400_000_000] {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_micros(us as u64);
            assert_eq!(
                parse_timestamp(&crate::event::format_timestamp(t)),
                Some(us)
            );
        }
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn instants_take_any_offset_and_durations_ago() {
        let z = parse_instant("2026-11-30T22:56:06Z", 0).unwrap();
        assert_eq!(parse_instant("2026-11-30T23:56:06+01:00", 0), Some(z));
        assert_eq!(parse_instant("2026-11-30T17:26:06.000-05:30", 0), Some(z));
        let now = 10_000_000_000_000;
        assert_eq!(parse_instant("15m", now), Some(now - 15 * 60 * 1_000_000));
        assert_eq!(parse_instant("2h", now), Some(now - 2 * 3600 * 1_000_000));
        assert_eq!(parse_instant("7d", now), Some(now - 7 * 86_400 * 1_000_000));
        assert_eq!(parse_instant("30s", now), Some(now - 30_000_000));
        for bad in [
            "yesterday",
            "garbage",
            "",
            "m",
            "-5m",
            "5 m",
            "5w",
            "2026-11-30",
            "2026-11-30T25:00:00Z",
            "2026-11-30T22:56:06+1:00",
            "99999999999999999999d",
        ] {
            assert_eq!(parse_instant(bad, now), None, "{bad}");
        }
    }
}
