//! The `tooltrail` command line: `runs`, `show`, `stats`, `loops`, `alerts`,
//! `tail`, `hash`. One implementation, run by the `tooltrail` binary (cargo),
//! by the Python console script and by the npm bin through the bindings.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;

use crate::query::{self, EventReader, RunFilter, num_field, str_field};
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
  hash   [--key-env V] stable hash of the JSON on stdin (HMAC with the key in env var V)

  --json   machine-readable output (one JSON value)
";

struct Args {
    command: String,
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

const VALUE_FLAGS: [&str; 12] = [
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

fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    let mut text = line(header.to_vec()) + "\n";
    for row in rows {
        text += &(line(row.iter().map(String::as_str).collect()) + "\n");
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn ms(v: f64) -> String {
    format!("{v:.3}")
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
                return emit_json(out, &runs_json(&runs));
            }
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    vec![
                        r.run_id.clone(),
                        r.start.clone(),
                        r.user_id.clone().unwrap_or_else(|| "-".into()),
                        r.tool_calls.to_string(),
                        r.errors.to_string(),
                        r.stop_reason.clone().unwrap_or_else(|| "-".into()),
                        r.spend_usd.map_or("-".into(), |s| format!("{s:.4}")),
                        r.error_classes.join(","),
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "RUN_ID",
                    "START",
                    "USER",
                    "CALLS",
                    "ERRORS",
                    "STOP_REASON",
                    "SPEND_USD",
                    "ERROR_CLASSES",
                ],
                &rows,
            )?;
            writeln!(out, "{} runs", rows.len()).map_err(|e| e.to_string())
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
            show(out, run_id, &events)
        }
        "stats" => {
            let (tools, hot) = query::stats(events(&a.path(0))?, a.number("--top", 10)? as usize);
            if json {
                return emit_json(out, &stats_json(&tools, &hot));
            }
            let rows: Vec<Vec<String>> = tools
                .iter()
                .map(|t| {
                    let failed: u64 = t.errors.values().sum();
                    let rate = if t.calls == 0 {
                        0.0
                    } else {
                        failed as f64 * 100.0 / t.calls as f64
                    };
                    let classes = t
                        .errors
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    vec![
                        t.tool.clone(),
                        t.calls.to_string(),
                        format!("{rate:.1}%"),
                        ms(t.latency_ms[0]),
                        ms(t.latency_ms[1]),
                        ms(t.latency_ms[2]),
                        classes,
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "TOOL",
                    "CALLS",
                    "FAILED",
                    "P50_MS",
                    "P95_MS",
                    "P99_MS",
                    "ERROR_CLASSES",
                ],
                &rows,
            )?;
            writeln!(out).map_err(|e| e.to_string())?;
            let rows: Vec<Vec<String>> = hot
                .iter()
                .map(|(t, h, n)| vec![t.clone(), h.chars().take(12).collect(), n.to_string()])
                .collect();
            table(out, &["HOTTEST TOOL", "ARGS_HASH", "CALLS"], &rows)
        }
        "loops" => {
            let found = query::loops(events(&a.path(0))?, a.number("--min", 3)?);
            if json {
                return emit_json(out, &loops_json(&found));
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|f| {
                    vec![
                        f.run_id.clone(),
                        f.tool.clone(),
                        f.args_hash.chars().take(12).collect(),
                        f.count.to_string(),
                        f.blocked.to_string(),
                    ]
                })
                .collect();
            table(
                out,
                &["RUN_ID", "TOOL", "ARGS_HASH", "CALLS", "BLOCKED"],
                &rows,
            )?;
            writeln!(out, "{} repeated calls", rows.len()).map_err(|e| e.to_string())
        }
        "alerts" => {
            let config = alert_config(&a)?;
            let history = query::alert_history(events(&a.path(0))?, &config);
            if json {
                return emit_json(out, &alerts_json(&history));
            }
            let rows: Vec<Vec<String>> = history
                .iter()
                .map(|(ts, c)| {
                    vec![
                        ts.clone(),
                        c.rule.to_owned(),
                        c.level.to_owned(),
                        format!("{}", c.value),
                        format!("{}", c.threshold),
                    ]
                })
                .collect();
            table(out, &["TIME", "RULE", "LEVEL", "VALUE", "THRESHOLD"], &rows)?;
            writeln!(
                out,
                "{} alert transitions (window {} s)",
                rows.len(),
                config.alert_window_s
            )
            .map_err(|e| e.to_string())
        }
        "tail" => tail(&a, json, out),
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

fn runs_json(runs: &[query::RunSummary]) -> Value {
    let items = runs.iter().map(|r| {
        Value::object([
            ("run_id", Value::String(r.run_id.clone())),
            ("start", Value::String(r.start.clone())),
            ("user_id", opt(&r.user_id)),
            ("request_id", opt(&r.request_id)),
            ("tool_calls", Value::Number(r.tool_calls as f64)),
            ("errors", Value::Number(r.errors as f64)),
            ("stop_reason", opt(&r.stop_reason)),
            (
                "duration_ms",
                r.duration_ms.map_or(Value::Null, Value::Number),
            ),
            ("spend_usd", r.spend_usd.map_or(Value::Null, Value::Number)),
            (
                "error_classes",
                Value::Array(r.error_classes.iter().cloned().map(Value::String).collect()),
            ),
        ])
    });
    Value::Array(items.collect())
}

fn stats_json(tools: &[query::ToolStats], hot: &[(String, String, u64)]) -> Value {
    let tools = tools.iter().map(|t| {
        Value::object([
            ("tool", Value::String(t.tool.clone())),
            ("calls", Value::Number(t.calls as f64)),
            (
                "errors",
                Value::Object(
                    t.errors
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::Number(*v as f64)))
                        .collect(),
                ),
            ),
            ("p50_ms", Value::Number(t.latency_ms[0])),
            ("p95_ms", Value::Number(t.latency_ms[1])),
            ("p99_ms", Value::Number(t.latency_ms[2])),
        ])
    });
    let hot = hot.iter().map(|(t, h, n)| {
        Value::object([
            ("tool", Value::String(t.clone())),
            ("args_hash", Value::String(h.clone())),
            ("calls", Value::Number(*n as f64)),
        ])
    });
    Value::object([
        ("tools", Value::Array(tools.collect())),
        ("hottest", Value::Array(hot.collect())),
    ])
}

fn loops_json(found: &[query::LoopFinding]) -> Value {
    let items = found.iter().map(|f| {
        Value::object([
            ("run_id", Value::String(f.run_id.clone())),
            ("tool", Value::String(f.tool.clone())),
            ("args_hash", Value::String(f.args_hash.clone())),
            ("count", Value::Number(f.count as f64)),
            ("blocked", Value::Number(f.blocked as f64)),
        ])
    });
    Value::Array(items.collect())
}

fn alerts_json(history: &[(String, crate::gateway::AlertChange)]) -> Value {
    let items = history.iter().map(|(ts, c)| {
        Value::object([
            ("ts", Value::String(ts.clone())),
            ("rule", Value::from(c.rule)),
            ("level", Value::from(c.level)),
            ("value", Value::Number(c.value)),
            ("threshold", Value::Number(c.threshold)),
        ])
    });
    Value::Array(items.collect())
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

/// The value `--json` prints for `runs`, `show`, `stats`, `loops` and
/// `alerts`, for the bindings' query API: `args` as on the command line.
pub fn query(args: &[String]) -> Result<Value, String> {
    let a = parse_args(args)?;
    match a.command.as_str() {
        "runs" => Ok(runs_json(&query::runs(
            events(&a.path(0))?,
            &run_filter(&a),
        ))),
        "show" => {
            let run_id = a.positional.first().ok_or("show needs a RUN_ID")?;
            Ok(Value::Array(query::timeline(events(&a.path(1))?, run_id)))
        }
        "stats" => {
            let (tools, hot) = query::stats(events(&a.path(0))?, a.number("--top", 10)? as usize);
            Ok(stats_json(&tools, &hot))
        }
        "loops" => Ok(loops_json(&query::loops(
            events(&a.path(0))?,
            a.number("--min", 3)?,
        ))),
        "alerts" => Ok(alerts_json(&query::alert_history(
            events(&a.path(0))?,
            &alert_config(&a)?,
        ))),
        other => Err(format!(
            "{other:?} is not a query (runs, show, stats, loops, alerts)"
        )),
    }
}

fn describe(e: &Value) -> [String; 5] {
    let event = str_field(e, "event").unwrap_or("?");
    let seq = num_field(e, "seq").map_or("-".into(), |n| format!("{n}"));
    let tool = str_field(e, "tool").unwrap_or(event).to_owned();
    let hash = str_field(e, "args_hash").map_or(String::new(), |h| h.chars().take(12).collect());
    let outcome = match event {
        "tool_call" if str_field(e, "decision") == Some("block") => {
            format!("BLOCKED {}", str_field(e, "error_class").unwrap_or(""))
        }
        "tool_call" => match num_field(e, "loop_count") {
            Some(n) => format!("call (repeat #{n})"),
            None => "call".into(),
        },
        "tool_result" => {
            let latency =
                num_field(e, "latency_ms").map_or(String::new(), |l| format!("{} ms ", ms(l)));
            match str_field(e, "error_class") {
                Some(c) => format!("{latency}FAILED {c}"),
                None => format!("{latency}ok"),
            }
        }
        "run_end" => {
            let mut s = format!(
                "stop_reason={} calls={} errors={}",
                str_field(e, "stop_reason").unwrap_or("?"),
                num_field(e, "tool_calls").unwrap_or(0.0),
                num_field(e, "errors").unwrap_or(0.0)
            );
            if let Some(Value::Object(b)) = e.get("budgets") {
                for (k, v) in b {
                    s += &format!(
                        " {k}={}/{}",
                        num_field(v, "used").unwrap_or(0.0),
                        num_field(v, "limit").unwrap_or(0.0)
                    );
                }
            }
            s
        }
        "run_start" => match e.get("budgets") {
            Some(Value::Object(b)) if !b.is_empty() => {
                let mut text = String::from("budgets");
                for (k, v) in b {
                    match v {
                        Value::Number(n) => text += &format!(" {k}={n}"),
                        other => {
                            text += &format!(
                                " {k}={}",
                                crate::canonical::canonical_json(other).unwrap_or_default()
                            )
                        }
                    }
                }
                text
            }
            _ => "no budgets".into(),
        },
        "alert" => format!(
            "{} {} value={} threshold={}",
            str_field(e, "rule").unwrap_or("?"),
            str_field(e, "level").unwrap_or("?"),
            num_field(e, "value").unwrap_or(0.0),
            num_field(e, "threshold").unwrap_or(0.0)
        ),
        other => other.to_owned(),
    };
    let ts = str_field(e, "ts").unwrap_or("").to_owned();
    let event_col = if matches!(event, "tool_call" | "tool_result") {
        String::new()
    } else {
        event.to_owned()
    };
    [
        ts,
        seq,
        if event_col.is_empty() {
            tool
        } else {
            event_col
        },
        hash,
        outcome,
    ]
}

fn show(out: &mut dyn Write, run_id: &str, events: &[Value]) -> Result<(), String> {
    let first = &events[0];
    writeln!(
        out,
        "run {run_id}  trace {}  user {}  request {}",
        str_field(first, "trace_id").unwrap_or("-"),
        str_field(first, "user_id").unwrap_or("-"),
        str_field(first, "request_id").unwrap_or("-")
    )
    .map_err(|e| e.to_string())?;
    let rows: Vec<Vec<String>> = events.iter().map(|e| describe(e).to_vec()).collect();
    table(
        out,
        &["TIME", "SEQ", "TOOL/EVENT", "ARGS_HASH", "OUTCOME"],
        &rows,
    )
}

fn tail(a: &Args, json: bool, out: &mut dyn Write) -> Result<(), String> {
    let path = a.path(0);
    let n = a.number("-n", 20)? as usize;
    let mut last: std::collections::VecDeque<Value> = std::collections::VecDeque::with_capacity(n);
    for e in events(&path)? {
        if last.len() == n {
            last.pop_front();
        }
        last.push_back(e);
    }
    let print = |out: &mut dyn Write, e: &Value| -> Result<(), String> {
        if json {
            emit_json(out, e)
        } else {
            let [ts, seq, tool, hash, outcome] = describe(e);
            let run = str_field(e, "run_id").unwrap_or("-");
            writeln!(out, "{ts}  {run}  #{seq}  {tool}  {hash}  {outcome}")
                .map_err(|e| e.to_string())
        }
    };
    for e in &last {
        print(out, e)?;
    }
    if !a.has("-f") && !a.has("--follow") {
        return Ok(());
    }
    // Follow the active file: poll for appended whole lines; reopen on rotation.
    let active = if path.is_dir() {
        path.join(crate::writer::ACTIVE_FILE)
    } else {
        path.clone()
    };
    let mut offset = std::fs::metadata(&active).map(|m| m.len()).unwrap_or(0);
    loop {
        out.flush().map_err(|e| e.to_string())?;
        std::thread::sleep(std::time::Duration::from_millis(200));
        let len = std::fs::metadata(&active).map(|m| m.len()).unwrap_or(0);
        if len < offset {
            offset = 0; // rotated
        }
        if len == offset {
            continue;
        }
        let mut f = std::fs::File::open(&active).map_err(|e| e.to_string())?;
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
        let mut reader = std::io::BufReader::new(f);
        let mut line = Vec::new();
        while reader
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?
            > 0
        {
            if !line.ends_with(b"\n") {
                break; // a line still being written: wait for the rest
            }
            offset += line.len() as u64;
            if let Ok(e) = crate::parse::parse_json(&line[..line.len() - 1]) {
                print(out, &e)?;
            }
            line.clear();
        }
    }
}
