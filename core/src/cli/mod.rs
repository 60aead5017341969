//! The `tooltrail` command line: `runs`, `show`, `stats`, `loops`, `alerts`,
//! `tail`, `hash`. One implementation, run by the `tooltrail` binary (cargo),
//! by the Python console script and by the npm bin through the bindings.

mod json;
mod text;

use std::io::{self, Read, Write};
use std::path::PathBuf;

use crate::query::{self, EventReader, RunFilter};
use crate::value::Value;
use crate::{Config, canonical::write_ordered};

const USAGE: &str = "\
tooltrail: what happened in your agent's runs, from tooltrail JSONL logs

usage: tooltrail COMMAND [PATH] [OPTIONS]     (PATH: a log directory or file; default ./tooltrail-logs)

  runs   [--user U] [--request R] [--since TS] [--until TS] [--stop-reason S] [--tool T] [--error-class C]
  show   RUN_ID        the run's timeline: calls, latencies, failures, refusals, stop reason, budgets
  stats  [--top N]     per tool: calls, failures by class, p50/p95/p99 latency; hottest (tool, args_hash)
  loops  [--min N]     identical (tool, args_hash) calls repeated within a run (default N = 3)
  alerts [--config F]  replay the alert rules over the logs, window by window
  tail   [-n N] [-f]   the last N events, readable; -f keeps following
  report [-o FILE] [--max-runs N] [--config F] [runs filters]
                       one self-contained HTML page: runs, waterfalls, error classes, latency, alerts
  hash   [--key-env V] stable hash of the JSON on stdin (HMAC with the key in env var V)

  --json   machine-readable output (one JSON value)
";

struct Args {
    command: String,
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

const VALUE_FLAGS: [&str; 14] = [
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
];

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    let command = it.next().cloned().unwrap_or_else(|| "help".into());
    let (mut positional, mut flags) = (Vec::new(), Vec::new());
    while let Some(a) = it.next() {
        if VALUE_FLAGS.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            flags.push((a.clone(), Some(v.clone())));
        } else if matches!(a.as_str(), "--json" | "-f" | "--follow") {
            flags.push((a.clone(), None));
        } else if a.starts_with('-') {
            return Err(format!("unknown option {a}"));
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
    fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(k, _)| k == name)
    }
    fn number(&self, name: &str, default: u64) -> Result<u64, String> {
        self.flag(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name} takes a whole number, got {v:?}"))
        })
    }
    fn path(&self, index: usize) -> PathBuf {
        self.positional
            .get(index)
            .map_or_else(|| PathBuf::from("tooltrail-logs"), PathBuf::from)
    }
}

/// Runs the CLI with `args` (without the program name); returns the exit code.
pub fn run(args: &[String], stdin: &mut dyn Read, out: &mut dyn Write) -> i32 {
    match dispatch(args, stdin, out) {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(io::stderr(), "tooltrail: {message}");
            2
        }
    }
}

fn events(path: &std::path::Path) -> Result<EventReader, String> {
    EventReader::open(path).map_err(|e| format!("cannot read logs at {}: {e}", path.display()))
}

fn emit_json(out: &mut dyn Write, v: &Value) -> Result<(), String> {
    let mut bytes = Vec::new();
    write_ordered(v, &mut bytes).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    out.write_all(&bytes).map_err(|e| e.to_string())
}

fn dispatch(args: &[String], stdin: &mut dyn Read, out: &mut dyn Write) -> Result<(), String> {
    let a = parse_args(args)?;
    let json = a.has("--json");
    match a.command.as_str() {
        "help" | "--help" | "-h" => out.write_all(USAGE.as_bytes()).map_err(|e| e.to_string()),
        "--version" | "version" => {
            writeln!(out, "tooltrail {}", crate::VERSION).map_err(|e| e.to_string())
        }
        "runs" => {
            let filter = run_filter(&a);
            let runs = query::runs(events(&a.path(0))?, &filter);
            if json {
                return emit_json(out, &json::runs_json(&runs));
            }
            text::runs(out, &runs)
        }
        "show" => {
            let run_id = a.positional.first().ok_or("show needs a RUN_ID")?;
            let events = query::timeline(events(&a.path(1))?, run_id);
            if events.is_empty() {
                return Err(format!("no events for run {run_id:?}"));
            }
            if json {
                return emit_json(out, &Value::Array(events));
            }
            text::show(out, run_id, &events)
        }
        "stats" => {
            let report = query::stats(events(&a.path(0))?, a.number("--top", 10)? as usize);
            if json {
                return emit_json(out, &json::stats_json(&report));
            }
            text::stats(out, &report)
        }
        "loops" => {
            let found = query::loops(events(&a.path(0))?, a.number("--min", 3)?);
            if json {
                return emit_json(out, &json::loops_json(&found));
            }
            text::loops(out, &found)
        }
        "alerts" => {
            let config = alert_config(&a)?;
            let history = query::alert_history(events(&a.path(0))?, &config);
            if json {
                return emit_json(out, &json::alerts_json(&history));
            }
            text::alerts(out, &history, &config)
        }
        "report" => {
            let path = a.path(0);
            let options = crate::report::ReportOptions {
                filter: run_filter(&a),
                max_runs: a.number("--max-runs", 200)? as usize,
                config: alert_config(&a)?,
                ..Default::default()
            };
            let page = crate::report::render(&path, &options)
                .map_err(|e| format!("cannot read logs at {}: {e}", path.display()))?;
            let target = a.flag("-o").unwrap_or("tooltrail-report.html");
            std::fs::write(target, page).map_err(|e| format!("cannot write {target}: {e}"))?;
            writeln!(out, "wrote {target}").map_err(|e| e.to_string())
        }
        "tail" => text::tail(&a, json, out),
        "hash" => {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            let value =
                crate::parse::parse_json(text.trim_end().as_bytes()).map_err(|e| e.to_string())?;
            let key = match a.flag("--key-env") {
                Some(var) => Some(
                    std::env::var(var)
                        .map_err(|_| format!("environment variable {var} is not set"))?
                        .into_bytes(),
                ),
                None => None,
            };
            let hash =
                crate::hash::stable_hash_with(&value, key.as_deref()).map_err(|e| e.to_string())?;
            writeln!(out, "{hash}").map_err(|e| e.to_string())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

fn run_filter(a: &Args) -> RunFilter {
    RunFilter {
        user: a.flag("--user").map(Into::into),
        request: a.flag("--request").map(Into::into),
        since: a.flag("--since").map(Into::into),
        until: a.flag("--until").map(Into::into),
        stop_reason: a.flag("--stop-reason").map(Into::into),
        tool: a.flag("--tool").map(Into::into),
        error_class: a.flag("--error-class").map(Into::into),
    }
}

fn alert_config(a: &Args) -> Result<Config, String> {
    match a.flag("--config") {
        Some(f) => Config::from_yaml(
            &std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?,
        )
        .map_err(|e| e.to_string()),
        None => Ok(Config::default()),
    }
}

pub use json::query;
