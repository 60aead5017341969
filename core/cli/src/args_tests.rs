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

fn error(words: &[&str]) -> ParseError {
    match parse(&argv(words)) {
        Err(e) => e,
        Ok(_) => panic!("{words:?} parsed"),
    }
}

#[test]
fn bad_values_are_refused_naming_the_flag() {
    let message = |words: &[&str]| match error(words) {
        ParseError::Invalid(Error::InvalidArgument { message, .. }) => message,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        message(&["stats", "--top", "x"]),
        "--top takes a whole number, got \"x\""
    );
    let feb31 = message(&["runs", "--since", "2026-02-31T00:00:00Z"]);
    assert!(
        feb31.starts_with("--since takes an RFC 3339 time"),
        "{feb31}"
    );
    assert!(feb31.contains("day"), "{feb31}");
    let until = message(&["report", "--until", "2026-04-31T12:00:00+02:00"]);
    assert!(until.starts_with("--until takes"), "{until}");
    let timeout = message(&["mcp-proxy", "--shutdown-timeout", "soon", "--", "x"]);
    assert!(timeout.contains("number of seconds"), "{timeout}");
    let tp = message(&["mcp-proxy", "--traceparent", "zz", "--", "x"]);
    assert!(tp.contains("traceparent"), "{tp}");
}

/// Unknown flags, a flag that belongs to another command, a missing value
/// or argument: refused by clap with exit code 2 (before: a flag of another
/// command was accepted and ignored).
#[test]
fn misplaced_and_unknown_flags_are_usage_errors() {
    for words in [
        &["runs", "--bogus"][..],
        &["hash", "--since", "2026-01-01T00:00:00Z"],
        &["stats", "--stop-reason", "x"],
        &["tail", "--top", "3"],
        &["runs", "--user"],
        &["show"],
        &["frobnicate"],
        &["mcp-proxy", "--logs", "d"],
        &["mcp-proxy", "--nope", "--", "x"],
    ] {
        match error(words) {
            ParseError::Usage(e) => assert_eq!(e.exit_code(), 2, "{words:?}"),
            other => panic!("{words:?}: {other:?}"),
        }
    }
    let ParseError::Usage(e) = error(&["runs", "--stop-reasn", "x"]) else {
        panic!()
    };
    assert!(e.to_string().contains("--stop-reason"), "a suggestion: {e}");
    for help in [
        &["--help"][..],
        &["runs", "--help"],
        &["help", "show"],
        &["--version"],
    ] {
        match error(help) {
            ParseError::Usage(e) => assert_eq!(e.exit_code(), 0, "{help:?}"),
            other => panic!("{help:?}: {other:?}"),
        }
    }
}

#[test]
fn mcp_proxy_flags_then_the_command_untouched() {
    let proxy = |words: &[&str]| match parse(&argv(words)) {
        Ok(Command::McpProxy(o)) => o,
        other => panic!("{words:?}: {:?}", other.err()),
    };
    let o = proxy(&[
        "mcp-proxy",
        "--config",
        "c.yaml",
        "--logs",
        "/l",
        "--request-id",
        "r",
        "--user-id",
        "u",
        "--agent-id",
        "a",
        "--shutdown-timeout",
        "0.5",
        "--",
        "python",
        "-m",
        "srv",
        "--",
        "--logs",
    ]);
    assert_eq!(o.config.as_deref(), Some(std::path::Path::new("c.yaml")));
    assert_eq!(o.logs, PathBuf::from("/l"));
    assert_eq!(o.ids.request_id.as_deref(), Some("r"));
    assert_eq!(o.ids.user_id.as_deref(), Some("u"));
    assert_eq!(o.agent_id.as_deref(), Some("a"));
    assert_eq!(o.shutdown_timeout, std::time::Duration::from_millis(500));
    assert_eq!(o.command, ["python", "-m", "srv", "--", "--logs"]);
    let bare = proxy(&["mcp-proxy", "node", "s.js", "-x", "--logs", "y"]);
    assert_eq!(bare.command, ["node", "s.js", "-x", "--logs", "y"]);
    assert_eq!(
        bare.logs,
        PathBuf::from(tooltrail_core::writer::DEFAULT_DIR)
    );
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let o = proxy(&["mcp-proxy", "--traceparent", tp, "--", "x"]);
    assert_eq!(
        o.ids.trace_id.as_deref(),
        Some("0af7651916cd43dd8448eb211c80319c")
    );
    assert_eq!(o.ids.parent_span_id.as_deref(), Some("b7ad6b7169203331"));
}

/// An [`OptionSource`] that answers nothing and remembers what was asked.
#[derive(Default)]
struct Asked(Vec<Opt>);

impl OptionSource for Asked {
    fn text(&mut self, opt: Opt) -> Result<Option<String>, Error> {
        self.0.push(opt);
        // `show` needs its run.
        Ok((opt.key == "run_id").then(|| "r".to_owned()))
    }
    fn count(&mut self, opt: Opt) -> Result<Option<u64>, Error> {
        self.0.push(opt);
        Ok(None)
    }
    fn config(&mut self, opt: Opt) -> Result<Option<Config>, Error> {
        self.0.push(opt);
        Ok(None)
    }
    fn missing(&self, command: &str, opt: Opt) -> Error {
        Error::invalid_argument(opt.flag, command.to_owned())
    }
    fn name(&self, opt: Opt) -> String {
        opt.flag.to_owned()
    }
    fn finish(&mut self, _command: &str) -> Result<(), Error> {
        Ok(())
    }
}

/// The flag clap gives the argument `id` of `command` (`--stop-reason`,
/// `-n`), or its value name for a positional (`RUN_ID`).
fn flag_of(command: &clap::Command, id: &str) -> Option<String> {
    let arg = command.get_arguments().find(|a| a.get_id() == id)?;
    if let Some(long) = arg.get_long() {
        return Some(format!("--{long}"));
    }
    if let Some(short) = arg.get_short() {
        return Some(format!("-{short}"));
    }
    arg.get_value_names()
        .and_then(|names| names.first())
        .map(ToString::to_string)
}

/// One rule in one place: each query command declares on the command line
/// exactly the options its reader (shared with the bindings) asks for, each
/// under the flag the reader names in its errors. A reader that grows an
/// option the CLI does not offer, or a flag nobody reads, fails here.
#[test]
fn every_query_command_declares_what_its_reader_asks_for() {
    let cli = <super::super::commands::Cli as clap::CommandFactory>::command();
    // Arguments that are the CLI's own, not query options.
    let own = ["path", "json", "follow", "output", "help", "version"];
    let mut checked = 0;
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let mut asked = Asked::default();
        match name {
            "report" => {
                RunFilter::read(&mut asked).unwrap();
                asked.count(MAX_RUNS).unwrap();
                AlertsOptions::read(&mut asked).unwrap();
            }
            "hash" | "mcp-proxy" | "completions" | "help" => continue,
            _ => {
                Query::read(name, &mut asked).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        let mut want: Vec<&str> = asked.0.iter().map(|o| o.key).collect();
        want.sort_unstable();
        let mut declared: Vec<&str> = sub
            .get_arguments()
            .map(|a| a.get_id().as_str())
            .filter(|id| !own.contains(id))
            .collect();
        declared.sort_unstable();
        assert_eq!(declared, want, "{name}");
        for opt in &asked.0 {
            assert_eq!(
                flag_of(sub, opt.key).as_deref(),
                Some(opt.flag),
                "{name} {}",
                opt.key
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 11, "every query command and report");
}
