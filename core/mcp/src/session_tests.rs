//! The proxy's state machine, message by message.

use super::*;
use crate::message::REFUSED;
use tooltrail_core::config::Config;
use tooltrail_core::gateway::Deterministic;

fn session(yaml: &str) -> Session {
    let config = Config::from_yaml(yaml).unwrap();
    let gateway = Gateway::new(config, [], None, Some(Deterministic { start_us: 0 }));
    Session::new(gateway, RunCtx::default())
}

fn msg(text: &str) -> Message {
    let m = Message::parse(text.as_bytes());
    assert_ne!(m, Message::Other, "{text}");
    m
}

fn call(id: u32, tool: &str, args: &str) -> Message {
    msg(&format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"{tool}","arguments":{args}}}}}"#
    ))
}

fn result(id: u32, body: &str) -> Message {
    msg(&format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{body}}}"#))
}

/// `(event name, field)` for each event.
fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.name).collect()
}

fn field(e: &Event, key: &str) -> Value {
    e.get(key).unwrap_or(Value::Null)
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#;
const INIT_ANSWER: &str = r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"orders","version":"1.4.2"}}}"#;

fn server_of(e: &Event) -> String {
    tooltrail_json::canonical_json(&field(e, "mcp_server")).unwrap()
}

#[test]
fn run_start_names_the_server_the_proxy_fronts() {
    let command = ["python3", "server.py", "--db", "it's here.db"].map(String::from);
    let mut s = session("").fronting(&command);
    s.on_client(&msg(INIT));
    let a = s.on_server(&msg(INIT_ANSWER));
    tooltrail_core::schema::validate_line(&a.events[0].line()).unwrap();
    assert_eq!(
        server_of(&a.events[0]),
        r#"{"command":"python3 server.py --db 'it'\\''s here.db'","name":"orders","version":"1.4.2"}"#
    );
}

#[test]
fn a_secret_on_the_servers_command_line_is_redacted() {
    let command = [
        "github-mcp",
        "--token",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    ];
    let mut s = session("").fronting(&command.map(String::from));
    s.on_client(&msg(INIT));
    let a = s.on_server(&msg(INIT_ANSWER));
    let server = server_of(&a.events[0]);
    assert!(!server.contains("ghp_abc"), "{server}");
    assert!(server.contains("github-mcp --token [REDACTED"), "{server}");
}

#[test]
fn hostile_server_names_and_commands_stay_one_valid_line() {
    let command = [
        "srv",
        "<script>alert(1)</script>",
        "a\nb\u{7}\u{0}",
        "\u{2028}",
    ];
    let mut s = session("").fronting(&command.map(String::from));
    s.on_client(&msg(INIT));
    let answer = r#"{"jsonrpc":"2.0","id":0,"result":{"serverInfo":{"name":"<img src=x onerror=alert(1)>\u0000\n","version":"\u001b[31m"}}}"#;
    let a = s.on_server(&msg(answer));
    let line = a.events[0].line().into_owned();
    tooltrail_core::schema::validate_line(&line).unwrap();
    let text = String::from_utf8(line).unwrap();
    assert_eq!(text.matches('\n').count(), 1, "{text}"); // only the line's own end
    assert!(
        !text.contains('\u{0}') && !text.contains('\u{7}') && !text.contains('\u{1b}'),
        "{text}"
    );
    assert!(
        server_of(&a.events[0]).contains("<img src=x onerror=alert(1)>"),
        "kept as data, JSON-escaped"
    );
}

#[test]
fn a_server_that_dies_before_answering_initialize_is_still_a_run() {
    let mut s = session("").fronting(&["crashy".to_owned()]);
    assert!(s.on_client(&msg(INIT)).events.is_empty());
    let (_, events) = s.end(End::ServerExited { success: false }, "exit status 1");
    assert_eq!(names(&events), ["run_start", "run_end"]);
    assert_eq!(
        server_of(&events[0]),
        r#"{"command":"crashy","name":null,"version":null}"#
    );
    assert_eq!(field(&events[1], "stop_reason"), Value::from("error"));
}

#[test]
fn a_session_is_a_run_and_a_call_is_two_events() {
    let mut s = session("");
    let a = s.on_client(&msg(INIT));
    assert!(a.forward && a.reply.is_empty());
    // The run starts with the server's answer, which names the server.
    assert!(a.events.is_empty());
    let a = s.on_server(&msg(INIT_ANSWER));
    assert!(a.forward);
    assert_eq!(names(&a.events), ["run_start"]);
    let run_id = s.run_id().unwrap().to_owned();
    // The request id defaults to the run's: the session is the request.
    assert_eq!(
        field(&a.events[0], "request_id"),
        Value::String(run_id.clone())
    );

    let a = s.on_client(&call(1, "add", r#"{"b":2,"a":1}"#));
    assert!(a.forward);
    assert_eq!(names(&a.events), ["tool_call"]);
    let expected = tooltrail_json::stable_hash_json(r#"{"a":1,"b":2}"#).unwrap();
    assert_eq!(field(&a.events[0], "args_hash"), Value::String(expected));
    assert_eq!(s.pending(), 1);

    let a = s.on_server(&result(1, r#"{"content":[{"type":"text","text":"3"}]}"#));
    assert!(a.forward);
    assert_eq!(names(&a.events), ["tool_result"]);
    assert_eq!(field(&a.events[0], "ok"), Value::Bool(true));
    assert_eq!(s.pending(), 0);

    let (replies, events) = s.end(End::ClientClosed, "bye");
    assert!(replies.is_empty());
    assert_eq!(names(&events), ["run_end"]);
    assert_eq!(field(&events[0], "stop_reason"), Value::from("completed"));
    assert_eq!(field(&events[0], "tool_calls"), Value::Number(1.0));
    // Once.
    assert!(s.end(End::Signal, "again").1.is_empty());
}

#[test]
fn missing_arguments_hash_as_an_empty_object() {
    let mut s = session("");
    let a = s.on_client(&msg(
        r#"{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"now"}}"#,
    ));
    // No initialize: the first call starts the run.
    assert_eq!(names(&a.events), ["run_start", "tool_call"]);
    let empty = tooltrail_json::stable_hash_json("{}").unwrap();
    assert_eq!(field(&a.events[1], "args_hash"), Value::String(empty));
}

#[test]
fn error_results_and_jsonrpc_errors_are_failures_with_their_class() {
    let mut s = session("");
    s.on_client(&call(1, "a", "{}"));
    s.on_client(&call(2, "b", "{}"));
    let a = s.on_server(&result(
        1,
        r#"{"content":[{"type":"text","text":"no such file"}],"isError":true}"#,
    ));
    assert_eq!(field(&a.events[0], "ok"), Value::Bool(false));
    assert_eq!(field(&a.events[0], "error_class"), Value::from(TOOL_ERROR));
    let a = s.on_server(&msg(
        r#"{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"Unknown tool: b"}}"#,
    ));
    // The SDKs' unknown tool and bad arguments share Invalid params; the
    // class tells them apart (both were McpError, with no message).
    assert_eq!(
        field(&a.events[0], "error_class"),
        Value::from("unknown_tool")
    );
    s.on_client(&call(3, "c", "{}"));
    let a = s.on_server(&msg(
        r#"{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Input validation error: 'x' is a required property"}}"#,
    ));
    assert_eq!(
        field(&a.events[0], "error_class"),
        Value::from("invalid_arguments")
    );
    s.on_client(&call(4, "d", "{}"));
    let a = s.on_server(&msg(
        r#"{"jsonrpc":"2.0","id":4,"error":{"code":-32603,"message":"boom"}}"#,
    ));
    assert_eq!(field(&a.events[0], "error_class"), Value::from(MCP_ERROR));
    let (_, events) = s.end(End::ServerExited { success: true }, "exited");
    // The calls failed, the session did not: the server ended normally.
    assert_eq!(field(&events[0], "stop_reason"), Value::from("completed"));
    assert_eq!(field(&events[0], "errors"), Value::Number(4.0));
}

#[test]
fn responses_match_by_id_and_type_and_others_pass() {
    let mut s = session("");
    s.on_client(&call(1, "a", "{}"));
    // "1" is not 1; a response to another request is relayed untouched.
    let a = s.on_server(&msg(r#"{"jsonrpc":"2.0","id":"1","result":{}}"#));
    assert!(a.forward && a.events.is_empty());
    assert_eq!(s.pending(), 1);
    // Requests from the server (sampling, roots) pass both ways.
    let a = s.on_server(&msg(r#"{"jsonrpc":"2.0","id":1,"method":"roots/list"}"#));
    assert!(a.forward && a.events.is_empty());
    assert_eq!(s.pending(), 1);
    let a = s.on_client(&Message::Other);
    assert!(a.forward && a.events.is_empty());
}

#[test]
fn the_loop_guard_refuses_with_a_jsonrpc_error_and_keeps_the_call_from_the_server() {
    let mut s = session("budgets:\n  loop_guard: { warn_after: 2, block_after: 3 }\n");
    for id in 1..=2 {
        let a = s.on_client(&call(id, "search", r#"{"q":"x"}"#));
        assert!(a.forward);
        s.on_server(&result(id, "{}"));
    }
    let a = s.on_client(&call(3, "search", r#"{"q":"x"}"#));
    assert!(!a.forward);
    assert_eq!(names(&a.events), ["tool_call"]);
    assert_eq!(field(&a.events[0], "decision"), Value::from("block"));
    assert_eq!(
        field(&a.events[0], "error_class"),
        Value::from("loop_detected")
    );
    let reply = tooltrail_json::parse_json(a.reply[0].strip_suffix(b"\n").unwrap()).unwrap();
    assert_eq!(reply.get("id"), Some(&Value::Number(3.0)));
    let error = reply.get("error").unwrap();
    assert_eq!(error.get("code"), Some(&Value::Number(REFUSED as f64)));
    let Some(Value::String(message)) = error.get("message") else {
        panic!("{error:?}")
    };
    assert!(message.starts_with("tooltrail: loop detected"), "{message}");
    assert_eq!(
        error.get("data"),
        Some(&Value::object([
            ("error_class", Value::from("loop_detected")),
            ("tool", Value::from("search")),
        ]))
    );
    assert_eq!(s.pending(), 0);
    let (_, events) = s.end(End::ClientClosed, "bye");
    assert_eq!(
        field(&events[0], "stop_reason"),
        Value::from("loop_detected")
    );
    assert_eq!(field(&events[0], "refused"), Value::Number(1.0));
}

#[test]
fn a_budget_refusal_names_the_budget() {
    let mut s = session("budgets:\n  max_tool_calls: 1\n");
    s.on_client(&call(1, "a", "{}"));
    let a = s.on_client(&call(2, "b", "{}"));
    assert!(!a.forward);
    let reply = tooltrail_json::parse_json(a.reply[0].strip_suffix(b"\n").unwrap()).unwrap();
    let data = reply.get("error").and_then(|e| e.get("data")).unwrap();
    assert_eq!(data.get("budget"), Some(&Value::from("max_tool_calls")));
    assert_eq!(
        data.get("stop_reason"),
        Some(&Value::from("max_tool_calls"))
    );
    assert_eq!(
        data.get("error_class"),
        Some(&Value::from("budget_exceeded"))
    );
}

#[test]
fn a_cancelled_call_is_finished_cancelled_and_its_late_answer_relayed() {
    let mut s = session("");
    s.on_client(&call(5, "slow", "{}"));
    let a = s.on_client(&msg(
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"user"}}"#,
    ));
    assert!(a.forward, "the server is told too");
    assert_eq!(names(&a.events), ["tool_result"]);
    assert_eq!(field(&a.events[0], "error_class"), Value::from("cancelled"));
    assert_eq!(s.pending(), 0);
    let a = s.on_server(&result(5, "{}"));
    assert!(a.forward && a.events.is_empty());
    // A cancellation of nothing pending logs nothing.
    let a = s.on_client(&msg(
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}"#,
    ));
    assert!(a.forward && a.events.is_empty());
}

#[test]
fn a_server_dying_mid_call_fails_the_call_and_answers_the_client() {
    let mut s = session("");
    s.on_client(&msg(INIT));
    s.on_client(&call(7, "crash", "{}"));
    s.on_client(&call(8, "other", "{}"));
    let (replies, events) = s.end(
        End::ServerExited { success: false },
        "the MCP server exited with status 3",
    );
    assert_eq!(names(&events), ["tool_result", "tool_result", "run_end"]);
    assert_eq!(field(&events[0], "seq"), Value::Number(1.0));
    for e in &events[..2] {
        assert_eq!(
            field(e, "error_class"),
            Value::from(CONNECTION_CLOSED_CLASS)
        );
    }
    assert_eq!(field(&events[2], "stop_reason"), Value::from("error"));
    assert_eq!(replies.len(), 2);
    let reply = tooltrail_json::parse_json(replies[0].strip_suffix(b"\n").unwrap()).unwrap();
    assert_eq!(reply.get("id"), Some(&Value::Number(7.0)));
    let error = reply.get("error").unwrap();
    assert_eq!(
        error.get("code"),
        Some(&Value::Number(CONNECTION_CLOSED as f64))
    );
    assert_eq!(
        error.get("message"),
        Some(&Value::from(
            "Connection closed: the MCP server exited with status 3"
        ))
    );
}

#[test]
fn how_a_session_ends_decides_its_stop_reason() {
    let cases = [
        (End::ServerExited { success: false }, false, "error"),
        (End::ServerExited { success: true }, false, "completed"),
        (End::ClientClosed, true, "cancelled"),
        (End::Signal, false, "cancelled"),
    ];
    for (end, pending, reason) in cases {
        let mut s = session("");
        s.on_client(&msg(INIT));
        if pending {
            s.on_client(&call(1, "a", "{}"));
        }
        let (_, events) = s.end(end, "x");
        let last = events.last().unwrap();
        assert_eq!(field(last, "stop_reason"), Value::from(reason), "{end:?}");
        if pending {
            assert_eq!(field(&events[0], "error_class"), Value::from("cancelled"));
        }
    }
    // A session that never started a run ends without events.
    assert!(session("").end(End::ClientClosed, "x").1.is_empty());
}

#[test]
fn the_configured_ids_and_storage_apply() {
    let config = Config::from_yaml(
        "logging:\n  agent_id: ide\n  tool_calls:\n    store_args: true\n    store_results: full\n",
    )
    .unwrap();
    let gateway = Gateway::new(config, [], None, Some(Deterministic { start_us: 0 }));
    let ids = RunCtx {
        request_id: Some("req-1".into()),
        user_id: Some("ana".into()),
        ..RunCtx::default()
    };
    let mut s = Session::new(gateway, ids);
    let a = s.on_client(&call(1, "mail", r#"{"email":"ana@example.com"}"#));
    let tool_call = &a.events[1];
    assert_eq!(field(tool_call, "request_id"), Value::from("req-1"));
    assert_eq!(field(tool_call, "user_id"), Value::from("ana"));
    assert_eq!(field(tool_call, "agent_id"), Value::from("ide"));
    assert_eq!(
        field(tool_call, "args"),
        Value::object([("email", Value::from("[REDACTED:email]"))])
    );
    let a = s.on_server(&result(1, r#"{"content":[{"type":"text","text":"ok"}]}"#));
    let stored = field(&a.events[0], "result");
    assert_eq!(stored.get("content").map(Value::type_name), Some("array"));
}

/// Calls the strict parser refuses still ran on the server, so they are
/// recorded: `tool_call` with `args_error` naming what and where, and their
/// result when it comes (before: relayed with no event at all).
#[test]
fn calls_with_arguments_that_have_no_json_form_are_recorded() {
    let mut s = session("");
    s.on_client(&msg(INIT));
    s.on_server(&msg(INIT_ANSWER));
    for (id, args, kind) in [
        (1, r#"{"a":1,"a":2}"#, "duplicate_key"),
        (
            2,
            r#"{"snowflake":1234567890123456789}"#,
            "integer_out_of_range",
        ),
        (3, r#"{"s":"\ud800"}"#, "lone_surrogate"),
    ] {
        let a = s.on_client(&call(id, "t", args));
        assert!(a.forward, "{args}: relayed unchanged");
        assert_eq!(names(&a.events), ["tool_call"], "{args}");
        assert_eq!(field(&a.events[0], "args_hash"), Value::Null, "{args}");
        let error = field(&a.events[0], "args_error");
        assert_eq!(error.get("kind"), Some(&Value::from(kind)), "{args}");
        let a = s.on_server(&result(id, r#"{"content":[]}"#));
        assert_eq!(names(&a.events), ["tool_result"], "{args}");
        assert_eq!(field(&a.events[0], "ok"), Value::Bool(true));
    }
    // A result the strict parser refuses ends its call too; `isError` read.
    s.on_client(&call(4, "t", "{}"));
    let a = s.on_server(&result(4, r#"{"isError":true,"n":1e999}"#));
    assert_eq!(names(&a.events), ["tool_result"]);
    assert_eq!(field(&a.events[0], "ok"), Value::Bool(false));
    assert_eq!(s.pending(), 0);
}

/// A client that sends a second call with the id of one still pending: the
/// first is recorded as failed there and then (before: its result vanished
/// and the second call took its answer).
#[test]
fn a_reused_pending_id_ends_the_earlier_call() {
    let mut s = session("");
    s.on_client(&msg(INIT));
    s.on_client(&call(5, "first", "{}"));
    let a = s.on_client(&call(5, "second", "{}"));
    assert_eq!(names(&a.events), ["tool_result", "tool_call"]);
    assert_eq!(field(&a.events[0], "tool"), Value::from("first"));
    assert_eq!(field(&a.events[0], "ok"), Value::Bool(false));
    assert_eq!(s.pending(), 1);
    let a = s.on_server(&result(5, r#"{"content":[]}"#));
    assert_eq!(field(&a.events[0], "tool"), Value::from("second"));
}

/// The proxy stores arguments and results through the gateway's redaction:
/// secrets of the newer families never reach an event.
#[test]
fn proxied_args_and_results_are_redacted() {
    let config = Config::from_yaml(
        "logging:\n  tool_calls:\n    store_args: true\n    store_results: full\n",
    )
    .unwrap();
    let gateway = Gateway::new(config, [], None, Some(Deterministic { start_us: 0 }));
    let mut s = Session::new(gateway, RunCtx::default());
    let args = r#"{"argv":["gh","auth","login","--with-token","ghp_Zx9kQ2mW7pL4nR8tY3vB6cD1fG5hJ0aaBbCc"],"pin":"4711"}"#;
    let a = s.on_client(&call(1, "shell", args));
    let b = s.on_server(&result(
        1,
        r#"{"content":[{"type":"text","text":"IBAN DE89370400440532013000, SSN 219-09-9999"}]}"#,
    ));
    let text: String = a
        .events
        .iter()
        .chain(&b.events)
        .map(|e| String::from_utf8(e.line().to_vec()).unwrap())
        .collect();
    assert!(text.contains("[REDACTED:"), "{text}");
    for secret in [
        "ghp_Zx9kQ2mW7pL4nR8tY3vB6cD1fG5hJ0aaBbCc",
        "4711",
        "DE89370400440532013000",
        "219-09-9999",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
