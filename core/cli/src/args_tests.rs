//! The command line and a host's options object read into the same
//! `Query`, with the same defaults; the CLI's error wording.

use super::*;
use tooltrail_json::Value;
use tooltrail_query::{KeyCase, LoopsOptions, StatsOptions};

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

fn query(words: &[&str]) -> Query {
    match parse(&argv(words)).unwrap() {
        Command::Query { query, .. } => query,
        _ => panic!("not a query: {words:?}"),
    }
}

#[test]
fn argv_and_host_options_give_the_same_query_with_the_same_defaults() {
    let none = Value::Null;
    let empty = Value::object::<&str>([]);
    for command in ["runs", "stats", "loops", "alerts", "tail"] {
        let from_argv = query(&[command, "logs"]);
        assert_eq!(
            Query::from_value(command, &none, KeyCase::Snake).unwrap(),
            from_argv
        );
        assert_eq!(
            Query::from_value(command, &empty, KeyCase::Camel).unwrap(),
            from_argv
        );
    }
    assert_eq!(query(&["stats"]), Query::Stats(StatsOptions::default()));
    assert_eq!(query(&["loops"]), Query::Loops(LoopsOptions::default()));

    let given = query(&[
        "runs",
        "--user",
        "u",
        "--stop-reason",
        "max_spend",
        "--error-class",
        "timeout",
    ]);
    let snake = Value::object([
        ("user", Value::from("u")),
        ("stop_reason", Value::from("max_spend")),
        ("error_class", Value::from("timeout")),
        ("tool", Value::Null),
    ]);
    let camel = Value::object([
        ("user", Value::from("u")),
        ("stopReason", Value::from("max_spend")),
        ("errorClass", Value::from("timeout")),
    ]);
    assert_eq!(
        Query::from_value("runs", &snake, KeyCase::Snake).unwrap(),
        given
    );
    assert_eq!(
        Query::from_value("runs", &camel, KeyCase::Camel).unwrap(),
        given
    );

    let top = Value::object([("top", Value::Number(3.0))]);
    assert_eq!(
        Query::from_value("stats", &top, KeyCase::Snake).unwrap(),
        query(&["stats", "--top", "3"])
    );
    let show = Value::object([("run_id", Value::from("r1"))]);
    assert_eq!(
        Query::from_value("show", &show, KeyCase::Snake).unwrap(),
        query(&["show", "r1", "logs"])
    );
}

#[test]
fn bad_options_name_the_key() {
    let key = |command: &str, options: Value, case| match Query::from_value(command, &options, case)
    {
        Err(Error::InvalidArgument { key, .. }) => key,
        other => panic!("{other:?}"),
    };
    let bogus = Value::object([("bogus", Value::Bool(true))]);
    assert_eq!(key("runs", bogus, KeyCase::Snake), "bogus");
    let camel = Value::object([("stopReason", Value::Number(1.0))]);
    assert_eq!(key("runs", camel, KeyCase::Camel), "stopReason");
    let snake_in_js = Value::object([("stop_reason", Value::from("x"))]);
    assert_eq!(key("runs", snake_in_js, KeyCase::Camel), "stop_reason");
    assert_eq!(
        key(
            "stats",
            Value::object([("top", Value::Number(1.5))]),
            KeyCase::Snake
        ),
        "top"
    );
    assert_eq!(
        key(
            "loops",
            Value::object([("min", Value::from("3"))]),
            KeyCase::Snake
        ),
        "min"
    );
    assert_eq!(key("show", Value::Null, KeyCase::Camel), "runId");
    assert_eq!(
        key(
            "alerts",
            Value::object([("config", Value::Bool(true))]),
            KeyCase::Snake
        ),
        "config"
    );
    assert_eq!(key("frobnicate", Value::Null, KeyCase::Snake), "command");
    assert_eq!(key("runs", Value::Array(vec![]), KeyCase::Snake), "options");
}

#[test]
fn argv_errors_keep_their_wording() {
    let message = |words: &[&str]| match parse(&argv(words)) {
        Err(Error::InvalidArgument { message, .. }) => message,
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("{words:?} parsed"),
    };
    assert_eq!(
        message(&["stats", "--top", "x"]),
        "--top takes a whole number, got \"x\""
    );
    assert_eq!(message(&["runs", "--user"]), "--user needs a value");
    assert_eq!(message(&["runs", "--bogus"]), "unknown option --bogus");
    assert_eq!(message(&["show"]), "show needs a RUN_ID");
}
