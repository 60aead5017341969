//! The `tooltrail` command line: `runs`, `show`, `stats`, `loops`, `alerts`,
//! `tail`, `gaps`, `report`, `hash`, and `mcp-proxy` ([`crate::mcp`]). One implementation, run by the `tooltrail`
//! binary (cargo), by the Python console script and by the npm bin through
//! the bindings.
//!
//! Three steps, one module each: `args` turns argv into a [`Command`] (the
//! queries through the same [`tooltrail_query::Query`] reader as the bindings),
//! [`tooltrail_query::execute`] runs it, and `text` / [`emit_json`] render the
//! answer.

#![warn(unreachable_pub)]

mod args;
mod commands;
mod spend_text;
mod tail;
mod text;

use std::fmt;
use std::io::{self, Read, Write};

use args::{Command, ParseError};

use tooltrail_core::Error;
use tooltrail_json::Value;
use tooltrail_json::write_ordered;
use tooltrail_query::Answer;

/// Why a command failed; its [`Display`](fmt::Display) is what the CLI
/// prints after `tooltrail: `.
#[derive(Debug)]
enum CliError {
    /// A core error: a bad option, unreadable logs, a bad config or JSON.
    Core(Error),
    /// An I/O failure of the CLI's own; `what` names the file or stream
    /// (empty for stdout, whose failure needs no name).
    Io {
        /// `cannot write FILE`, `cannot read stdin`, or empty.
        what: String,
        /// The failure.
        source: io::Error,
    },
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Core(e)
    }
}

impl From<io::Error> for CliError {
    fn from(source: io::Error) -> Self {
        CliError::Io {
            what: String::new(),
            source,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Command-line errors are whole sentences that name the flag
            // (`--top takes a whole number, got "x"`); `Error`'s own
            // `invalid `--top`: …` prefix would say it twice.
            CliError::Core(Error::InvalidArgument { message, .. }) => f.write_str(message),
            CliError::Core(e) => e.fmt(f),
            CliError::Io { what, source } if what.is_empty() => source.fmt(f),
            CliError::Io { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

/// Runs the CLI with `args` (without the program name); returns the exit
/// code: 0, or 2 for a usage error, a bad value or unreadable logs (the
/// message on stderr), or `mcp-proxy`'s server's code.
pub fn run(args: &[String], stdin: &mut dyn Read, out: &mut dyn Write) -> i32 {
    // A configuration may ask for OTLP export (`mcp-proxy --config`).
    tooltrail_otlp::install();
    let command = match args::parse(args) {
        Ok(command) => command,
        Err(ParseError::Usage(e)) => {
            // `--help` and `--version` go to stdout with 0; mistakes to
            // stderr with 2 and clap's suggestion ("a similar argument
            // exists: '--stop-reason'").
            let text = e.render().to_string();
            let _ = match e.use_stderr() {
                true => io::stderr().write_all(text.as_bytes()),
                false => out.write_all(text.as_bytes()),
            };
            return e.exit_code();
        }
        Err(ParseError::Invalid(e)) => {
            let _ = writeln!(io::stderr(), "tooltrail: {}", CliError::Core(e));
            return 2;
        }
    };
    match dispatch(command, stdin, out) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(io::stderr(), "tooltrail: {e}");
            2
        }
    }
}

fn dispatch(command: Command, stdin: &mut dyn Read, out: &mut dyn Write) -> Result<i32, CliError> {
    match command {
        Command::Query {
            path,
            query,
            json,
            follow,
        } => {
            let (answer, gaps) = tooltrail_query::execute_with_gaps(&path, &query)?;
            render(out, &answer, json)?;
            for note in &gaps.reading_notes {
                let _ = writeln!(io::stderr(), "tooltrail: note: {note}");
            }
            if !gaps.is_empty() && !matches!(answer, Answer::Gaps(_)) {
                // On stderr: --json stays one value, and a table's reader
                // still sees it under the table.
                let _ = writeln!(io::stderr(), "tooltrail: note: {}", gaps.describe());
            }
            if follow {
                let run = match &query {
                    tooltrail_query::Query::Tail(o) => o.run_id.as_deref(),
                    _ => None,
                };
                return tail::follow(&path, run, json, out);
            }
        }
        Command::Report {
            path,
            options,
            output,
        } => {
            let page = tooltrail_query::report::render(&path, &options)?;
            std::fs::write(&output, page).map_err(|source| CliError::Io {
                what: format!("cannot write {output}"),
                source,
            })?;
            writeln!(out, "wrote {output}")?;
        }
        Command::Hash { key_env } => hash(stdin, key_env.as_deref(), out)?,
        // The proxy owns the process's real stdin and stdout (the MCP
        // channel) from two threads, so it takes them itself; every caller
        // of `run` passes those.
        Command::McpProxy(options) => return Ok(tooltrail_mcp::run(&options)?),
        Command::Completions(shell) => {
            let mut command = <commands::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "tooltrail", out);
        }
    }
    Ok(0)
}

/// Prints an answer as the CLI does (for measuring the printing path;
/// `core/cli/tests/query_memory.rs`).
pub fn render_to(out: &mut dyn Write, answer: &Answer, json: bool) -> io::Result<()> {
    render(out, answer, json).map_err(|e| match e {
        CliError::Io { source, .. } => source,
        CliError::Core(e) => io::Error::other(e.to_string()),
    })
}

/// Prints an answer: a table, or `--json` (one value; `tail` one event per
/// line, so that `tail -f --json` stays a stream of lines).
fn render(out: &mut dyn Write, answer: &Answer, json: bool) -> Result<(), CliError> {
    match (answer, json) {
        (Answer::Tail(events), true) => {
            for e in events {
                emit_json(out, e)?;
            }
        }
        (Answer::Runs(runs), true) => {
            // In pieces: the whole array as one value would hold every run
            // twice more (issue 13 item 15).
            tooltrail_query::write_runs_json(runs, &mut |bytes: &[u8]| -> Result<(), CliError> {
                Ok(out.write_all(bytes)?)
            })?;
        }
        (_, true) => emit_json(out, &answer.to_value())?,
        (_, false) => render_text(&mut text::TerminalSafe(out), answer)?,
    }
    Ok(())
}

/// Prints an answer as a table (through [`text::TerminalSafe`]).
fn render_text(out: &mut dyn Write, answer: &Answer) -> Result<(), CliError> {
    match answer {
        Answer::Runs(runs) => text::runs(out, runs)?,
        Answer::Show { run_id, events } => text::show(out, run_id, events)?,
        Answer::Stats(report) => text::stats(out, report)?,
        Answer::GroupStats { by, groups } => spend_text::group_stats(out, *by, groups)?,
        Answer::Spend(report) => spend_text::spend(out, report)?,
        Answer::Loops(found) => text::loops(out, found)?,
        Answer::Alerts { history, window_s } => text::alerts(out, history, *window_s)?,
        Answer::Tail(events) => {
            for e in events {
                text::tail_line(out, e)?;
            }
        }
        Answer::Gaps(gaps) => text::gaps(out, gaps)?,
        Answer::AgentLogs(entries) => text::agent_logs(out, entries)?,
        Answer::AgentMetrics(totals) => text::agent_metrics(out, totals)?,
    }
    Ok(())
}

/// Writes `v` as one line of JSON in the event key order.
fn emit_json(out: &mut dyn Write, v: &Value) -> Result<(), CliError> {
    let mut bytes = Vec::new();
    write_ordered(v, &mut bytes).map_err(Error::from)?;
    bytes.push(b'\n');
    Ok(out.write_all(&bytes)?)
}

/// `hash`: the stable hash of the JSON on stdin, keyed with the variable
/// `key_env` names.
fn hash(stdin: &mut dyn Read, key_env: Option<&str>, out: &mut dyn Write) -> Result<(), CliError> {
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|source| CliError::Io {
            what: "cannot read stdin".into(),
            source,
        })?;
    let value = tooltrail_json::parse_json(text.trim_end().as_bytes()).map_err(Error::from)?;
    let key = match key_env {
        Some(var) => Some(
            std::env::var(var)
                .map_err(|_| {
                    Error::invalid_argument(
                        "--key-env",
                        format!("environment variable {var} is not set"),
                    )
                })?
                .into_bytes(),
        ),
        None => None,
    };
    if let Some(key) = &key {
        tooltrail_core::check_hash_key(key, "--key-env")?;
    }
    let hash = tooltrail_json::stable_hash_with(&value, key.as_deref()).map_err(Error::from)?;
    Ok(writeln!(out, "{hash}")?)
}
