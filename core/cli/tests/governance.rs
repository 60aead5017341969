//! Governance queries (issue 15 item 9): an agent's
//! latest tool calls and its totals, and `runs` filtered by agent.

use tooltrail_core::{ErrorCode, format_timestamp};
use tooltrail_json::Value;
use tooltrail_query::{KeyCase, query_value};

fn ts(secs_ago: u64) -> String {
    format_timestamp(std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago))
}

/// Two agents; `bot` has an old run (3 days ago) and a recent one with a
/// refused and a failed call.
fn logs() -> tempfile::TempDir {
    let (old, now) = (ts(3 * 86_400), ts(60));
    let lines = [
        format!(r#"{{"ts":"{old}","event":"run_start","run_id":"r-old","agent_id":"bot"}}"#),
        format!(
            r#"{{"ts":"{old}","event":"tool_call","run_id":"r-old","agent_id":"bot","tool":"email","seq":1,"args_hash":"aa","decision":"allow"}}"#
        ),
        format!(
            r#"{{"ts":"{old}","event":"tool_result","run_id":"r-old","agent_id":"bot","tool":"email","seq":1,"latency_ms":2,"ok":true}}"#
        ),
        format!(
            r#"{{"ts":"{old}","event":"run_end","run_id":"r-old","agent_id":"bot","stop_reason":"completed","spend_usd":5}}"#
        ),
        format!(r#"{{"ts":"{now}","event":"run_start","run_id":"r-new","agent_id":"bot"}}"#),
        format!(
            r#"{{"ts":"{now}","event":"tool_call","run_id":"r-new","agent_id":"bot","tool":"search","seq":1,"args_hash":"bb","decision":"allow"}}"#
        ),
        format!(
            r#"{{"ts":"{now}","event":"tool_result","run_id":"r-new","agent_id":"bot","tool":"search","seq":1,"latency_ms":3,"ok":false,"error_class":"timeout"}}"#
        ),
        format!(
            r#"{{"ts":"{now}","event":"tool_call","run_id":"r-new","agent_id":"bot","tool":"refund","seq":2,"args_hash":"cc","decision":"block","ok":false,"error_class":"budget_exceeded"}}"#
        ),
        format!(
            r#"{{"ts":"{now}","event":"run_end","run_id":"r-new","agent_id":"bot","stop_reason":"max_spend","spend_usd":1.5}}"#
        ),
        format!(r#"{{"ts":"{now}","event":"run_start","run_id":"r-other","agent_id":"other"}}"#),
        format!(
            r#"{{"ts":"{now}","event":"tool_call","run_id":"r-other","agent_id":"other","tool":"search","seq":1,"args_hash":"dd","decision":"allow"}}"#
        ),
        format!(
            r#"{{"ts":"{now}","event":"run_end","run_id":"r-other","agent_id":"other","stop_reason":"completed","spend_usd":0.25}}"#
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tooltrail.jsonl"), lines.join("\n") + "\n").unwrap();
    dir
}

fn q(
    dir: &tempfile::TempDir,
    command: &str,
    options: &str,
) -> Result<Value, tooltrail_core::Error> {
    let options = tooltrail_json::parse_json(options.as_bytes()).unwrap();
    query_value(dir.path(), command, &options, KeyCase::Snake)
}

fn field<'a>(v: &'a Value, k: &str) -> &'a Value {
    v.get(k).unwrap_or_else(|| panic!("no {k} in {v:?}"))
}

#[test]
fn agent_logs_are_the_agents_latest_calls_newest_first() {
    let dir = logs();
    let Value::Array(entries) = q(&dir, "agent-logs", r#"{"agent_id":"bot","limit":2}"#).unwrap()
    else {
        panic!("entries")
    };
    let tools: Vec<&Value> = entries.iter().map(|e| field(e, "tool")).collect();
    assert_eq!(tools, [&Value::from("refund"), &Value::from("search")]);
    let (refund, search) = (&entries[0], &entries[1]);
    assert_eq!(field(refund, "decision"), &Value::from("block"));
    assert_eq!(field(refund, "reason"), &Value::from("budget_exceeded"));
    assert_eq!(field(refund, "ok"), &Value::Bool(false));
    assert_eq!(field(search, "reason"), &Value::from("timeout"));
    assert_eq!(field(search, "latency_ms"), &Value::Number(3.0));
    assert_eq!(field(search, "args_hash"), &Value::from("bb"));
    // The run's spend, from its run_end.
    assert_eq!(field(search, "spend_usd"), &Value::Number(1.5));
    for key in ["ts", "tool", "decision", "args_hash", "spend_usd", "reason"] {
        assert!(refund.get(key).is_some(), "{key}");
    }
    // Without a limit: 50, so all three of bot's calls; none of `other`'s.
    let Value::Array(all) = q(&dir, "agent-logs", r#"{"agent_id":"bot"}"#).unwrap() else {
        panic!()
    };
    assert_eq!(all.len(), 3);
}

#[test]
fn agent_metrics_total_a_period() {
    let dir = logs();
    let day = q(&dir, "agent-metrics", r#"{"agent_id":"bot"}"#).unwrap();
    assert_eq!(field(&day, "period"), &Value::from("day"));
    assert_eq!(field(&day, "runs"), &Value::Number(1.0));
    assert_eq!(field(&day, "tool_calls"), &Value::Number(1.0));
    assert_eq!(field(&day, "errors"), &Value::Number(1.0));
    assert_eq!(field(&day, "blocked_actions"), &Value::Number(1.0));
    assert_eq!(field(&day, "total_spend_usd"), &Value::Number(1.5));
    let week = q(
        &dir,
        "agent-metrics",
        r#"{"agent_id":"bot","period":"week"}"#,
    )
    .unwrap();
    assert_eq!(field(&week, "total_spend_usd"), &Value::Number(6.5));
    assert_eq!(field(&week, "runs"), &Value::Number(2.0));
    let everyone = q(&dir, "agent-metrics", r#"{"period":"all"}"#).unwrap();
    assert_eq!(field(&everyone, "total_spend_usd"), &Value::Number(6.75));
    assert_eq!(field(&everyone, "since"), &Value::Null);
    let bad = q(&dir, "agent-metrics", r#"{"period":"fortnight"}"#).unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidArgument);
    assert!(bad.to_string().contains("period"), "{bad}");
}

#[test]
fn runs_filter_by_agent() {
    let dir = logs();
    let Value::Array(runs) = q(&dir, "runs", r#"{"agent_id":"bot"}"#).unwrap() else {
        panic!()
    };
    let ids: Vec<&Value> = runs.iter().map(|r| field(r, "run_id")).collect();
    assert_eq!(ids, [&Value::from("r-old"), &Value::from("r-new")]);
    assert_eq!(field(&runs[1], "agent_id"), &Value::from("bot"));
    assert_eq!(field(&runs[1], "refused"), &Value::Number(1.0));
}

#[test]
fn the_cli_prints_counts_as_integers() {
    let dir = logs();
    let args: Vec<String> = [
        "agent-metrics",
        dir.path().to_str().unwrap(),
        "--agent",
        "bot",
        "--period",
        "all",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut out = Vec::new();
    assert_eq!(tooltrail_cli::run(&args, &mut &b""[..], &mut out), 0);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("runs: 2\n") && text.contains("blocked_actions: 1\n"),
        "{text}"
    );
    assert!(text.contains("total_spend_usd: 6.5000\n"), "{text}");
}
