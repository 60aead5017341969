//! The CLI over the golden logs of the gateway scenarios (deterministic), as
//! tables and as `--json`.

use tooltrail_cli as cli;
use tooltrail_json::{Value, parse_json};

const RUNS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/gateway/runs.expected.jsonl"
);
const BASIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/gateway/basic.expected.jsonl"
);

fn run(args: &[&str], stdin: &str) -> (i32, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let code = cli::run(&args, &mut stdin.as_bytes(), &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn json(args: &[&str]) -> Value {
    let (code, out) = run(args, "");
    assert_eq!(code, 0, "{args:?}");
    parse_json(out.trim_end().as_bytes()).unwrap()
}

fn list(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        other => panic!("array expected: {other:?}"),
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    match v.get(k) {
        Some(Value::String(x)) => x,
        other => panic!("{k}: {other:?}"),
    }
}

#[test]
fn runs_lists_and_filters() {
    let all = json(&["runs", RUNS, "--json"]);
    let reasons: Vec<&str> = list(&all).iter().map(|r| s(r, "stop_reason")).collect();
    assert_eq!(
        reasons,
        [
            "max_tool_calls",
            "loop_detected",
            "max_steps",
            "max_spend",
            "max_duration",
            "error",
            "timeout",
            "completed"
        ]
    );
    let looped = json(&["runs", RUNS, "--stop-reason", "loop_detected", "--json"]);
    assert_eq!(list(&looped).len(), 1);
    assert_eq!(s(&list(&looped)[0], "run_id"), "run-loop");
    let spend = json(&["runs", RUNS, "--stop-reason", "max_spend", "--json"]);
    assert_eq!(list(&spend)[0].get("spend_usd"), Some(&Value::Number(1.2)));
    let http = json(&["runs", RUNS, "--error-class", "http_5xx", "--json"]);
    assert_eq!(s(&list(&http)[0], "run_id"), "run-completed");
    let one = json(&["runs", RUNS, "--run", "run-loop", "--json"]);
    assert_eq!(list(&one), list(&looped), "--run lists that run only");
    assert!(list(&json(&["runs", RUNS, "--run", "run-nope", "--json"])).is_empty());
    let (code, table) = run(&["runs", RUNS], "");
    assert_eq!(code, 0);
    assert!(table.starts_with("RUN_ID"), "{table}");
    assert!(
        table.contains("run-spend")
            && table.contains("max_spend")
            && table.trim_end().ends_with("8 runs")
    );
}

/// The line under a table counts in the singular too ("1 runs" before).
#[test]
fn a_table_of_one_says_so_in_the_singular() {
    let last = |args: &[&str]| {
        let (code, out) = run(args, "");
        assert_eq!(code, 0, "{args:?}");
        out.trim_end().lines().last().unwrap().to_owned()
    };
    assert_eq!(last(&["runs", RUNS, "--run", "run-loop"]), "1 run");
    assert_eq!(last(&["runs", RUNS]), "8 runs");
    assert_eq!(last(&["loops", RUNS]), "1 repeated call");
    assert_eq!(last(&["loops", RUNS, "--min", "9"]), "0 repeated calls");
    // One run with one model call (`run-spend` of the models scenario).
    let models = std::fs::read_to_string(RUNS.replace("runs.expected", "models.expected")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("one.jsonl");
    let one: String = models
        .lines()
        .filter(|l| l.contains("\"run-spend\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log, one).unwrap();
    let total = last(&["spend", log.to_str().unwrap(), "--by", "run"]);
    assert!(
        total.contains("); 1 model call, ") && total.ends_with(" out, 1 run"),
        "{total}"
    );
}

#[test]
fn show_is_the_timeline_with_refusals_and_budgets() {
    let (code, out) = run(&["show", "run-loop", RUNS], "");
    assert_eq!(code, 0);
    assert!(out.contains("call (repeat #2)"), "{out}");
    assert!(out.contains("BLOCKED loop_detected"), "{out}");
    assert!(
        out.contains("stop_reason=loop_detected") && out.contains("max_tool_calls=3/4"),
        "{out}"
    );
    let events = json(&["show", "run-1", BASIC, "--json"]);
    assert_eq!(list(&events).len(), 19);
    assert_eq!(run(&["show", "nope", BASIC], "").0, 2);
}

#[test]
fn stats_gives_rates_percentiles_and_hot_pairs() {
    let v = json(&["stats", BASIC, "--json"]);
    let tools = list(v.get("tools").unwrap());
    let fetch = tools
        .iter()
        .find(|t| s(t, "tool") == "fetch_invoice")
        .unwrap();
    assert_eq!(fetch.get("calls"), Some(&Value::Number(4.0)));
    assert_eq!(
        fetch.get("errors").unwrap(),
        &parse_json(br#"{"http_4xx":1,"http_5xx":1,"rate_limited":1,"timeout":1}"#).unwrap()
    );
    assert_eq!(fetch.get("p50_ms"), Some(&Value::Number(0.8)));
    assert_eq!(fetch.get("p99_ms"), Some(&Value::Number(5000.0)));
    let hot = list(v.get("hottest").unwrap());
    assert_eq!(s(&hot[0], "tool"), "fetch_invoice");
    assert_eq!(hot[0].get("calls"), Some(&Value::Number(3.0)));
}

#[test]
fn loops_and_alerts() {
    let found = json(&["loops", RUNS, "--json"]);
    assert_eq!(list(&found).len(), 1);
    assert_eq!(s(&list(&found)[0], "run_id"), "run-loop");
    assert_eq!(list(&found)[0].get("blocked"), Some(&Value::Number(1.0)));
    // The default rules want 20 tool results in the window; the scenario
    // has 9.
    assert_eq!(json(&["alerts", BASIC, "--json"]), Value::Array(vec![]));
    // With the scenario's own settings, the replay gives back the alerts the
    // gateway wrote live: same times, levels, values and tripping runs.
    let config = std::env::temp_dir().join(format!("tt-alerts-{}.yaml", std::process::id()));
    std::fs::write(&config, "logging:\n  alerts:\n    min_calls: 1\n").unwrap();
    let replayed = json(&[
        "alerts",
        BASIC,
        "--config",
        config.to_str().unwrap(),
        "--json",
    ]);
    std::fs::remove_file(&config).unwrap();
    let logged: Vec<Value> = std::fs::read_to_string(BASIC)
        .unwrap()
        .lines()
        .map(|l| parse_json(l.as_bytes()).unwrap())
        .filter(|e| e.get("event") == Some(&Value::from("alert")))
        .collect();
    let keys = [
        "ts",
        "rule",
        "level",
        "value",
        "threshold",
        "tripped_run_id",
        "tripped_trace_id",
    ];
    let pick = |e: &Value| keys.map(|k| e.get(k).cloned().unwrap_or(Value::Null));
    assert_eq!(logged.len(), 2);
    assert_eq!(
        list(&replayed).iter().map(pick).collect::<Vec<_>>(),
        logged.iter().map(pick).collect::<Vec<_>>()
    );
    assert_eq!(s(&list(&replayed)[0], "tripped_run_id"), "run-1");
}

#[test]
fn hash_tail_help_and_errors() {
    let (code, out) = run(&["hash"], "{\"b\":[true,null],\"a\":1.0}\n");
    assert_eq!(
        (code, out.trim()),
        (
            0,
            "1cc69c7fa23616ca2ec3ee70d24390a6225c8832db8a4c814c7e0e7f942f8668"
        )
    );
    assert_eq!(run(&["hash"], "{\"a\":1,\"a\":2}").0, 2);
    let (code, out) = run(&["tail", RUNS, "-n", "2"], "");
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2);
    assert!(out.lines().last().unwrap().contains("run_end"));
    // --run: that run's last events only, the run's end among them.
    let (code, out) = run(
        &["tail", RUNS, "--run", "run-loop", "-n", "3", "--json"],
        "",
    );
    assert_eq!(code, 0);
    let events: Vec<Value> = out
        .lines()
        .map(|l| parse_json(l.as_bytes()).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| s(e, "run_id") == "run-loop"));
    assert_eq!(s(&events[2], "event"), "run_end");
    assert!(run(&["help"], "").1.contains("Usage: tooltrail <COMMAND>"));
    assert_eq!(run(&["frobnicate"], "").0, 2);
    assert_eq!(run(&["runs", "--bogus"], "").0, 2);
    assert_eq!(run(&["runs", "/nonexistent/logs"], "").0, 2);
}

/// Every command answers `--help` on stdout with exit 0, its own usage line
/// and examples (before: `report --help` was "unknown option --help");
/// `--version` and `completions` work; a flag of another command is refused
/// with exit 2 (before: `hash --since …` exited 0).
#[test]
fn every_command_has_help_and_misplaced_flags_are_refused() {
    let exe = env!("CARGO_BIN_EXE_tooltrail");
    let commands = tooltrail_query::QUERY_COMMANDS.into_iter().chain([
        "report",
        "hash",
        "mcp-proxy",
        "completions",
    ]);
    let (code, top) = run(&["--help"], "");
    assert_eq!(code, 0);
    for command in commands {
        assert!(top.contains(&format!("\n  {command} ")), "{command} listed");
        let out = std::process::Command::new(exe)
            .args([command, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains(&format!("Usage: tooltrail {command}")),
            "{command}: {help}"
        );
        if command != "gaps" {
            assert!(help.contains("Examples:"), "{command}: {help}");
        }
    }
    let (code, version) = run(&["--version"], "");
    assert_eq!(
        (code, version.trim()),
        (0, format!("tooltrail {}", tooltrail_core::VERSION).as_str())
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script) = run(&["completions", shell], "");
        assert_eq!(code, 0, "{shell}");
        assert!(script.contains("stop-reason"), "{shell}");
    }
    let misplaced = std::process::Command::new(exe)
        .args(["hash", "--since", "2026-01-01T00:00:00Z"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(misplaced.status.code(), Some(2));
    let err = String::from_utf8(misplaced.stderr).unwrap();
    assert!(err.contains("unexpected argument '--since'"), "{err}");
    let impossible = std::process::Command::new(exe)
        .args(["runs", RUNS, "--since", "2026-02-31T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(impossible.status.code(), Some(2));
    let err = String::from_utf8(impossible.stderr).unwrap();
    assert!(err.starts_with("tooltrail: --since takes"), "{err}");
}

/// `hash --key-env VAR` with VAR set but empty is refused: an empty HMAC
/// key is a keyed hash anyone can recompute (it was accepted).
#[test]
fn an_empty_hash_key_is_refused() {
    let hash = |key: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tooltrail"))
            .args(["hash", "--key-env", "TOOLTRAIL_TEST_KEY"])
            .env("TOOLTRAIL_TEST_KEY", key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"{}").unwrap();
        child.wait_with_output().unwrap()
    };
    let empty = hash("");
    assert_eq!(empty.status.code(), Some(2));
    let err = String::from_utf8(empty.stderr).unwrap();
    assert!(err.contains("empty HMAC key"), "{err}");
    let keyed = hash("k");
    assert!(keyed.status.success());
    assert_eq!(
        String::from_utf8(keyed.stdout).unwrap().trim(),
        tooltrail_json::hmac_sha256_hex(b"k", b"{}")
    );
}

#[test]
fn a_truncated_last_line_is_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(RUNS).unwrap();
    text.push_str("{\"v\":1,\"ts\":\"2026-11-24T19:58:00.000000Z\",\"event\":\"tool_ca");
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let all = json(&["runs", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(list(&all).len(), 8);
}

/// Logs that say they are incomplete (malformed lines, `writer_dropped`
/// reports) make every query say so on stderr, and the report in its header
/// (issue 13 item 14): before, only the report counted skipped lines.
#[test]
fn an_incomplete_record_is_said_by_every_query_and_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(RUNS).unwrap();
    text.push_str("{\"cut\":\n");
    text.push_str(r#"{"v":1,"ts":"2026-11-24T19:59:00.000000Z","event":"writer_dropped","run_id":null,"trace_id":null,"span_id":null,"request_id":null,"user_id":null,"count":120,"reason":"queue_full"}"#);
    text.push('\n');
    let file = tmp.path().join("tooltrail.jsonl");
    std::fs::write(&file, text).unwrap();
    let exe = env!("CARGO_BIN_EXE_tooltrail");
    let dir = tmp.path().to_str().unwrap();
    for args in [
        vec!["runs", dir],
        vec!["runs", dir, "--json"],
        vec!["stats", dir],
        vec!["loops", dir],
        vec!["tail", dir],
    ] {
        let out = std::process::Command::new(exe)
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("the record is incomplete: 1 malformed line skipped; 120 events dropped by writers (queue_full 120)"),
            "{args:?}: {err}"
        );
    }
    let clean = std::process::Command::new(exe)
        .args(["runs", RUNS])
        .output()
        .unwrap();
    assert!(clean.stderr.is_empty(), "a whole record says nothing");
    let html = tooltrail_query::report::render(tmp.path(), &Default::default()).unwrap();
    assert!(html.contains("120 events dropped by writers: the record is incomplete"));
    assert!(html.contains("1 unreadable line skipped"));
}

/// `--since` / `--until` compare instants, take any offset and durations, and
/// refuse what they cannot read (issue 15 item 2: they compared strings, so
/// `--until garbage` filtered nothing and `+01:00` was ignored).
#[test]
fn time_filters_compare_instants_and_refuse_garbage() {
    let ids = |args: &[&str]| -> Vec<String> {
        let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
        list(&json(&args))
            .iter()
            .map(|r| s(r, "run_id").to_owned())
            .collect()
    };
    let all = ids(&["runs", RUNS]);
    assert!(all.len() >= 3);
    // run-loop starts at 19:57:40.004Z; the same instant in +01:00.
    let before = ids(&["runs", RUNS, "--until", "2026-11-24T20:57:40.004+01:00"]);
    assert_eq!(before, ["run-tool-calls"]);
    let after = ids(&["runs", RUNS, "--since", "2026-11-24T14:57:40.004-05:00"]);
    assert_eq!(after.len(), all.len() - 1);
    assert!(
        ids(&["runs", RUNS, "--since", "1d"]).is_empty(),
        "the golden runs are older than a day"
    );
    assert_eq!(ids(&["runs", RUNS, "--since", "100000d"]), all);
    for bad in ["garbage", "yesterday", "2026-11-24"] {
        let (code, _) = run(&["runs", RUNS, "--until", bad], "");
        assert_eq!(code, 2, "{bad}");
    }
    // A window that holds no time (the two swapped) is refused, not
    // answered with no runs; an instant is inside [since, until).
    for command in ["runs", "spend", "report"] {
        let (code, _) = run(&[command, RUNS, "--since", "1h", "--until", "2h"], "");
        assert_eq!(code, 2, "{command}");
    }
    let at = "2026-11-24T19:57:40.004Z";
    let (code, _) = run(&["runs", RUNS, "--since", at, "--until", at], "");
    assert_eq!(code, 2, "an empty window");
    let one = ids(&[
        "runs",
        RUNS,
        "--since",
        at,
        "--until",
        "2026-11-24T19:57:40.005Z",
    ]);
    assert_eq!(one, ["run-loop"]);
}

/// `stats` and `loops` take `--agent` as `runs` does: only the events of
/// that agent (here the one run of the scenario with its own `agent_id`).
#[test]
fn stats_and_loops_filter_by_agent() {
    let runs = json(&["runs", RUNS, "--agent", "billing-bot", "--json"]);
    assert_eq!(list(&runs).len(), 1);
    let stats = json(&["stats", RUNS, "--agent", "billing-bot", "--json"]);
    let tools: Vec<(&str, &Value)> = list(stats.get("tools").unwrap())
        .iter()
        .map(|t| (s(t, "tool"), t.get("calls").unwrap()))
        .collect();
    assert_eq!(
        tools,
        [
            ("fetch", &Value::Number(1.0)),
            ("search", &Value::Number(1.0))
        ]
    );
    let all = json(&["stats", RUNS, "--json"]);
    let search = list(all.get("tools").unwrap())
        .iter()
        .find(|t| s(t, "tool") == "search")
        .and_then(|t| t.get("calls"));
    assert!(
        matches!(search, Some(Value::Number(n)) if *n > 1.0),
        "{search:?}"
    );
    let loops = json(&[
        "loops",
        RUNS,
        "--min",
        "1",
        "--agent",
        "billing-bot",
        "--json",
    ]);
    let found: Vec<&str> = list(&loops).iter().map(|l| s(l, "run_id")).collect();
    assert_eq!(found, ["run-completed", "run-completed"]);
    assert!(list(&json(&["loops", RUNS, "--agent", "nobody", "--json"])).is_empty());
    assert!(!list(&json(&["loops", RUNS, "--json"])).is_empty());
}
