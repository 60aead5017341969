//! Control characters in log fields never reach the terminal raw: a tool
//! name, run id, user, agent or error class chosen by an MCP client or a
//! model could otherwise clear the screen, set the clipboard (OSC 52),
//! ring the bell or rewrite the line it sits on. Every text command prints
//! them escaped; `--json` escapes them as JSON does.

const RUNS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/gateway/runs.expected.jsonl"
);

/// JSON-escaped hostile text: ESC sequences (clear screen, OSC 52), BEL,
/// CR, backspace, a newline, DEL, a C1 CSI and a right-to-left override.
const HOSTILE: &str = r"\u001b[2J\u001b]52;c;cHduZWQ=\u0007\r\bx\ny\u007f\u009b31m\u202e";

/// Bytes a terminal acts on: C0 controls but the line feed, DEL, C1
/// controls (UTF-8 C2 80–9F) and bidi overrides (E2 80 AA–AE, E2 81 A6–A9).
fn raw_controls(out: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    for (i, w) in out.windows(3).enumerate() {
        if matches!(w, [0xe2, 0x80, 0xaa..=0xae] | [0xe2, 0x81, 0xa6..=0xa9]) {
            at.push(i);
        }
    }
    for (i, w) in out.windows(2).enumerate() {
        if matches!(w, [0xc2, 0x80..=0x9f]) {
            at.push(i);
        }
    }
    for (i, b) in out.iter().enumerate() {
        if (*b < 0x20 && *b != b'\n') || *b == 0x7f {
            at.push(i);
        }
    }
    at
}

/// C0 controls but the line feed.
fn raw_c0(out: &[u8]) -> Vec<usize> {
    (0..out.len())
        .filter(|&i| out[i] < 0x20 && out[i] != b'\n')
        .collect()
}

#[test]
fn control_characters_in_every_field_are_escaped_in_every_command() {
    let text = std::fs::read_to_string(RUNS)
        .unwrap()
        .replace("\"search\"", &format!("\"search{HOSTILE}\""))
        .replace("\"user-1\"", &format!("\"user{HOSTILE}\""))
        .replace("\"run-loop\"", &format!("\"run-loop{HOSTILE}\""))
        .replace("\"billing-bot\"", &format!("\"billing{HOSTILE}\""))
        .replace("\"http_5xx\"", &format!("\"http_5xx{HOSTILE}\""))
        .replace("\"loop_detected\"", &format!("\"loop_detected{HOSTILE}\""));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("tooltrail.jsonl"), text).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let run_id = format!(
        "run-loop{}",
        tooltrail_json::parse_json(format!("\"{HOSTILE}\"").as_bytes())
            .map(|v| match v {
                tooltrail_json::Value::String(s) => s,
                other => panic!("{other:?}"),
            })
            .unwrap()
    );
    let exe = env!("CARGO_BIN_EXE_tooltrail");
    let commands: Vec<Vec<&str>> = vec![
        vec!["runs", dir],
        vec!["show", &run_id, dir],
        vec!["stats", dir],
        vec!["loops", dir, "--min", "1"],
        vec!["alerts", dir],
        vec!["tail", dir, "-n", "100"],
        vec!["gaps", dir],
        vec!["agent-logs", dir],
        vec!["agent-metrics", dir, "--period", "all"],
        vec!["runs", dir, "--json"],
        vec!["show", &run_id, dir, "--json"],
    ];
    for args in commands {
        let out = std::process::Command::new(exe)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `--json` is JSON: C0 controls are escaped as JSON escapes them; DEL,
        // C1 and bidi characters are valid JSON text, left as the event has them.
        let at = match args.contains(&"--json") {
            true => raw_c0(&out.stdout),
            false => raw_controls(&out.stdout),
        };
        assert!(
            at.is_empty(),
            "{args:?} printed raw control bytes at {at:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        if !args.contains(&"--json") && !["gaps", "alerts", "agent-metrics"].contains(&args[0]) {
            let shown = String::from_utf8(out.stdout).unwrap();
            assert!(shown.contains(r"\x1b[2J"), "{args:?}: {shown}");
        }
    }
}

#[test]
fn the_check_sees_each_kind_of_control() {
    for bytes in [
        &b"a\x1bb"[..],
        b"\x07",
        b"\r",
        b"\x7f",
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
        "\u{2066}".as_bytes(),
    ] {
        assert!(!raw_controls(bytes).is_empty(), "{bytes:?}");
    }
    assert!(raw_controls("plain\n\u{e9}\u{2014}".as_bytes()).is_empty());
}
