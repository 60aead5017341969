//! The command line → a [`Command`]. The query commands' options are read by
//! the same [`Query::read`] as a host's options object ([`ArgvOptions`] is
//! the command line's [`OptionSource`]), so both get the same defaults.

use std::path::PathBuf;

use super::USAGE;
use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_query::report::ReportOptions;
use tooltrail_query::{AlertsOptions, DEFAULT_PATH, Opt, OptionSource, Query, RunFilter};

/// `report -o`: where the page goes.
const OUTPUT: Opt = Opt {
    key: "output",
    flag: "-o",
};
/// `report --max-runs`: most runs with a timeline.
const MAX_RUNS: Opt = Opt {
    key: "max_runs",
    flag: "--max-runs",
};
/// `hash --key-env`: the environment variable holding the HMAC key.
const KEY_ENV: Opt = Opt {
    key: "key_env",
    flag: "--key-env",
};
/// `report`'s page when `-o` is not given.
const DEFAULT_REPORT_FILE: &str = "tooltrail-report.html";

/// What the command line asks for.
// Built once per process: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub(super) enum Command {
    /// `help`, `--help`, `-h`.
    Help,
    /// `version`, `--version`.
    Version,
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
}

/// Flags that take a value; every command accepts every flag (one that a
/// command does not use is ignored, as it always was).
const VALUE_FLAGS: [&str; 17] = [
    "--user",
    "--request",
    "--since",
    "--until",
    "--stop-reason",
    "--tool",
    "--error-class",
    "--top",
    "--min",
    "--config",
    "-n",
    "--key-env",
    "-o",
    "--max-runs",
    "--agent",
    "--limit",
    "--period",
];

/// The command line split into command, positionals and flags.
struct Args {
    command: String,
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

fn split(args: &[String]) -> Result<Args, Error> {
    let mut it = args.iter();
    let command = it.next().cloned().unwrap_or_else(|| "help".into());
    let (mut positional, mut flags) = (Vec::new(), Vec::new());
    while let Some(a) = it.next() {
        if VALUE_FLAGS.contains(&a.as_str()) {
            let v = it
                .next()
                .ok_or_else(|| Error::invalid_argument(a, format!("{a} needs a value")))?;
            flags.push((a.clone(), Some(v.clone())));
        } else if matches!(a.as_str(), "--json" | "-f" | "--follow") {
            flags.push((a.clone(), None));
        } else if a.starts_with('-') {
            return Err(Error::invalid_argument(a, format!("unknown option {a}")));
        } else {
            positional.push(a.clone());
        }
    }
    Ok(Args {
        command,
        positional,
        flags,
    })
}

impl Args {
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(k, _)| k == name)
    }

    /// The log location: the positional at `index`, else the default.
    fn path(&self, index: usize) -> PathBuf {
        PathBuf::from(
            self.positional
                .get(index)
                .map_or(DEFAULT_PATH, String::as_str),
        )
    }
}

/// Parses the command line (without the program name). Errors are
/// [`Error::InvalidArgument`] whose message is the whole sentence the CLI
/// prints, or the errors of reading `--config`.
pub(super) fn parse(args: &[String]) -> Result<Command, Error> {
    let a = split(args)?;
    let json = a.has("--json");
    let mut src = ArgvOptions {
        args: &a,
        named: Vec::new(),
    };
    Ok(match a.command.as_str() {
        "help" | "--help" | "-h" => Command::Help,
        "--version" | "version" => Command::Version,
        "show" => {
            // `show RUN_ID [PATH]`: the run comes first.
            if let Some(run_id) = a.positional.first() {
                src.named.push(("RUN_ID", run_id.clone()));
            }
            let query = Query::read("show", &mut src)?;
            Command::Query {
                path: a.path(1),
                query,
                json,
                follow: false,
            }
        }
        command @ ("runs" | "stats" | "loops" | "alerts" | "tail" | "gaps" | "agent-logs"
        | "agent-metrics") => Command::Query {
            path: a.path(0),
            query: Query::read(command, &mut src)?,
            json,
            follow: command == "tail" && (a.has("-f") || a.has("--follow")),
        },
        "report" => {
            let defaults = ReportOptions::default();
            let filter = RunFilter::read(&mut src)?;
            let max_runs = src.count(MAX_RUNS)?;
            let options = ReportOptions {
                filter,
                max_runs: max_runs.map_or(defaults.max_runs, |n| {
                    usize::try_from(n).unwrap_or(usize::MAX)
                }),
                config: AlertsOptions::read(&mut src)?.config,
                ..defaults
            };
            Command::Report {
                path: a.path(0),
                options,
                output: src
                    .text(OUTPUT)?
                    .unwrap_or_else(|| DEFAULT_REPORT_FILE.into()),
            }
        }
        "hash" => Command::Hash {
            key_env: src.text(KEY_ENV)?,
        },
        other => {
            return Err(Error::invalid_argument(
                "COMMAND",
                format!("unknown command {other:?}\n\n{USAGE}"),
            ));
        }
    })
}

/// The command line as an [`OptionSource`]: flags by their CLI name,
/// positionals by the name the usage text gives them (`RUN_ID`).
struct ArgvOptions<'a> {
    args: &'a Args,
    named: Vec<(&'static str, String)>,
}

impl ArgvOptions<'_> {
    fn value(&self, opt: Opt) -> Option<&str> {
        if let Some((_, v)) = self.named.iter().find(|(n, _)| *n == opt.flag) {
            return Some(v);
        }
        // The first occurrence wins, as it always did.
        self.args
            .flags
            .iter()
            .find(|(k, _)| k == opt.flag)
            .and_then(|(_, v)| v.as_deref())
    }
}

impl OptionSource for ArgvOptions<'_> {
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
        // Unknown flags were refused by `split`; a known flag another
        // command uses is ignored (the CLI's behaviour since its first day).
        Ok(())
    }
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
