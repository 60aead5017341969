//! The command line's shape, declared with clap: every command, its flags,
//! its help text and examples. Parsing and `--help` come from here; what the
//! query options mean (defaults, number and time rules) stays with
//! [`tooltrail_query::Query::read`], which reads the parsed values by the
//! same names a host's options object uses (an argument's id is the
//! option's key: `stop_reason`, `agent_id`), so the bindings and the CLI
//! share one reader. `core/cli/src/args_tests.rs` checks that every query
//! command declares exactly the options its reader asks for.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The long help's footer: where logs come from.
const AFTER_HELP: &str = "\
PATH is a log directory (every *.jsonl in it; rotated files oldest first) or
one JSONL file; it defaults to ./tooltrail-logs.

Examples:
  tooltrail runs --stop-reason max_tool_calls      runs a budget stopped
  tooltrail show run-8f3a                          one run's timeline
  tooltrail runs --since 15m                       the last 15 minutes' runs
  tooltrail report -o incident.html --since 2h     one page to share
  tooltrail completions bash > ~/.local/share/bash-completion/completions/tooltrail";

/// What happened in your agent's runs, from tooltrail JSONL logs.
#[derive(Debug, Parser)]
#[command(
    name = "tooltrail",
    version,
    about = "What happened in your agent's runs, from tooltrail JSONL logs",
    after_help = AFTER_HELP,
    arg_required_else_help = true,
    propagate_version = true
)]
pub(crate) struct Cli {
    /// The command.
    #[command(subcommand)]
    pub(crate) command: Cmd,
}

/// One command of the CLI.
#[derive(Debug, Subcommand)]
pub(crate) enum Cmd {
    /// Lists runs: ids, stop reason, calls, failures, spend
    #[command(after_help = "\
Examples:
  tooltrail runs
  tooltrail runs --user u-42 --since 2026-12-01T00:00:00Z
  tooltrail runs --tool send_email --error-class timeout --json
  tooltrail runs --sort spend --since 1h          the costliest runs first
  tooltrail runs --run run-8f3a --json            one run's summary")]
    Runs(RunsArgs),
    /// One run's timeline: calls, latencies, failures, refusals, stop reason, budgets
    #[command(after_help = "\
Examples:
  tooltrail show run-8f3a
  tooltrail show run-8f3a /var/log/agent --json")]
    Show(ShowArgs),
    /// Per tool: calls, failures by class, p50/p95/p99 latency; the hottest (tool, args_hash); or per model or agent
    #[command(after_help = "\
Examples:
  tooltrail stats
  tooltrail stats --top 20 --agent billing-bot
  tooltrail stats --by model        calls, tokens, spend, latency per model
  tooltrail stats --by agent --json")]
    Stats(StatsArgs),
    /// What the runs cost: a timeline with its spikes, or per run, model or agent
    #[command(after_help = "\
Spend is each model call's cost (from the price table or the caller) at its
time, plus the spend the application added with add_spend, at its run's end.
Model calls with no price are counted apart, never guessed.

Examples:
  tooltrail spend                            spend per minute; spikes named with their runs and models
  tooltrail spend --by hour --since 1d
  tooltrail spend --by run --top 10          the costliest runs
  tooltrail spend --by model --json")]
    Spend(SpendArgs),
    /// Identical (tool, args_hash) calls repeated within a run
    #[command(after_help = "\
Examples:
  tooltrail loops
  tooltrail loops --min 5 --json")]
    Loops(LoopsArgs),
    /// Replays the alert rules over the logs, window by window
    #[command(after_help = "\
Examples:
  tooltrail alerts
  tooltrail alerts --config tooltrail.yaml")]
    Alerts(AlertsArgs),
    /// The last events, readable; -f keeps following
    #[command(after_help = "\
Examples:
  tooltrail tail -n 50
  tooltrail tail --run run-8f3a -n 5         the run's last five events
  tooltrail tail -f --json | jq .tool")]
    Tail(TailArgs),
    /// What the logs say is missing: skipped lines, events writers dropped
    Gaps(GapsArgs),
    /// The agent's latest tool calls: decision, args_hash, reason
    #[command(after_help = "\
Examples:
  tooltrail agent-logs --agent billing-bot --limit 20")]
    AgentLogs(AgentLogsArgs),
    /// Runs, calls, blocked actions and spend over an hour, day, week, month or all
    #[command(after_help = "\
Examples:
  tooltrail agent-metrics --agent billing-bot --period week")]
    AgentMetrics(AgentMetricsArgs),
    /// One self-contained HTML page: runs, waterfalls, error classes, latency, alerts
    #[command(after_help = "\
Examples:
  tooltrail report
  tooltrail report /var/log/agent -o incident.html --since 2h --max-runs 500
  tooltrail report --run run-8f3a -o run.html     one run's page")]
    Report(ReportArgs),
    /// The stable hash of the JSON on stdin (the args_hash of those arguments)
    #[command(after_help = "\
Examples:
  echo '{\"to\": \"a@example.com\"}' | tooltrail hash
  echo '{\"to\": \"a@example.com\"}' | TOOLTRAIL_HASH_KEY=k tooltrail hash --key-env TOOLTRAIL_HASH_KEY")]
    Hash(HashArgs),
    /// Runs an MCP server over stdio and records every tools/call
    #[command(after_help = "\
Everything after the first argument that is not an option (or after --) is
the server's command, passed on untouched.

Examples:
  tooltrail mcp-proxy -- python -m my_server
  tooltrail mcp-proxy --logs /var/log/agent --agent-id support -- node server.js --port 0")]
    McpProxy(McpProxyArgs),
    /// Prints a shell completion script
    #[command(after_help = "\
Examples:
  tooltrail completions bash > ~/.local/share/bash-completion/completions/tooltrail
  tooltrail completions zsh > \"${fpath[1]}/_tooltrail\"
  tooltrail completions fish > ~/.config/fish/completions/tooltrail.fish")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The log location and `--json`, shared by every query command.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// A log directory or JSONL file [default: ./tooltrail-logs]
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    /// Machine-readable output (one JSON value; tail: one event per line)
    #[arg(long)]
    pub(crate) json: bool,
}

/// The run filters of `runs` and `report`.
#[derive(Debug, Args)]
pub(crate) struct RunFilterArgs {
    /// Only this run (read through the run index when the logs have one)
    #[arg(long = "run", value_name = "RUN_ID")]
    run: Option<String>,
    /// Only runs of this agent
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
    /// Only runs of this user
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Only runs of this request
    #[arg(long, value_name = "REQUEST")]
    request: Option<String>,
    /// Only runs that started at or after TIME (RFC 3339, or a duration ago: 15m, 2h, 7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only runs that started before TIME (RFC 3339, or a duration ago)
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only runs that stopped for this reason (completed, error, max_tool_calls, …)
    #[arg(long, value_name = "REASON")]
    stop_reason: Option<String>,
    /// Only runs that called this tool
    #[arg(long, value_name = "TOOL")]
    tool: Option<String>,
    /// Only runs with a failure of this class (timeout, http_5xx, …)
    #[arg(long, value_name = "CLASS")]
    error_class: Option<String>,
}

/// `runs`.
#[derive(Debug, Args)]
pub(crate) struct RunsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(flatten)]
    filter: RunFilterArgs,
    /// start (oldest first) or spend (costliest first) [default: start]
    #[arg(long, value_name = "ORDER")]
    sort: Option<String>,
}

/// `show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The run
    #[arg(value_name = "RUN_ID")]
    run_id: String,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `stats`.
#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// How many hottest (tool, args_hash) pairs to list [default: 10]
    #[arg(long, value_name = "N")]
    top: Option<String>,
    /// Only this agent's calls
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
    /// One row per tool, model (model calls: tokens, spend, latency) or agent [default: tool]
    #[arg(long, value_name = "GROUP")]
    by: Option<String>,
}

/// `spend`.
#[derive(Debug, Args)]
pub(crate) struct SpendArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// minute or hour (a timeline, with its spikes), run, model or agent (costliest first) [default: minute]
    #[arg(long, value_name = "GROUP")]
    by: Option<String>,
    /// Only spend at or after TIME (RFC 3339, or a duration ago: 15m, 2h, 7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only spend before TIME (RFC 3339, or a duration ago)
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only this agent's spend
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
    /// Most rows when grouping by run, model or agent [default: 20]
    #[arg(long, value_name = "N")]
    top: Option<String>,
}

/// `loops`.
#[derive(Debug, Args)]
pub(crate) struct LoopsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// Repeats that count as a loop [default: 3]
    #[arg(long, value_name = "N")]
    min: Option<String>,
    /// Only this agent's calls
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
}

/// `alerts`.
#[derive(Debug, Args)]
pub(crate) struct AlertsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// The alert rules: a tooltrail YAML configuration [default: the built-in rules]
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
}

/// `tail`.
#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// How many of the last events [default: 20]
    #[arg(short = 'n', value_name = "N")]
    lines: Option<String>,
    /// Only this run's events (read through the run index when the logs have one)
    #[arg(long = "run", value_name = "RUN_ID")]
    pub(crate) run: Option<String>,
    /// Keep following the active file (across rotation) until interrupted
    #[arg(short = 'f', long)]
    pub(crate) follow: bool,
}

/// `gaps`.
#[derive(Debug, Args)]
pub(crate) struct GapsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `agent-logs`.
#[derive(Debug, Args)]
pub(crate) struct AgentLogsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// The agent [default: every agent]
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
    /// Most entries, newest first [default: 50]
    #[arg(long, value_name = "N")]
    limit: Option<String>,
}

/// `agent-metrics`.
#[derive(Debug, Args)]
pub(crate) struct AgentMetricsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// The agent [default: every agent]
    #[arg(long = "agent", value_name = "AGENT")]
    agent_id: Option<String>,
    /// hour, day, week, month or all [default: day]
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
}

/// `report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// A log directory or JSONL file [default: ./tooltrail-logs]
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    /// The page's file
    #[arg(
        short = 'o',
        value_name = "FILE",
        default_value = "tooltrail-report.html"
    )]
    pub(crate) output: String,
    /// Most runs given a timeline on the page [default: 200]
    #[arg(long, value_name = "N")]
    max_runs: Option<String>,
    /// The alert rules: a tooltrail YAML configuration
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    #[command(flatten)]
    filter: RunFilterArgs,
}

/// `hash`.
#[derive(Debug, Args)]
pub(crate) struct HashArgs {
    /// HMAC-SHA-256 with the key in this environment variable (never on the command line)
    #[arg(long, value_name = "VAR")]
    pub(crate) key_env: Option<String>,
}

/// `mcp-proxy`.
#[derive(Debug, Args)]
pub(crate) struct McpProxyArgs {
    /// A tooltrail YAML configuration (budgets, loop guard, ids, storage)
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The JSONL log directory [default: ./tooltrail-logs]
    #[arg(long, value_name = "DIR")]
    pub(crate) logs: Option<PathBuf>,
    /// The session's request id
    #[arg(long, value_name = "ID")]
    pub(crate) request_id: Option<String>,
    /// The session's user id
    #[arg(long, value_name = "ID")]
    pub(crate) user_id: Option<String>,
    /// The agent id (overrides logging.agent_id)
    #[arg(long, value_name = "ID")]
    pub(crate) agent_id: Option<String>,
    /// A W3C traceparent whose trace the session continues
    #[arg(long, value_name = "TRACEPARENT")]
    pub(crate) traceparent: Option<String>,
    /// Seconds to wait for the server to exit before SIGTERM, then SIGKILL [default: 5]
    #[arg(long, value_name = "SECONDS")]
    pub(crate) shutdown_timeout: Option<String>,
    /// The server's command and its arguments
    #[arg(value_name = "CMD", required = true, trailing_var_arg = true)]
    pub(crate) command: Vec<String>,
}
