//! The command line → a [`Command`]. clap parses it ([`super::commands`]);
//! the query commands' options are then read by the same [`Query::read`] as a
//! host's options object ([`MatchOptions`] is the command line's
//! [`OptionSource`]), so both get the same defaults and rules.

use std::path::PathBuf;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::commands::{Cli, Cmd, Common, McpProxyArgs};
use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_mcp::ProxyOptions;
use tooltrail_query::report::ReportOptions;
use tooltrail_query::{AlertsOptions, DEFAULT_PATH, Opt, OptionSource, Query, RunFilter};

/// `report --max-runs`: most runs with a timeline.
const MAX_RUNS: Opt = Opt {
    key: "max_runs",
    flag: "--max-runs",
};

/// What the command line asks for.
// Built once per process: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub(super) enum Command {
    /// A query over the logs at `path`.
    Query {
        /// The log directory or file.
        path: PathBuf,
        /// What to ask.
        query: Query,
        /// `--json`: one JSON value instead of a table.
        json: bool,
        /// `tail -f`: keep following the active file.
        follow: bool,
    },
    /// `report`: the HTML page for the logs at `path`, written to `output`.
    Report {
        /// The log directory or file.
        path: PathBuf,
        /// What the page covers.
        options: ReportOptions,
        /// The page's file.
        output: String,
    },
    /// `hash`: the stable hash of the JSON on stdin.
    Hash {
        /// The environment variable holding the HMAC key, if any.
        key_env: Option<String>,
    },
    /// `mcp-proxy`: relay and record an MCP server.
    McpProxy(ProxyOptions),
    /// `completions SHELL`: the shell's completion script.
    Completions(clap_complete::Shell),
}

/// Why the command line was not taken.
#[derive(Debug)]
pub(super) enum ParseError {
    /// clap's: an unknown or misplaced flag, a missing argument, or
    /// `--help` / `--version` (which are not failures: see
    /// [`clap::Error::exit_code`]).
    Usage(clap::Error),
    /// A value clap took but the option's reader refused (a bad number or
    /// time, an unreadable `--config`), naming the flag.
    Invalid(Error),
}

impl From<Error> for ParseError {
    fn from(e: Error) -> Self {
        ParseError::Invalid(e)
    }
}

/// Parses the command line (without the program name).
pub(super) fn parse(args: &[String]) -> Result<Command, ParseError> {
    let argv = std::iter::once("tooltrail").chain(args.iter().map(String::as_str));
    let matches = Cli::command()
        .try_get_matches_from(argv)
        .map_err(ParseError::Usage)?;
    let cli = Cli::from_arg_matches(&matches).map_err(ParseError::Usage)?;
    let Some((name, sub)) = matches.subcommand() else {
        // `arg_required_else_help`: clap answered already.
        unreachable!("clap requires a command")
    };
    let mut src = MatchOptions { matches: sub };
    let query = |common: Common, src: &mut MatchOptions<'_>, follow| -> Result<Command, Error> {
        Ok(Command::Query {
            query: Query::read(name, src)?,
            path: common.path.unwrap_or_else(|| PathBuf::from(DEFAULT_PATH)),
            json: common.json,
            follow,
        })
    };
    Ok(match cli.command {
        Cmd::Runs(a) => query(a.common, &mut src, false)?,
        Cmd::Show(a) => query(a.common, &mut src, false)?,
        Cmd::Stats(a) => query(a.common, &mut src, false)?,
        Cmd::Spend(a) => query(a.common, &mut src, false)?,
        Cmd::Loops(a) => query(a.common, &mut src, false)?,
        Cmd::Alerts(a) => query(a.common, &mut src, false)?,
        Cmd::Tail(a) => query(a.common, &mut src, a.follow)?,
        Cmd::Gaps(a) => query(a.common, &mut src, false)?,
        Cmd::AgentLogs(a) => query(a.common, &mut src, false)?,
        Cmd::AgentMetrics(a) => query(a.common, &mut src, false)?,
        Cmd::Report(a) => {
            let defaults = ReportOptions::default();
            let filter = RunFilter::read(&mut src)?;
            let max_runs = src.count(MAX_RUNS)?;
            Command::Report {
                options: ReportOptions {
                    filter,
                    max_runs: max_runs.map_or(defaults.max_runs, |n| {
                        usize::try_from(n).unwrap_or(usize::MAX)
                    }),
                    config: AlertsOptions::read(&mut src)?.config,
                    ..defaults
                },
                path: a.path.unwrap_or_else(|| PathBuf::from(DEFAULT_PATH)),
                output: a.output,
            }
        }
        Cmd::Hash(a) => Command::Hash { key_env: a.key_env },
        Cmd::McpProxy(a) => Command::McpProxy(proxy_options(a)?),
        Cmd::Completions { shell } => Command::Completions(shell),
    })
}

/// `mcp-proxy`'s flags as the relay's options.
fn proxy_options(a: McpProxyArgs) -> Result<ProxyOptions, Error> {
    let mut o = ProxyOptions::new(a.command);
    o.config = a.config;
    if let Some(logs) = a.logs {
        o.logs = logs;
    }
    o.ids.request_id = a.request_id;
    o.ids.user_id = a.user_id;
    o.agent_id = a.agent_id;
    if let Some(tp) = a.traceparent {
        o.ids.continue_trace(&tp)?;
    }
    if let Some(text) = a.shutdown_timeout {
        o.set_shutdown_timeout("--shutdown-timeout", &text)?;
    }
    Ok(o)
}

/// The parsed command line as an [`OptionSource`]: an option is the
/// argument whose id is its key (`stop_reason`), named by its flag.
struct MatchOptions<'a> {
    matches: &'a ArgMatches,
}

impl MatchOptions<'_> {
    fn value(&self, opt: Opt) -> Option<&str> {
        // An id the command does not declare reads as absent; the
        // `every_query_command_declares_what_its_reader_asks_for` test keeps
        // the declarations and the readers in step.
        match self.matches.try_get_one::<String>(opt.key) {
            Ok(v) => v.map(String::as_str),
            Err(_) => None,
        }
    }
}

impl OptionSource for MatchOptions<'_> {
    fn text(&mut self, opt: Opt) -> Result<Option<String>, Error> {
        Ok(self.value(opt).map(str::to_owned))
    }

    fn count(&mut self, opt: Opt) -> Result<Option<u64>, Error> {
        self.value(opt)
            .map(|v| {
                v.parse().map_err(|_| {
                    Error::invalid_argument(
                        opt.flag,
                        format!("{} takes a whole number, got {v:?}", opt.flag),
                    )
                })
            })
            .transpose()
    }

    fn config(&mut self, opt: Opt) -> Result<Option<Config>, Error> {
        let Some(file) = self.value(opt) else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::invalid_argument(opt.flag, format!("cannot read {file}: {e}")))?;
        Ok(Some(Config::from_yaml(&text)?))
    }

    fn missing(&self, command: &str, opt: Opt) -> Error {
        Error::invalid_argument(opt.flag, format!("{command} needs a {}", opt.flag))
    }

    fn name(&self, opt: Opt) -> String {
        opt.flag.to_owned()
    }

    fn finish(&mut self, _command: &str) -> Result<(), Error> {
        // clap refused every flag the command does not declare.
        Ok(())
    }
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
