//! The typed query API: one [`Query`] per command with a struct of options,
//! the defaults defined here once, read from the command line (`cli::args`)
//! or from a host's options object ([`Query::from_value`]).

use super::RunFilter;
use super::group_stats::StatsBy;
use super::options::{KeyCase, Opt, OptionSource, ValueOptions};
use super::runs::RunSort;
use super::spend::SpendBy;
use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_json::Value;

/// Where the logs are when no path is given: the writer's default directory.
pub const DEFAULT_PATH: &str = tooltrail_core::writer::DEFAULT_DIR;
/// `stats`: how many hottest `(tool, args_hash)` pairs are reported.
pub const DEFAULT_TOP: u64 = 10;
/// `loops`: how many identical calls in a run count as a loop.
pub const DEFAULT_MIN_REPEATS: u64 = 3;
/// `tail`: how many of the last events are shown.
pub const DEFAULT_TAIL_LINES: u64 = 20;

/// The options, each with its host key and its CLI flag.
pub mod opt {
    use super::Opt;

    /// `runs`, `tail`, `report`: only this run.
    pub const RUN: Opt = Opt {
        key: "run",
        flag: "--run",
    };
    /// `runs`: only runs of this user.
    pub const USER: Opt = Opt {
        key: "user",
        flag: "--user",
    };
    /// `runs`: only runs of this request.
    pub const REQUEST: Opt = Opt {
        key: "request",
        flag: "--request",
    };
    /// `runs`: only runs that started at or after this time.
    pub const SINCE: Opt = Opt {
        key: "since",
        flag: "--since",
    };
    /// `runs`: only runs that started before this time.
    pub const UNTIL: Opt = Opt {
        key: "until",
        flag: "--until",
    };
    /// `runs`: only runs that stopped for this reason.
    pub const STOP_REASON: Opt = Opt {
        key: "stop_reason",
        flag: "--stop-reason",
    };
    /// `runs`: only runs that called this tool.
    pub const TOOL: Opt = Opt {
        key: "tool",
        flag: "--tool",
    };
    /// `runs`: only runs with a failure of this class.
    pub const ERROR_CLASS: Opt = Opt {
        key: "error_class",
        flag: "--error-class",
    };
    /// `show`: the run (a positional argument on the command line).
    pub const RUN_ID: Opt = Opt {
        key: "run_id",
        flag: "RUN_ID",
    };
    /// `stats`: hottest pairs reported.
    pub const TOP: Opt = Opt {
        key: "top",
        flag: "--top",
    };
    /// `loops`: repeats that count as a loop.
    pub const MIN: Opt = Opt {
        key: "min",
        flag: "--min",
    };
    /// `alerts`: the alert rules (a YAML file).
    pub const CONFIG: Opt = Opt {
        key: "config",
        flag: "--config",
    };
    /// `tail`: events shown.
    pub const LINES: Opt = Opt {
        key: "lines",
        flag: "-n",
    };
    /// `runs`, `stats`, `loops`: only this agent's runs / calls;
    /// `agent_logs` / `agent_metrics`: the agent (every event when absent).
    pub const AGENT_ID: Opt = Opt {
        key: "agent_id",
        flag: "--agent",
    };
    /// `agent_logs`: most entries.
    pub const LIMIT: Opt = Opt {
        key: "limit",
        flag: "--limit",
    };
    /// `agent_metrics`: `hour`, `day`, `week`, `month` or `all`.
    pub const PERIOD: Opt = Opt {
        key: "period",
        flag: "--period",
    };
    /// `stats`: `tool`, `model` or `agent`; `spend`: `minute`, `hour`,
    /// `run`, `model` or `agent`.
    pub const BY: Opt = Opt {
        key: "by",
        flag: "--by",
    };
    /// `runs`: `start` (the default) or `spend` (costliest first).
    pub const SORT: Opt = Opt {
        key: "sort",
        flag: "--sort",
    };
}

/// `spend`: rows shown for a grouping by run, model or agent.
pub const DEFAULT_SPEND_ROWS: u64 = 20;

/// `agent_logs`: an agent's latest tool calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentLogsOptions {
    /// The agent (`None`: every event).
    pub agent_id: Option<String>,
    /// Most entries, newest first.
    pub limit: u64,
}

/// `agent_metrics`: an agent's totals over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMetricsOptions {
    /// The agent (`None`: every event).
    pub agent_id: Option<String>,
    /// One of [`super::governance::PERIODS`].
    pub period: String,
}

/// `show`: one run's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowOptions {
    /// The run.
    pub run_id: String,
}

/// `stats`: per-tool numbers and the hottest pairs, or per model / agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// How many hottest `(tool, args_hash)` pairs to report.
    pub top: u64,
    /// Only calls of this agent (`agent_id` on their events).
    pub agent_id: Option<String>,
    /// What one row is.
    pub by: StatsBy,
}

impl Default for StatsOptions {
    fn default() -> Self {
        Self {
            top: DEFAULT_TOP,
            agent_id: None,
            by: StatsBy::Tool,
        }
    }
}

/// `spend`: what the runs cost, grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendOptions {
    /// The grouping (default: by minute).
    pub by: SpendBy,
    /// Only spend at or after this instant (µs).
    pub since: Option<i64>,
    /// Only spend before this instant (µs).
    pub until: Option<i64>,
    /// Only this agent's spend.
    pub agent_id: Option<String>,
    /// Most rows for a grouping by run, model or agent.
    pub top: u64,
}

/// `loops`: identical calls repeated within a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopsOptions {
    /// Identical calls in one run that count as a loop.
    pub min: u64,
    /// Only runs of this agent (`agent_id` on their events).
    pub agent_id: Option<String>,
}

impl Default for LoopsOptions {
    fn default() -> Self {
        Self {
            min: DEFAULT_MIN_REPEATS,
            agent_id: None,
        }
    }
}

/// `alerts`: the alert rules replayed over the logs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertsOptions {
    /// The rules and window (`Config::default()`: the documented thresholds).
    pub config: Config,
}

/// `tail`: the last events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailOptions {
    /// How many.
    pub lines: u64,
    /// Only this run's events.
    pub run_id: Option<String>,
}

impl Default for TailOptions {
    fn default() -> Self {
        Self {
            lines: DEFAULT_TAIL_LINES,
            run_id: None,
        }
    }
}

/// A query over tooltrail logs: what `tooltrail COMMAND` and the bindings'
/// `Logs` methods ask. Run it with [`super::execute`].
// `Alerts` holds a whole `Config`; a query is built once per command, so
// boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// Runs matching a filter (`tooltrail runs`, `Logs.runs`).
    Runs(RunFilter),
    /// One run's events (`tooltrail show`, `Logs.timeline`).
    Show(ShowOptions),
    /// Per-tool, per-model or per-agent numbers (`tooltrail stats`, `Logs.stats`).
    Stats(StatsOptions),
    /// What the runs cost, by time, run, model or agent (`tooltrail spend`,
    /// `Logs.spend`).
    Spend(SpendOptions),
    /// Repeated identical calls (`tooltrail loops`, `Logs.loops`).
    Loops(LoopsOptions),
    /// Alert history (`tooltrail alerts`, `Logs.alerts`).
    Alerts(AlertsOptions),
    /// The last events (`tooltrail tail`, without `-f`).
    Tail(TailOptions),
    /// What the logs say is missing from them (`tooltrail gaps`, `Logs.gaps`).
    Gaps,
    /// An agent's latest tool calls (`tooltrail agent-logs`, `agent_logs`).
    AgentLogs(AgentLogsOptions),
    /// An agent's totals (`tooltrail agent-metrics`, `agent_metrics`).
    AgentMetrics(AgentMetricsOptions),
}

/// The commands [`Query::read`] knows, for its error message.
pub const QUERY_COMMANDS: [&str; 10] = [
    "runs",
    "show",
    "stats",
    "spend",
    "loops",
    "alerts",
    "tail",
    "gaps",
    "agent-logs",
    "agent-metrics",
];

impl Query {
    /// Reads the query `command` with options from `src`; absent options
    /// take the defaults above.
    pub fn read(command: &str, src: &mut dyn OptionSource) -> Result<Self, Error> {
        let query = match command {
            "runs" => Query::Runs(RunFilter {
                sort: choice(src, opt::SORT, &RunSort::ALL)?.unwrap_or_default(),
                ..RunFilter::read(src)?
            }),
            "show" => Query::Show(ShowOptions {
                run_id: src
                    .text(opt::RUN_ID)?
                    .ok_or_else(|| src.missing(command, opt::RUN_ID))?,
            }),
            "stats" => Query::Stats(StatsOptions {
                top: src.count(opt::TOP)?.unwrap_or(DEFAULT_TOP),
                agent_id: src.text(opt::AGENT_ID)?,
                by: choice(src, opt::BY, &StatsBy::ALL)?.unwrap_or_default(),
            }),
            "spend" => {
                let by = choice(src, opt::BY, &SpendBy::ALL)?.unwrap_or(SpendBy::Minute);
                let (since, until) = window(src)?;
                Query::Spend(SpendOptions {
                    by,
                    since,
                    until,
                    agent_id: src.text(opt::AGENT_ID)?,
                    top: src.count(opt::TOP)?.unwrap_or(DEFAULT_SPEND_ROWS),
                })
            }
            "loops" => Query::Loops(LoopsOptions {
                min: src.count(opt::MIN)?.unwrap_or(DEFAULT_MIN_REPEATS),
                agent_id: src.text(opt::AGENT_ID)?,
            }),
            "alerts" => Query::Alerts(AlertsOptions::read(src)?),
            "tail" => Query::Tail(TailOptions {
                lines: src.count(opt::LINES)?.unwrap_or(DEFAULT_TAIL_LINES),
                run_id: src.text(opt::RUN)?,
            }),
            "gaps" => Query::Gaps,
            "agent-logs" => Query::AgentLogs(AgentLogsOptions {
                agent_id: src.text(opt::AGENT_ID)?,
                limit: src
                    .count(opt::LIMIT)?
                    .unwrap_or(super::governance::DEFAULT_AGENT_LOG_LIMIT),
            }),
            "agent-metrics" => Query::AgentMetrics(AgentMetricsOptions {
                agent_id: src.text(opt::AGENT_ID)?,
                period: period(src)?,
            }),
            other => {
                return Err(Error::invalid_argument(
                    "command",
                    format!("{other:?} is not a query ({})", QUERY_COMMANDS.join(", ")),
                ));
            }
        };
        src.finish(command)?;
        Ok(query)
    }

    /// Reads the query `command` from a host's options object (converted to
    /// a [`Value`]; `null` for none) whose keys are spelled as `case` says.
    /// A key the command does not take, or a value of the wrong type, is an
    /// [`Error::InvalidArgument`] naming the key.
    pub fn from_value(command: &str, options: &Value, case: KeyCase) -> Result<Self, Error> {
        Self::read(command, &mut ValueOptions::new(options, case)?)
    }
}

/// An option that is one of `names`' names; an error naming the option and
/// listing them otherwise.
fn choice<T: Copy>(
    src: &mut dyn OptionSource,
    opt: Opt,
    names: &[(&'static str, T)],
) -> Result<Option<T>, Error> {
    let Some(text) = src.text(opt)? else {
        return Ok(None);
    };
    match names.iter().find(|(n, _)| *n == text) {
        Some((_, v)) => Ok(Some(*v)),
        None => {
            let name = src.name(opt);
            let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            Err(Error::invalid_argument(
                name.clone(),
                format!("{name} is one of {}, got {text:?}", known.join(", ")),
            ))
        }
    }
}

/// `agent_metrics`' period: one of the names in `PERIODS` (default `day`).
fn period(src: &mut dyn OptionSource) -> Result<String, Error> {
    let periods = super::governance::PERIODS;
    match src.text(opt::PERIOD)? {
        None => Ok("day".to_owned()),
        Some(p) if periods.iter().any(|(name, _)| *name == p) => Ok(p),
        Some(p) => {
            let name = src.name(opt::PERIOD);
            let known: Vec<&str> = periods.iter().map(|(n, _)| *n).collect();
            Err(Error::invalid_argument(
                name.clone(),
                format!("{name} is one of {}, got {p:?}", known.join(", ")),
            ))
        }
    }
}

impl RunFilter {
    /// The `runs` filters from `src` (also `report`'s).
    pub fn read(src: &mut dyn OptionSource) -> Result<Self, Error> {
        let (since, until) = window(src)?;
        Ok(Self {
            run_id: src.text(opt::RUN)?,
            agent_id: src.text(opt::AGENT_ID)?,
            user: src.text(opt::USER)?,
            request: src.text(opt::REQUEST)?,
            since,
            until,
            stop_reason: src.text(opt::STOP_REASON)?,
            tool: src.text(opt::TOOL)?,
            error_class: src.text(opt::ERROR_CLASS)?,
            sort: RunSort::Start,
        })
    }
}

/// `since` and `until`; a window that holds no instant (`--since 1h
/// --until 2h`: the two swapped) is an error naming `since`, not an answer
/// of nothing.
fn window(src: &mut dyn OptionSource) -> Result<(Option<i64>, Option<i64>), Error> {
    let (since, until) = (instant(src, opt::SINCE)?, instant(src, opt::UNTIL)?);
    if let (Some(s), Some(u)) = (since, until)
        && s >= u
    {
        let (name, other) = (src.name(opt::SINCE), src.name(opt::UNTIL));
        let at = tooltrail_core::gateway::timestamp_at;
        return Err(Error::invalid_argument(
            name.clone(),
            format!(
                "{name} ({}) is not before {other} ({}): the window holds no time",
                at(s),
                at(u)
            ),
        ));
    }
    Ok((since, until))
}

/// A time option: RFC 3339 (any offset) or a duration ago (`15m`, `2h`, `7d`);
/// anything else is an error naming the option.
fn instant(src: &mut dyn OptionSource, opt: Opt) -> Result<Option<i64>, Error> {
    let Some(text) = src.text(opt)? else {
        return Ok(None);
    };
    let now = tooltrail_core::gateway::Clock::System.now_us();
    super::parse_instant(&text, now).map(Some).map_err(|why| {
        let name = src.name(opt);
        Error::invalid_argument(
            name.clone(),
            format!(
                "{name} takes an RFC 3339 time (2026-11-30T22:56:06Z, any offset) or a duration ago (15m, 2h, 7d), got {text:?}: {why}"
            ),
        )
    })
}

impl AlertsOptions {
    /// The alert rules from `src` (also `report`'s).
    pub fn read(src: &mut dyn OptionSource) -> Result<Self, Error> {
        Ok(Self {
            config: src.config(opt::CONFIG)?.unwrap_or_default(),
        })
    }
}
