//! # tooltrail-query
//!
//! Reading tooltrail logs back: incident queries (runs, a run's timeline,
//! per-tool stats, loops, alert history, gaps, governance), the offline HTML
//! [`report`], and the in-memory [`testing`] recorder with its snapshots.
//!
//! Incident queries over tooltrail logs: runs, a run's timeline, per-tool
//! stats, loops and alert history. Shared by the CLI and both bindings: a
//! [`Query`] (read from argv or a host's options object, `request`) runs
//! through [`execute`] into an [`Answer`], whose [`Answer::to_value`] is
//! both the CLI's `--json` and what the bindings return.
//! Events are streamed. `stats` and `alerts` run in bounded memory; `loops`
//! holds compact counters for the runs that have not ended yet, `runs` one
//! compact summary per run, `show` one run's events (docs/query.md, "Memory").

#![warn(unreachable_pub)]

mod added_spend;
mod agent_log;
mod answer;
mod chunked;
mod chunks;
mod events;
mod execute;
mod gaps;
mod governance;
mod group_stats;
mod hexhash;
mod kept;
mod last;
mod loops;
mod names;
mod options;
mod parallel;
mod reader;
pub mod report;
mod request;
mod run_index;
mod runs;
mod runs_json;
mod scan;
mod show;
mod sketch;
mod spend;
mod stats;
pub mod testing;

use tooltrail_core::schema::{event, field};

pub use answer::{Answer, run_value};
pub use execute::{execute, execute_with_gaps, query_answer, query_value, unreadable};
pub use gaps::Gaps;
pub use governance::{DEFAULT_AGENT_LOG_LIMIT, PERIODS, agent_logs, agent_metrics};
pub use group_stats::{GroupStats, GroupStatsAcc, StatsBy, group_stats_value};
pub use loops::{LoopFinding, loops};
pub use options::{KeyCase, Opt, OptionSource, ValueOptions, unconvertible_options};
pub use reader::{EventReader, MAX_LINE_BYTES, log_files, num_field, str_field};
pub use request::{
    AgentLogsOptions, AgentMetricsOptions, AlertsOptions, DEFAULT_MIN_REPEATS, DEFAULT_PATH,
    DEFAULT_SPEND_ROWS, DEFAULT_TAIL_LINES, DEFAULT_TOP, LoopsOptions, QUERY_COMMANDS, Query,
    ShowOptions, SpendOptions, StatsOptions, TailOptions, opt,
};
pub use runs::{RunFilter, RunList, RunSort, RunSummary, RunsAcc, run_list, runs};
pub use runs_json::write_runs_json;
pub use sketch::{EXACT_LATENCIES, HeavyHitters, LatencySketch, RELATIVE_ERROR, percentile};
pub use spend::{SPIKE_FACTOR, SpendAcc, SpendBy, SpendReport, SpendRow, Spike, spend};
pub use stats::{StatsAcc, StatsReport, ToolStats, stats};

use tooltrail_core::config::Config;
use tooltrail_core::gateway::AlertChange;
use tooltrail_json::Value;

/// Every event of one run, in log order.
pub fn timeline(events: impl Iterator<Item = Value>, run_id: &str) -> Vec<Value> {
    events
        .filter(|e| str_field(e, field::RUN_ID) == Some(run_id))
        .collect()
}

/// Microseconds since the epoch of an RFC 3339 UTC timestamp as tooltrail
/// writes them (`2026-11-24T19:57:40.123456Z`).
pub fn parse_timestamp(ts: &str) -> Option<i64> {
    tooltrail_core::parse_timestamp_nanos(ts).map(|n| n.div_euclid(1000))
}

/// An instant for `--since` / `--until`: an RFC 3339 time with any offset
/// (`2026-11-30T22:56:06Z`, `2026-11-30T23:56:06+01:00`), read by `jiff`,
/// or a duration before `now_us`: a whole number and a unit, `s`, `m`, `h`
/// or `d` (`15m`, `2h`, `7d`). Anything else, an impossible date
/// (`2026-02-31`) included, is an error saying why: the caller names the
/// option, never "filters nothing".
pub fn parse_instant(text: &str, now_us: i64) -> Result<i64, String> {
    let time = match text.parse::<jiff::Timestamp>() {
        Ok(t) => return Ok(t.as_microsecond()),
        Err(e) => e,
    };
    if let Some(us) = tooltrail_core::config::parse_duration_us(text) {
        return now_us
            .checked_sub(us)
            .ok_or_else(|| format!("{text} ago is before any time"));
    }
    // A text that starts like a date gets jiff's reason (`invalid day`).
    Err(match text.as_bytes().first() {
        Some(b'0'..=b'9') if text.contains('-') => time.to_string(),
        _ => "neither a time nor a duration".to_owned(),
    })
}

/// Replays events through the configured alert rules with the gateway's own
/// state machine ([`AlertEngine`](tooltrail_core::gateway::AlertEngine)): each
/// `tool_result`, `run_end` and priced `model_call` is a sample at its `ts`
/// (a `run_end` also the spend its application added), and each logged
/// `alert` a re-evaluation at its `ts` (where the live gateway's
/// `check_alerts` changed a level), so one process's log gives back the
/// alerts it wrote.
pub struct AlertAcc<'c> {
    config: &'c Config,
    engine: tooltrail_core::gateway::AlertEngine,
    changes: Vec<(String, AlertChange)>,
    /// Tells at `run_end` what the application added (fed only while
    /// spend is watched).
    added: added_spend::AddedSpend,
}

impl<'c> AlertAcc<'c> {
    /// Evaluates the rules of `config`.
    pub fn new(config: &'c Config) -> Self {
        Self {
            config,
            engine: tooltrail_core::gateway::AlertEngine::default(),
            changes: Vec::new(),
            added: added_spend::AddedSpend::default(),
        }
    }

    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        self.absorb_fields(e);
    }

    /// [`absorb`](Self::absorb) for an event however it was read.
    pub(crate) fn absorb_fields(&mut self, e: &impl scan::Fields) {
        use tooltrail_core::gateway::{Sample, Tripped};
        let (Some(ts), Some(event)) = (e.str(field::TS), e.str(field::EVENT)) else {
            return;
        };
        let Some(us) = parse_timestamp(ts) else {
            return;
        };
        let ids = || Tripped {
            run_id: e.str(field::RUN_ID).map(str::to_owned),
            trace_id: e.str(field::TRACE_ID).map(str::to_owned),
        };
        let watch_spend = self.config.alert_spend_usd_per_min.is_some();
        let run_id = || e.str(field::RUN_ID).unwrap_or_default();
        let changes = match event {
            event::TOOL_RESULT => {
                let sample = Sample::tool_result(e.str(field::ERROR_CLASS));
                self.engine.observe(self.config, us, sample, ids)
            }
            event::MODEL_CALL => {
                let Some(cost) = e.num(field::COST_USD) else {
                    return;
                };
                if watch_spend {
                    self.added.model_cost(run_id(), cost);
                }
                let Some(sample) = Sample::spend(cost) else {
                    return;
                };
                self.engine.observe(self.config, us, sample, ids)
            }
            event::RUN_END => {
                let tool_calls = e.num(field::TOOL_CALLS).unwrap_or(0.0) as u64;
                let added = self
                    .added
                    .at_end(run_id(), e.num(field::SPEND_USD))
                    .and_then(Sample::spend);
                let mut changes = Vec::new();
                for sample in std::iter::once(Sample::Run { tool_calls }).chain(added) {
                    changes.extend(self.engine.observe(self.config, us, sample, ids));
                }
                changes
            }
            event::ALERT => self.engine.tick(self.config, us),
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
                parse_timestamp(&tooltrail_core::format_timestamp(t)),
                Some(us)
            );
        }
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn instants_take_any_offset_and_durations_ago() {
        let parse_instant = |t: &str, now: i64| parse_instant(t, now).ok();
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
            "2026-02-31T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T12:00:00+02:00",
        ] {
            assert_eq!(parse_instant(bad, now), None, "{bad}");
        }
    }
}
