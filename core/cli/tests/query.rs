//! The typed query API (`query::execute`, `query::query_value`): the same
//! answers as the CLI's `--json`, host options that name the key when they
//! are wrong, and logs that cannot be read reported as such, never as "no
//! runs".

use std::path::Path;

use tooltrail_cli as cli;
use tooltrail_core::{Error, ErrorCode};
use tooltrail_json::{Value, parse_json};
use tooltrail_query as query;
use tooltrail_query::{KeyCase, Query};

const RUNS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/gateway/runs.expected.jsonl"
);
const BASIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/gateway/basic.expected.jsonl"
);

fn cli_json(args: &[&str]) -> Value {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    assert_eq!(cli::run(&args, &mut &b""[..], &mut out), 0, "{args:?}");
    parse_json(String::from_utf8(out).unwrap().trim_end().as_bytes()).unwrap()
}

fn host(command: &str, path: &str, options: Value) -> Result<Value, Error> {
    query::query_value(Path::new(path), command, &options, KeyCase::Snake)
}

#[test]
fn host_queries_answer_what_the_cli_prints() {
    let stop = Value::object([("stop_reason", Value::from("max_spend"))]);
    assert_eq!(
        host("runs", RUNS, stop).unwrap(),
        cli_json(&["runs", RUNS, "--stop-reason", "max_spend", "--json"])
    );
    assert_eq!(
        host("runs", RUNS, Value::Null).unwrap(),
        cli_json(&["runs", RUNS, "--json"])
    );
    let run = Value::object([("run_id", Value::from("run-loop"))]);
    assert_eq!(
        host("show", RUNS, run).unwrap(),
        cli_json(&["show", "run-loop", RUNS, "--json"])
    );
    let top = Value::object([("top", Value::Number(1.0))]);
    assert_eq!(
        host("stats", BASIC, top).unwrap(),
        cli_json(&["stats", BASIC, "--top", "1", "--json"])
    );
    assert_eq!(
        host("loops", RUNS, Value::Null).unwrap(),
        cli_json(&["loops", RUNS, "--json"])
    );
    assert_eq!(
        host("alerts", BASIC, Value::Null).unwrap(),
        cli_json(&["alerts", BASIC, "--json"])
    );
    assert_eq!(
        host("gaps", RUNS, Value::Null).unwrap(),
        cli_json(&["gaps", RUNS, "--json"])
    );
}

#[test]
fn an_unknown_run_is_an_error_for_programs_as_for_the_cli() {
    // Before, a program got `[]` where `tooltrail show` failed.
    let nope = Value::object([("run_id", Value::from("no-such-run"))]);
    let err = host("show", RUNS, nope).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownRun);
    assert_eq!(
        err.attributes(),
        vec![(tooltrail_core::Attr::RunId, "no-such-run".to_owned())]
    );
    assert!(err.to_string().contains("\"no-such-run\""), "{err}");
    assert!(!err.to_string().contains("incomplete"), "{err}");
}

#[test]
fn alerts_take_settings_as_an_object_and_name_bad_config_keys() {
    let settings = parse_json(
        br#"{"logging": {"alerts": {"timeout_rate": null, "validation_fail_rate": null}}}"#,
    )
    .unwrap();
    let options = Value::object([("config", settings)]);
    let only_p95 = host("alerts", BASIC, options).unwrap();
    assert_eq!(only_p95, Value::Array(vec![]));
    let bad = parse_json(br#"{"logging": {"alerts": {"window": 1}}}"#).unwrap();
    match host("alerts", BASIC, Value::object([("config", bad)])) {
        Err(Error::Config(e)) => assert_eq!(e.key, "logging.alerts.window"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_keys_and_wrong_types_name_the_key() {
    let err = host(
        "stats",
        BASIC,
        Value::object([("bogus", Value::Number(1.0))]),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    assert!(
        matches!(&err, Error::InvalidArgument { key, .. } if key == "bogus"),
        "{err}"
    );
    assert!(err.to_string().contains("stats takes top"), "{err}");
    let err = host("runs", RUNS, Value::object([("user", Value::Number(7.0))])).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { key, .. } if key == "user"),
        "{err}"
    );
}

#[test]
fn logs_that_cannot_be_read_are_an_error_not_an_empty_answer() {
    let missing = host("runs", "/nonexistent/logs", Value::Null).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::QueryError);
    assert!(
        missing.to_string().contains("/nonexistent/logs"),
        "{missing}"
    );

    // A log directory whose files cannot all be read (here a directory
    // where a file is expected: read(2) fails with EISDIR, even for root).
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(RUNS, dir.path().join("tooltrail.1.jsonl")).unwrap();
    std::fs::create_dir(dir.path().join("tooltrail.jsonl")).unwrap();
    let path = dir.path().to_str().unwrap();
    for command in ["runs", "stats", "loops", "alerts", "tail"] {
        let err = host(command, path, Value::Null).unwrap_err();
        assert_eq!(err.code(), ErrorCode::QueryError, "{command}: {err}");
        assert!(err.to_string().contains("tooltrail.jsonl"), "{err}");
    }
    let query = Query::read(
        "runs",
        &mut query::ValueOptions::new(&Value::Null, KeyCase::Snake).unwrap(),
    )
    .unwrap();
    assert!(query::execute(dir.path(), &query).is_err());
}

/// Special files named `*.jsonl` are refused, not read forever or waited on
/// (issue 13 item 13): a FIFO blocked the open, `/dev/zero` exhausted memory.
#[test]
fn special_files_in_the_log_dir_are_an_error_not_a_hang() {
    use tooltrail_query::EventReader;
    for make in ["fifo", "zero"] {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("tooltrail.jsonl");
        if make == "fifo" {
            let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a NUL-terminated path that outlives the call.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        } else {
            std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        }
        // In a directory, or given as the log file itself (that said "Not a
        // directory" before: true of a FIFO, but no help).
        for location in [tmp.path(), p.as_path()] {
            let err = EventReader::open(location).err().expect(make);
            assert!(
                err.to_string().contains("not a regular file"),
                "{make} at {location:?}: {err}"
            );
        }
    }
}

/// A line longer than the cap is skipped and counted; the lines after it are read.
#[test]
fn an_overlong_line_is_skipped_and_counted() {
    use tooltrail_query::{EventReader, MAX_LINE_BYTES};
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("{\"event\":\"a\"}\n{\"event\":\"");
    text.push_str(&"x".repeat(MAX_LINE_BYTES + 10));
    text.push_str("\"}\n{\"event\":\"b\"}\n");
    std::fs::write(tmp.path().join("tooltrail.jsonl"), text).unwrap();
    let mut reader = EventReader::open(tmp.path()).unwrap();
    let names: Vec<_> = reader
        .by_ref()
        .map(|e| e.get("event").cloned().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            tooltrail_json::Value::from("a"),
            tooltrail_json::Value::from("b")
        ]
    );
    assert_eq!(reader.skipped, 1);
    reader.finish().unwrap();
}

/// Runs are listed by start time whatever the file order (issue 15 item 3:
/// two processes writing one directory listed them in file order).
#[test]
fn runs_are_sorted_by_start_time_across_files() {
    let tmp = tempfile::tempdir().unwrap();
    let line = |ts: &str, run: &str| {
        format!(
            r#"{{"v":1,"ts":"{ts}","event":"run_start","run_id":"{run}","trace_id":null,"span_id":null,"request_id":null,"user_id":null,"budgets":{{}}}}"#
        )
    };
    // Another process's file sorts first by name but holds the later runs.
    std::fs::write(
        tmp.path().join("a-other.jsonl"),
        [
            line("2026-11-24T20:00:02Z", "late"),
            line("2026-11-24T20:00:01Z", "b-tie"),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("tooltrail.jsonl"),
        [
            line("2026-11-24T20:00:00+00:00", "early"),
            line("2026-11-24T21:00:01+01:00", "a-tie"),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    let v = query::query_value(tmp.path(), "runs", &Value::Null, KeyCase::Snake).unwrap();
    let Value::Array(runs) = v else { panic!() };
    let ids: Vec<_> = runs
        .iter()
        .map(|r| r.get("run_id").cloned().unwrap())
        .collect();
    let want: Vec<Value> = ["early", "a-tie", "b-tie", "late"].map(Value::from).into();
    assert_eq!(ids, want);
}

#[test]
fn gaps_count_skipped_lines_too_long_lines_and_reported_drops() {
    let dir = tempfile::tempdir().unwrap();
    let dropped = |n: u32, reason: &str| {
        format!(
            r#"{{"v":1,"ts":"2026-01-01T00:00:00.000000Z","event":"writer_dropped","run_id":null,"trace_id":null,"span_id":null,"request_id":null,"user_id":null,"count":{n},"reason":"{reason}"}}"#
        )
    };
    let long = "x".repeat(query::MAX_LINE_BYTES + 1);
    let text = [
        dropped(7, "queue_full"),
        "garbage".to_owned(),
        long,
        dropped(2, "sink_error"),
        dropped(1, "from_elsewhere"),
    ]
    .join("\n")
        + "\n"
        + &std::fs::read_to_string(RUNS).unwrap()
        + "{\"torn";
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let path = dir.path().to_str().unwrap();
    let gaps = host("gaps", path, Value::Null).unwrap();
    let want = parse_json(
        br#"{"complete":false,"skipped_lines":3,"too_long_lines":1,
             "dropped":{"queue_full":7,"sink_error":2,"closed":0,"from_elsewhere":1},
             "dropped_events":10}"#,
    )
    .unwrap();
    assert_eq!(gaps, want);
    // Every other query still answers, and says what is missing.
    let (runs, note) =
        query::query_answer(Path::new(path), "runs", &Value::Null, KeyCase::Snake).unwrap();
    assert_eq!(runs, host("runs", RUNS, Value::Null).unwrap());
    assert_eq!(
        note.as_deref(),
        Some(
            "the record is incomplete: 3 malformed lines skipped (1 over 16 MiB); 10 events \
             dropped by writers (from_elsewhere 1, queue_full 7, sink_error 2)"
        )
    );
    // `show` reads only the lines that may be the run's or a drop report,
    // and says what those lines lack: not "garbage" or the torn line.
    let nope = Value::object([("run_id", Value::from("no-such-run"))]);
    let err = host("show", path, nope).unwrap_err().to_string();
    assert!(
        err.ends_with(
            "(the record is incomplete: 1 malformed line skipped (1 over 16 MiB); 10 events \
             dropped by writers (from_elsewhere 1, queue_full 7, sink_error 2))"
        ),
        "{err}"
    );
    assert!(note.is_some());
    // `gaps` itself carries no note; a complete record has none.
    let (_, none) =
        query::query_answer(Path::new(path), "gaps", &Value::Null, KeyCase::Snake).unwrap();
    assert_eq!(none, None);
    let (_, none) =
        query::query_answer(Path::new(RUNS), "runs", &Value::Null, KeyCase::Snake).unwrap();
    assert_eq!(none, None);
}

/// A crafted `ts` beyond what nanoseconds since 1970 hold in an i64 (years
/// before 1678 or after 2261) overflowed while parsing: a panic in debug
/// builds, a wrapped instant in release. It is now not a timestamp.
#[test]
fn timestamps_outside_the_representable_range_are_not_timestamps() {
    for ts in [
        "9999-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z",
        "2262-04-12T00:00:00Z",
    ] {
        assert_eq!(query::parse_timestamp(ts), None, "{ts}");
    }
    assert!(query::parse_timestamp("2262-04-11T00:00:00Z").is_some());
    assert!(query::parse_timestamp("1678-01-01T00:00:00Z").is_some());
    // The alerts replay reads such an event as it reads any bad line.
    let dir = tempfile::tempdir().unwrap();
    let line = |ts: &str| {
        format!(
            "{{\"v\":1,\"ts\":\"{ts}\",\"event\":\"tool_result\",\"run_id\":\"r\",\"trace_id\":\"t\",\"span_id\":\"s\",\"request_id\":null,\"user_id\":null,\"tool\":\"t\",\"seq\":1,\"latency_ms\":1,\"ok\":false,\"error_class\":\"timeout\"}}\n"
        )
    };
    let text = line("9999-12-31T23:59:59.999999Z") + &line("2026-11-24T19:57:40Z");
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(host("alerts", path, Value::Object(Vec::new())).is_ok());
}

/// A store-args instant out of that range is refused, naming the key and
/// the range, not taken for some other instant.
#[test]
fn a_far_future_store_args_until_names_the_range() {
    let yaml = "logging:\n  tool_calls:\n    store_args_until: \"9999-12-31T00:00:00Z\"\n";
    let err = tooltrail_core::Config::from_yaml(yaml)
        .unwrap_err()
        .to_string();
    assert!(err.contains("store_args_until"), "{err}");
    assert!(err.contains("between 1678 and 2261"), "{err}");
}
