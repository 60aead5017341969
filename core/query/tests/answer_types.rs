//! The query answers' types in the bindings are drift-tested against the
//! core: sample logs go through the same entry points the bindings call
//! (`query_value` for `Logs`, the recorder's views for `tooltrail.testing`),
//! and each answer's keys (all of them, the ones always present, the ones
//! seen `null`, in order) must be what the hand-written types declare:
//! Python TypedDicts in `tooltrail/_types.py`, TypeScript interfaces in
//! `bindings-node/index.d.ts` / `testing.d.ts`. Both languages get the
//! answers' own snake_case keys (the values are handed over as they are).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tooltrail_json::{Value, parse_json};
use tooltrail_query::testing::{Recorded, run_value};
use tooltrail_query::{KeyCase, QUERY_COMMANDS, query_value};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

const IDS: &str =
    r#""trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"q-1","user_id":null"#;

/// Two runs of agent `a1`: `r1` ends (a loop of identical calls, a timeout,
/// a refusal, stored args and results), `r2` does not; a drop report.
fn sample_lines() -> Vec<String> {
    let hash = "a".repeat(64);
    let mut lines = vec![format!(
        r#"{{"v":1,"ts":"2026-01-01T00:00:00.000000Z","event":"run_start","run_id":"r1",{IDS},"span_id":"1111111111111111","agent_id":"a1","parent_span_id":null,"budgets":{{}}}}"#
    )];
    for seq in 1..=3 {
        let span = format!("{seq:016x}");
        lines.push(format!(
            r#"{{"v":1,"ts":"2026-01-01T00:00:0{seq}.000000Z","event":"tool_call","run_id":"r1",{IDS},"span_id":"{span}","agent_id":"a1","tool":"search","seq":{seq},"parent_span_id":"1111111111111111","args_hash":"{hash}","hash_alg":"sha256","args":{{"q":"x"}},"decision":"allow"}}"#
        ));
        let outcome = if seq == 3 {
            r#""ok":false,"error_class":"timeout","error_message":"slow""#.to_owned()
        } else {
            r#""ok":true,"result":{"n":1}"#.to_owned()
        };
        lines.push(format!(
            r#"{{"v":1,"ts":"2026-01-01T00:00:0{seq}.500000Z","event":"tool_result","run_id":"r1",{IDS},"span_id":"{span}","agent_id":"a1","tool":"search","seq":{seq},"latency_ms":1.5,{outcome}}}"#
        ));
    }
    lines.push(format!(
        r#"{{"v":1,"ts":"2026-01-01T00:00:05.000000Z","event":"tool_call","run_id":"r1",{IDS},"span_id":"0000000000000009","agent_id":"a1","tool":"search","seq":4,"parent_span_id":"1111111111111111","args_hash":"{hash}","hash_alg":"sha256","decision":"block","ok":false,"error_class":"loop_detected"}}"#
    ));
    lines.push(format!(
        r#"{{"v":1,"ts":"2026-01-01T00:00:06.000000Z","event":"run_end","run_id":"r1",{IDS},"span_id":"1111111111111111","agent_id":"a1","stop_reason":"loop_detected","duration_ms":6000.0,"tool_calls":3,"errors":1,"refused":1,"steps":0,"spend_usd":0.25,"budgets":{{}}}}"#
    ));
    lines.push(format!(
        r#"{{"v":1,"ts":"2026-01-01T00:00:07.000000Z","event":"run_start","run_id":"r2",{IDS},"span_id":"2222222222222222","agent_id":"a1","parent_span_id":null,"budgets":{{}}}}"#
    ));
    lines.push(format!(
        r#"{{"v":1,"ts":"2026-01-01T00:00:08.000000Z","event":"tool_call","run_id":"r2",{IDS},"span_id":"000000000000000a","agent_id":"a1","tool":"fetch","seq":1,"parent_span_id":"2222222222222222","args_hash":null,"args_error":{{"kind":"unsupported_type","path":"$"}},"decision":"allow"}}"#
    ));
    // Model steps of r2 over five minutes, the last one expensive (a spike)
    // and one with no price.
    for (i, (minute, model, cost)) in [
        (0, "gpt-4o-mini", "0.0002"),
        (1, "gpt-4o-mini", "0.0002"),
        (2, "gpt-4o-mini", "0.0002"),
        (3, "gpt-4o-mini", "0.0002"),
        (4, "claude-opus-4-20250514", "5"),
        (4, "my-model", "null"),
    ]
    .into_iter()
    .enumerate()
    {
        let (ok, class) = if cost == "null" {
            ("false", r#","error_class":"rate_limited""#)
        } else {
            ("true", "")
        };
        lines.push(format!(
            r#"{{"v":1,"ts":"2026-01-01T00:0{minute}:08.{i}00000Z","event":"model_call","run_id":"r2",{IDS},"span_id":"00000000000000b{i}","agent_id":"a1","step":{step},"parent_span_id":"2222222222222222","model":"{model}","provider":"openai","input_tokens":1000,"output_tokens":100,"cost_usd":{cost},"latency_ms":700.0,"ok":{ok}{class},"finish_reason":"stop","tool_calls":[]}}"#,
            step = i + 1
        ));
    }
    lines.push(
        r#"{"v":1,"ts":"2026-01-01T00:00:09.000000Z","event":"writer_dropped","run_id":null,"trace_id":null,"span_id":null,"request_id":null,"user_id":null,"count":2,"reason":"queue_full"}"#
            .to_owned(),
    );
    lines
}

/// What the answers look like: keys in order of first appearance, the keys
/// every sample has, and the keys seen `null`.
#[derive(Debug, Default)]
struct Shape {
    order: Vec<String>,
    always: BTreeSet<String>,
    nullable: BTreeSet<String>,
}

fn shape<'a>(samples: impl IntoIterator<Item = &'a Value>) -> Shape {
    let mut s = Shape::default();
    let mut first = true;
    for v in samples {
        let Value::Object(members) = v else {
            panic!("not an object: {v:?}")
        };
        let keys: BTreeSet<String> = members.iter().map(|(k, _)| k.clone()).collect();
        for (k, v) in members {
            if !s.order.contains(k) {
                s.order.push(k.clone());
            }
            if *v == Value::Null {
                s.nullable.insert(k.clone());
            }
        }
        s.always = if first {
            keys
        } else {
            s.always.intersection(&keys).cloned().collect()
        };
        first = false;
    }
    assert!(!first, "no sample");
    s
}

fn items(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) if !items.is_empty() => items,
        other => panic!("expected a non-empty array, got {other:?}"),
    }
}

/// An array, possibly empty.
fn list(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        other => panic!("expected an array, got {other:?}"),
    }
}

fn member<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or_else(|| panic!("no {key:?} in {v:?}"))
}

/// Every answer's shape, with the type name both bindings give it.
fn answers(dir: &Path) -> Vec<(&'static str, Shape)> {
    let log = dir.join("events.jsonl");
    std::fs::write(&log, sample_lines().join("\n") + "\n").unwrap();
    let ask = |command: &str, options: &str| {
        query_value(
            &log,
            command,
            &parse_json(options.as_bytes()).unwrap(),
            KeyCase::Snake,
        )
        .unwrap_or_else(|e| panic!("{command}: {e}"))
    };
    let alerts_config = r#"{"config":{"logging":{"alerts":{"min_calls":1,"timeout_rate":{"warn":0,"critical":0.5}}}}}"#;
    let runs = ask("runs", "{}");
    let stats = ask("stats", "{}");
    let loops = ask("loops", "{}");
    let alerts = ask("alerts", alerts_config);
    let gaps = ask("gaps", "{}");
    let agent_logs = ask("agent-logs", r#"{"agent_id":"a1"}"#);
    let agent_metrics = ask("agent-metrics", r#"{"agent_id":"a1","period":"all"}"#);
    let model_stats = ask("stats", r#"{"by":"model"}"#);
    let agent_stats = ask("stats", r#"{"by":"agent"}"#);
    let timeline = ask("spend", "{}");
    let by_model = ask("spend", r#"{"by":"model"}"#);
    let spend_rows: Vec<&Value> = items(member(&timeline, "rows"))
        .iter()
        .chain(items(member(&by_model, "rows")))
        .chain([member(&timeline, "total")])
        .collect();
    let spend_models: Vec<&Value> = spend_rows
        .iter()
        .flat_map(|r| list(member(r, "top_models")))
        .collect();
    // The commands answered with events (typed by the generated event types).
    for (command, options) in [("show", r#"{"run_id":"r1"}"#), ("tail", "{}")] {
        for e in items(&ask(command, options)) {
            assert!(e.get("event").is_some(), "{command} answers events");
        }
    }
    let recorded = Recorded::from_lines((sample_lines().join("\n") + "\n").as_bytes());
    let recorded_runs: Vec<Value> = recorded.runs().iter().map(run_value).collect();
    let calls = recorded.calls(None, None);
    vec![
        ("RunSummary", shape(items(&runs))),
        ("StatsReport", shape([&stats])),
        ("ToolStats", shape(items(member(&stats, "tools")))),
        ("HotPair", shape(items(member(&stats, "hottest")))),
        ("LoopFinding", shape(items(&loops))),
        ("AlertChange", shape(items(&alerts))),
        ("LogGaps", shape([&gaps])),
        ("AgentLogEntry", shape(items(&agent_logs))),
        ("AgentMetrics", shape([&agent_metrics])),
        ("ModelStatsReport", shape([&model_stats])),
        ("ModelStats", shape(items(member(&model_stats, "models")))),
        ("AgentStatsReport", shape([&agent_stats])),
        ("AgentStats", shape(items(member(&agent_stats, "agents")))),
        ("SpendReport", shape([&timeline, &by_model])),
        ("SpendRow", shape(spend_rows)),
        ("SpendSpike", shape(items(member(&timeline, "spikes")))),
        (
            "SpendRun",
            shape(
                items(member(&timeline, "rows"))
                    .iter()
                    .flat_map(|r| list(member(r, "top_runs"))),
            ),
        ),
        ("SpendModel", shape(spend_models)),
        ("RecordedRunSummary", shape(&recorded_runs)),
        ("RecordedCall", shape(&calls)),
    ]
}

/// A declared member: its name, whether it is always present, whether its
/// type admits `null`.
#[derive(Debug)]
struct Member {
    name: String,
    required: bool,
    nullable: bool,
}

/// The body of `header…` up to the first line that closes it.
fn block<'a>(
    text: &'a str,
    header: &str,
    end: impl Fn(&str) -> bool,
) -> Option<(&'a str, Vec<&'a str>)> {
    let at = text.find(header)?;
    let rest = text[at..].trim_start_matches('\n');
    let mut lines = rest.lines();
    let first = lines.next()?;
    Some((first, lines.take_while(|l| !end(l)).collect()))
}

/// A Python TypedDict's members, its bases' first.
fn python_members(text: &str, name: &str) -> Option<Vec<Member>> {
    let (header, body) = block(text, &format!("\nclass {name}("), |l| {
        !l.is_empty() && !l.starts_with(' ')
    })?;
    let bases = &header[header.find('(').unwrap() + 1..header.rfind(')').unwrap()];
    let total = !bases.contains("total=False");
    let mut out = Vec::new();
    for base in bases.split(',').map(str::trim) {
        if base != "TypedDict" && !base.starts_with("total=") {
            out.extend(python_members(text, base)?);
        }
    }
    for line in body {
        let Some(decl) = line.strip_prefix("    ") else {
            continue;
        };
        let Some((key, ty)) = decl.split_once(": ") else {
            continue;
        };
        if key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            out.push(Member {
                name: key.to_owned(),
                required: total,
                nullable: ty.starts_with("Optional[") || ty.contains("None"),
            });
        }
    }
    Some(out)
}

/// A TypeScript interface's members, its bases' first.
fn typescript_members(text: &str, name: &str) -> Option<Vec<Member>> {
    let (header, body) = block(text, &format!("export interface {name} "), |l| l == "}")?;
    let mut out = Vec::new();
    if let Some(bases) = header.split(" extends ").nth(1) {
        for base in bases.trim_end_matches('{').split(',').map(str::trim) {
            out.extend(typescript_members(text, base)?);
        }
    }
    for line in body {
        let Some(decl) = line.strip_prefix("  ") else {
            continue;
        };
        let Some((key, ty)) = decl.split_once(": ") else {
            continue;
        };
        let (key, optional) = match key.strip_suffix('?') {
            Some(k) => (k, true),
            None => (key, false),
        };
        if key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            out.push(Member {
                name: key.to_owned(),
                required: !optional,
                nullable: ty.split(" | ").any(|t| t.trim() == "null"),
            });
        }
    }
    Some(out)
}

/// How `declared` differs from `shape`, one line per difference.
fn differences(declared: Option<Vec<Member>>, shape: &Shape) -> Vec<String> {
    let Some(declared) = declared else {
        return vec!["not declared (or a base of it is not)".to_owned()];
    };
    let mut out = Vec::new();
    let names: Vec<&str> = declared.iter().map(|m| m.name.as_str()).collect();
    let want: Vec<&str> = shape.order.iter().map(String::as_str).collect();
    if names != want {
        out.push(format!("keys {names:?}, the core answers {want:?}"));
    }
    for m in &declared {
        let always = shape.always.contains(&m.name);
        if shape.order.contains(&m.name) && m.required != always {
            out.push(format!(
                "`{}` is declared {}, the core {}",
                m.name,
                if m.required {
                    "always present"
                } else {
                    "optional"
                },
                if always {
                    "always answers it"
                } else {
                    "leaves it out at times"
                },
            ));
        }
        if shape.nullable.contains(&m.name) && !m.nullable {
            out.push(format!(
                "`{}` can be null, its type does not say so",
                m.name
            ));
        }
    }
    out
}

#[test]
fn the_bindings_answer_types_declare_the_core_answers() {
    let dir = tempfile::tempdir().unwrap();
    let python =
        std::fs::read_to_string(root().join("bindings-python/python/tooltrail/_types.py")).unwrap();
    let node = ["index.d.ts", "testing.d.ts"]
        .map(|f| std::fs::read_to_string(root().join("bindings-node").join(f)).unwrap())
        .join("\n");
    let mut problems = Vec::new();
    for (name, shape) in answers(dir.path()) {
        for d in differences(python_members(&python, name), &shape) {
            problems.push(format!("_types.py {name}: {d}"));
        }
        for d in differences(typescript_members(&node, name), &shape) {
            problems.push(format!("index.d.ts/testing.d.ts {name}: {d}"));
        }
    }
    assert!(
        problems.is_empty(),
        "answer types drifted:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_query_command_is_covered() {
    // A new command needs its answer type here (and in both bindings).
    let covered = [
        "runs",
        "show",
        "stats",
        "spend",
        "loops",
        "alerts",
        "tail",
        "gaps",
        "agent-logs",
        "agent-metrics",
    ];
    assert_eq!(QUERY_COMMANDS.to_vec(), covered);
}
