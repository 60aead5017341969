//! `tooltrail mcp-proxy` as a process, with servers written in `sh` for the
//! paths the SDK tests (tests/python/test_mcp_proxy.py,
//! tests/node/mcp_proxy.test.js) cannot reach: a server that ignores both
//! the end of its input and SIGTERM, and a client that sends no newline.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn proxy(logs: &std::path::Path, server: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tooltrail"))
        .args(["mcp-proxy", "--shutdown-timeout", "0.2", "--logs"])
        .arg(logs)
        .args(["--", "sh", "-c", server])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the tooltrail binary runs")
}

fn events(logs: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(logs.join("tooltrail.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_server_deaf_to_eof_and_sigterm_is_killed_and_the_run_still_ends() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = proxy(dir.path(), "trap '' TERM; exec sleep 60 < /dev/null");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#)
        .unwrap();
    stdin.write_all(b"\n").unwrap();
    drop(stdin); // the client is done: EOF, then SIGTERM (ignored), then SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 9), "{status:?}");
    let events = events(dir.path());
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[0].contains(r#""event":"run_start""#));
    assert!(events[1].contains(r#""event":"run_end""#));
    assert!(events[1].contains(r#""stop_reason":"completed""#));
}

#[test]
fn a_crash_mid_call_is_answered_even_after_a_last_line_without_newline() {
    let dir = tempfile::tempdir().unwrap();
    // Reads the call, prints half a line, exits 7.
    let mut child = proxy(dir.path(), "read line; printf 'partial'; exit 7");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(
            br#"{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"t","arguments":{"x":1}}}"#,
        )
        .unwrap();
    stdin.write_all(b"\n").unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        lines.push(line);
    }
    // The server's partial line, whole, then the answer to the pending call.
    assert_eq!(lines[0], "partial\n");
    assert!(
        lines[1].starts_with(r#"{"jsonrpc":"2.0","id":"c1","error":{"code":-32000,"#),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("exited with status 7"));
    assert_eq!(child.wait().unwrap().code(), Some(7));
    let events = events(dir.path());
    assert!(
        events[2].contains(r#""error_class":"ConnectionClosed""#),
        "{events:?}"
    );
    assert!(events[3].contains(r#""stop_reason":"error""#), "{events:?}");
}

/// A server that exits while a process it started still holds its output:
/// the proxy watches the server's exit, not only the end of its output, so
/// the pending call is answered, recorded as a crash (not `cancelled`), and
/// the run ends — before, the client waited with no answer.
#[test]
fn a_server_that_exits_while_its_child_holds_stdout_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    // Reads the call, leaves a sleeper holding stdout, exits 3.
    let mut child = proxy(dir.path(), "read line; sleep 30 & exit 3");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(
            br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{}}}"#,
        )
        .unwrap();
    stdin.write_all(b"\n").unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(
        line.starts_with(r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32000,"#),
        "{line}"
    );
    assert!(line.contains("exited with status 3"), "{line}");
    assert_eq!(child.wait().unwrap().code(), Some(3));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let events = events(dir.path());
    let result = events
        .iter()
        .find(|e| e.contains(r#""event":"tool_result""#))
        .unwrap();
    assert!(
        result.contains(r#""error_class":"ConnectionClosed""#),
        "{events:?}"
    );
    assert!(
        events.last().unwrap().contains(r#""stop_reason":"error""#),
        "{events:?}"
    );
}

/// SIGTERM ends the proxy even when its client stopped reading the proxy's
/// output (a relay thread is then stuck writing to it): the run still ends
/// in the log. Before, the proxy kept running.
#[test]
fn sigterm_ends_the_proxy_when_the_client_stopped_reading() {
    let dir = tempfile::tempdir().unwrap();
    // A server that floods its output; nobody reads the proxy's.
    let mut child = proxy(
        dir.path(),
        "read line; while :; do echo '{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}'; done",
    );
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#)
        .unwrap();
    stdin.write_all(b"\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the proxy is still running"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    let events = events(dir.path());
    assert!(
        events.last().unwrap().contains(r#""event":"run_end""#),
        "{events:?}"
    );
    drop(stdin);
}
