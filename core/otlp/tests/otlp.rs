//! OTLP export from the core writer against a scripted loopback HTTP server:
//! what a collector receives (records, spans, parent links), and the faults
//! (absent, 503 then 200, 400, hanging) with the counters and the local sink.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tooltrail_core::writer::{MemorySink, SinkSpec};
use tooltrail_core::{EventWriter, WriterConfig};
use tooltrail_json::{Value, parse_json};
use tooltrail_otlp::{OtlpConfig, OtlpDropReason};

#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    Hang,
}

/// Requests as (path, body); answers from the script, then 200.
#[derive(Clone, Default)]
struct Server {
    got: Arc<Mutex<Vec<(String, Value)>>>,
    script: Arc<Mutex<Vec<Answer>>>,
}

impl Server {
    fn start(script: &[Answer]) -> (Self, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = Server::default();
        *server.script.lock().unwrap() = script.to_vec();
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.serve(stream));
            }
        });
        (server, url)
    }

    fn serve(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let path = line.split(' ').nth(1).unwrap_or("").to_owned();
            let mut len = 0;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let answer = {
                let mut script = self.script.lock().unwrap();
                if script.is_empty() {
                    Answer::Status(200)
                } else {
                    script.remove(0)
                }
            };
            let status = match answer {
                Answer::Hang => {
                    std::thread::sleep(Duration::from_secs(30));
                    return;
                }
                Answer::Status(s) => s,
            };
            if status == 200 {
                self.got
                    .lock()
                    .unwrap()
                    .push((path, parse_json(&body).unwrap()));
            }
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\n\r\n{{}}");
            let _ = (&stream).write_all(reply.as_bytes());
        }
    }

    fn items(&self, path: &str, outer: &str, scope: &str, leaf: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for (p, body) in self.got.lock().unwrap().iter() {
            if p != path {
                continue;
            }
            for r in arr(body.get(outer)) {
                for s in arr(r.get(scope)) {
                    out.extend(arr(s.get(leaf)).iter().cloned());
                }
            }
        }
        out
    }

    fn records(&self) -> Vec<Value> {
        self.items("/v1/logs", "resourceLogs", "scopeLogs", "logRecords")
    }

    fn spans(&self) -> Vec<Value> {
        self.items("/v1/traces", "resourceSpans", "scopeSpans", "spans")
    }
}

fn arr(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    match v.get(key) {
        Some(Value::String(s)) => s,
        other => panic!("{key}: {other:?}"),
    }
}

fn attr(v: &Value, key: &str) -> Option<Value> {
    arr(v.get("attributes"))
        .into_iter()
        .find(|kv| s(kv, "key") == key)
        .and_then(|kv| kv.get("value").cloned())
}

fn string_attr(v: &Value, key: &str) -> Option<String> {
    attr(v, key).map(|a| s(&a, "stringValue").to_owned())
}

fn writer(url: &str, tweak: impl FnOnce(&mut OtlpConfig)) -> (EventWriter, MemorySink) {
    tooltrail_otlp::install();
    let sink = MemorySink::new();
    let mut otlp = OtlpConfig {
        endpoint: url.into(),
        timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(50),
        flush_interval: Duration::from_millis(20),
        ..OtlpConfig::default()
    };
    tweak(&mut otlp);
    let w = EventWriter::new(WriterConfig {
        sink: SinkSpec::Memory(sink.clone()),
        flush_interval: Duration::from_millis(20),
        otlp: Some(otlp),
        ..WriterConfig::default()
    })
    .unwrap();
    (w, sink)
}

fn run_lines() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/gateway/runs.expected.jsonl"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_scripted_run_arrives_as_records_and_linked_spans() {
    let (server, url) = Server::start(&[]);
    let (w, sink) = writer(&url, |_| {});
    let lines = run_lines();
    for l in &lines {
        assert!(w.write_line(l.clone().into_bytes()));
    }
    assert!(w.flush(Duration::from_secs(10)));
    let records = server.records();
    assert_eq!(records.len(), lines.len());
    assert_eq!(sink.lines().len(), lines.len());
    let first = &records[0];
    assert_eq!(
        s(&first.get("body").unwrap().clone(), "stringValue"),
        "run_start"
    );
    assert_eq!(s(first, "traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(s(first, "spanId"), "0000000000000001");
    assert_eq!(
        string_attr(first, "run_id").as_deref(),
        Some("run-tool-calls")
    );

    let spans = server.spans();
    let tool = spans
        .iter()
        .find(|sp| s(sp, "spanId") == "0000000000000002")
        .expect("the first tool call's span");
    assert_eq!(s(tool, "name"), "execute_tool search");
    assert_eq!(s(tool, "parentSpanId"), "0000000000000001");
    assert_eq!(
        string_attr(tool, "gen_ai.operation.name").as_deref(),
        Some("execute_tool")
    );
    assert_eq!(
        string_attr(tool, "gen_ai.tool.name").as_deref(),
        Some("search")
    );
    assert_eq!(
        string_attr(tool, "gen_ai.tool.call.id").as_deref(),
        Some("0000000000000002")
    );
    assert_eq!(
        string_attr(tool, "tooltrail.args_hash").as_deref(),
        Some("45fdf29a2289b96eecf537204497ce4fd0611c6653a090aa82b884380a5c4be6")
    );
    let blocked = spans
        .iter()
        .find(|sp| s(sp, "spanId") == "0000000000000006")
        .expect("the refused call's span");
    assert_eq!(
        string_attr(blocked, "error.type").as_deref(),
        Some("budget_exceeded")
    );
    let run = spans
        .iter()
        .find(|sp| s(sp, "spanId") == "0000000000000001")
        .expect("the run's span");
    assert_eq!(s(run, "name"), "invoke_agent");
    assert!(run.get("parentSpanId").is_none());
    assert_eq!(
        string_attr(run, "error.type").as_deref(),
        Some("max_tool_calls")
    );

    let stats = w.otlp_stats().unwrap();
    assert_eq!(stats.accepted, lines.len() as u64);
    assert_eq!(stats.exported, lines.len() as u64);
    assert_eq!(stats.spans_exported, spans.len() as u64);
    assert_eq!(stats.dropped, [0; 6]);
    assert!(w.close(Duration::from_secs(5)));
}

#[test]
fn a_503_is_retried_then_delivered() {
    let (server, url) = Server::start(&[Answer::Status(503)]);
    let (w, _) = writer(&url, |c| c.traces = false);
    w.write_line(run_lines()[0].clone().into_bytes());
    assert!(w.flush(Duration::from_secs(10)));
    let stats = w.otlp_stats().unwrap();
    assert_eq!((stats.requests, stats.retries, stats.exported), (2, 1, 1));
    assert_eq!(server.records().len(), 1);
}

#[test]
fn a_400_is_dropped_and_counted() {
    let (server, url) = Server::start(&[Answer::Status(400)]);
    let (w, sink) = writer(&url, |c| c.traces = false);
    w.write_line(run_lines()[0].clone().into_bytes());
    assert!(!w.flush(Duration::from_secs(10)), "flush reports the loss");
    let stats = w.otlp_stats().unwrap();
    assert_eq!(stats.dropped(OtlpDropReason::Rejected), 1);
    assert_eq!((stats.requests, stats.retries, stats.exported), (1, 0, 0));
    assert_eq!(sink.lines().len(), 1, "the local sink still has it");
    assert!(server.records().is_empty());
}

#[test]
fn an_absent_collector_costs_nothing_locally() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (w, sink) = writer(&format!("http://127.0.0.1:{port}"), |_| {});
    let lines = run_lines();
    for l in &lines {
        assert!(w.write_line(l.clone().into_bytes()));
    }
    assert!(!w.flush(Duration::from_secs(10)));
    assert_eq!(sink.lines().len(), lines.len());
    let stats = w.otlp_stats().unwrap();
    assert_eq!(stats.dropped(OtlpDropReason::Network), lines.len() as u64);
    assert_eq!(stats.exported, 0);
    assert!(stats.spans_dropped > 0);
}

#[test]
fn a_hanging_collector_blocks_neither_producers_nor_close() {
    let (_server, url) = Server::start(&[Answer::Hang; 8]);
    let (w, sink) = writer(&url, |c| c.timeout = Duration::from_secs(20));
    let start = Instant::now();
    for l in run_lines().iter().cycle().take(2000) {
        w.write_line(l.clone().into_bytes());
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "producers never wait"
    );
    let closed = Instant::now();
    let ok = w.close(Duration::from_secs(1));
    assert!(
        closed.elapsed() < Duration::from_secs(3),
        "close keeps its timeout"
    );
    assert!(!ok);
    assert_eq!(sink.lines().len(), 2000, "the local sink got everything");
    // Right after close returns, the counters already say what export lost
    // (before: `closed` 0 and thousands still `queued`, counted seconds later).
    let otlp = w.otlp_stats().unwrap();
    assert_eq!(otlp.queued, 0, "{otlp:?}");
    assert_eq!(
        otlp.exported + otlp.dropped.iter().sum::<u64>(),
        otlp.accepted,
        "{otlp:?}"
    );
    assert!(otlp.dropped(tooltrail_otlp::OtlpDropReason::Closed) > 0);
}

/// After a close that timed out, the detached export worker still settles
/// the batches it holds (as `closed`). Every snapshot taken meanwhile must
/// count each accepted event once: before, a batch the sink had counted
/// `closed` was counted again as undelivered until the worker's `written`
/// caught up (CI saw `closed` 2512 of 2000 accepted).
#[test]
fn counters_taken_while_a_detached_exporter_settles_count_each_event_once() {
    let (_server, url) = Server::start(&[Answer::Hang; 8]);
    let (w, _sink) = writer(&url, |c| {
        // The request in flight at close ends (timeout) while we poll.
        c.timeout = Duration::from_millis(600);
        c.batch_events = 8;
        c.queue_events = 100_000;
    });
    for l in run_lines().iter().cycle().take(20_000) {
        w.write_line(l.clone().into_bytes());
    }
    assert!(!w.close(Duration::from_millis(200)));
    let until = Instant::now() + Duration::from_secs(3);
    let mut snapshots = 0u64;
    while Instant::now() < until {
        let s = w.otlp_stats().unwrap();
        let settled =
            s.exported + s.dropped.iter().sum::<u64>() - s.dropped(OtlpDropReason::QueueFull);
        assert_eq!(settled, s.accepted, "snapshot {snapshots}: {s:?}");
        assert_eq!(s.queued, 0, "{s:?}");
        snapshots += 1;
    }
    assert!(snapshots > 0);
}

/// What reaches a collector was redacted by the gateway first: secrets of the
/// newer families planted in args, results and an error message never leave.
#[test]
fn exported_records_carry_only_redacted_values() {
    use tooltrail_core::gateway::Deterministic;
    use tooltrail_core::{Config, FailureFacts, Gateway, Outcome, RunCtx};
    let (server, url) = Server::start(&[]);
    let (w, _sink) = writer(&url, |_| {});
    let yaml = "logging:\n  tool_calls:\n    store_args: true\n    store_results: full\n    store_error_messages: true\n";
    let gw = Gateway::new(
        Config::from_yaml(yaml).unwrap(),
        ["t".to_owned()],
        None,
        Some(Deterministic { start_us: 0 }),
    );
    let ctx = RunCtx {
        run_id: Some("r".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    let secrets = [
        "glpat-Xq7ZrT2mN9vB4kL8pW3s",
        "DE89370400440532013000",
        "Sup3rS3cret!",
    ];
    let args = parse_json(
        br#"{"note":"token glpat-Xq7ZrT2mN9vB4kL8pW3s","argv":["mysql","-pSup3rS3cret!"],"otp":"482913"}"#,
    )
    .unwrap();
    let result = parse_json(br#"{"memo":"refund to DE89370400440532013000"}"#).unwrap();
    let failed = Outcome::Failed {
        facts: FailureFacts {
            class_names: vec!["E".into()],
            ..FailureFacts::default()
        },
        message: "mysql -u root -pSup3rS3cret! failed".into(),
    };
    for outcome in [Outcome::Returned(Ok(result)), failed] {
        let (h, mut events) = gw.begin(&ctx, "t", Ok(args.clone())).unwrap();
        events.extend(gw.finish(h, outcome));
        for e in events.into_vec() {
            assert!(w.write_line(e.line().to_vec()));
        }
    }
    assert!(w.flush(Duration::from_secs(10)));
    let got = server.got.lock().unwrap();
    let text: String = got.iter().map(|(_, b)| format!("{b:?}")).collect();
    assert!(text.contains("REDACTED"), "{text}");
    for s in secrets.iter().chain(&["482913"]) {
        assert!(!text.contains(s), "{s} exported: {text}");
    }
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const RUN_SPAN: &str = "00000000000000a1";

/// One event line of the run `RUN_SPAN` in `TRACE`: the common members, then `rest`.
fn event_line(ts: &str, event: &str, span: &str, rest: &str) -> String {
    format!(
        r#"{{"v":1,"ts":"2026-11-24T19:57:{ts}Z","event":"{event}","run_id":"run-chat","trace_id":"{TRACE}","span_id":"{span}","request_id":"req-chat","user_id":null,{rest}}}"#
    ) + "\n"
}

/// A run around `model_call` (its fields after `span_id`), with one tool call.
fn run_with_model_call(model_call: &str) -> Vec<String> {
    let tool = "00000000000000a3";
    vec![
        event_line(
            "40.000000",
            "run_start",
            RUN_SPAN,
            r#""parent_span_id":null,"budgets":{}"#,
        ),
        event_line(
            "40.850500",
            "model_call",
            "00000000000000a2",
            &format!(r#""step":1,"parent_span_id":"{RUN_SPAN}",{model_call}"#),
        ),
        event_line(
            "40.850500",
            "tool_call",
            tool,
            &format!(r#""tool":"search","seq":1,"parent_span_id":"{RUN_SPAN}","decision":"allow""#),
        ),
        event_line(
            "40.851500",
            "tool_result",
            tool,
            r#""tool":"search","seq":1,"latency_ms":1,"ok":true"#,
        ),
        event_line(
            "40.900000",
            "run_end",
            RUN_SPAN,
            r#""stop_reason":"completed","duration_ms":900,"tool_calls":1,"errors":0,"refused":0,"steps":1,"spend_usd":0.000345,"budgets":{}"#,
        ),
    ]
}

/// The spans a collector receives for `lines`.
fn exported_spans(lines: &[String]) -> Vec<Value> {
    let (server, url) = Server::start(&[]);
    let (w, _sink) = writer(&url, |c| c.logs = false);
    for l in lines {
        assert!(w.write_line(l.clone().into_bytes()));
    }
    assert!(w.flush(Duration::from_secs(10)));
    assert!(w.close(Duration::from_secs(5)));
    server.spans()
}

fn chat_span_of(spans: &[Value]) -> Value {
    spans
        .iter()
        .find(|sp| s(sp, "spanId") == "00000000000000a2")
        .expect("the model call's span")
        .clone()
}

fn nanos(span: &Value, key: &str) -> u64 {
    s(span, key).parse().unwrap()
}

fn int_attr(v: &Value, key: &str) -> Option<String> {
    attr(v, key).map(|a| s(&a, "intValue").to_owned())
}

fn attr_keys(v: &Value) -> Vec<String> {
    arr(v.get("attributes"))
        .iter()
        .map(|kv| s(kv, "key").to_owned())
        .collect()
}

#[test]
fn a_model_call_is_a_chat_span_under_its_run() {
    let spans = exported_spans(&run_with_model_call(
        r#""model":"gpt-4o-mini","provider":"openai","input_tokens":1200,"output_tokens":300,"cached_input_tokens":200,"reasoning_tokens":64,"cost_usd":0.000345,"latency_ms":850.5,"ok":true,"finish_reason":"tool_calls","tool_calls":[{"name":"search","call_id":"call_1"},{"name":"fetch","call_id":null}]"#,
    ));
    assert_eq!(spans.len(), 3, "{spans:?}");
    let chat = chat_span_of(&spans);
    assert_eq!(s(&chat, "name"), "chat gpt-4o-mini");
    assert_eq!(s(&chat, "traceId"), TRACE);
    assert_eq!(s(&chat, "parentSpanId"), RUN_SPAN);
    let run = spans.iter().find(|sp| s(sp, "spanId") == RUN_SPAN).unwrap();
    assert_eq!(s(run, "name"), "invoke_agent");
    let tool = spans
        .iter()
        .find(|sp| s(sp, "name") == "execute_tool search")
        .expect("the tool call's span, beside the chat span");
    assert_eq!(s(tool, "parentSpanId"), RUN_SPAN);
    assert_eq!(chat.get("kind"), Some(&Value::Number(3.0)), "CLIENT");
    assert_eq!(tool.get("kind"), Some(&Value::Number(1.0)), "INTERNAL");
    // 19:57:40.8505 minus 850.5 ms.
    assert_eq!(nanos(&chat, "endTimeUnixNano"), 1_795_550_260_850_500_000);
    assert_eq!(nanos(&chat, "startTimeUnixNano"), 1_795_550_260_000_000_000);
    assert!(chat.get("status").is_none());

    let text = |k| string_attr(&chat, k);
    assert_eq!(text("gen_ai.operation.name").as_deref(), Some("chat"));
    assert_eq!(text("gen_ai.request.model").as_deref(), Some("gpt-4o-mini"));
    assert_eq!(text("gen_ai.provider.name").as_deref(), Some("openai"));
    assert_eq!(text("tooltrail.run_id").as_deref(), Some("run-chat"));
    let int = |k| int_attr(&chat, k);
    assert_eq!(int("gen_ai.usage.input_tokens").as_deref(), Some("1200"));
    assert_eq!(int("gen_ai.usage.output_tokens").as_deref(), Some("300"));
    assert_eq!(
        int("gen_ai.usage.cache_read.input_tokens").as_deref(),
        Some("200")
    );
    assert_eq!(
        int("gen_ai.usage.reasoning.output_tokens").as_deref(),
        Some("64")
    );
    assert_eq!(int("tooltrail.step").as_deref(), Some("1"));
    assert_eq!(
        attr(&chat, "tooltrail.cost_usd"),
        Some(Value::object([("doubleValue", Value::Number(0.000345))]))
    );
    let strings = |items: &[&str]| {
        let values = items
            .iter()
            .map(|i| Value::object([("stringValue", Value::String((*i).into()))]));
        Some(Value::object([(
            "arrayValue",
            Value::object([("values", Value::Array(values.collect()))]),
        )]))
    };
    assert_eq!(
        attr(&chat, "gen_ai.response.finish_reasons"),
        strings(&["tool_calls"])
    );
    assert_eq!(
        attr(&chat, "tooltrail.requested_tools"),
        strings(&["search", "fetch"])
    );
    let keys = attr_keys(&chat);
    for absent in ["gen_ai.response.model", "error.type", "gen_ai.system"] {
        assert!(!keys.iter().any(|k| k == absent), "{absent}: {keys:?}");
    }
    assert!(
        !format!("{chat:?}").contains("call_1"),
        "the calls' ids stay out"
    );
}

#[test]
fn a_failed_model_call_is_a_failed_chat_span() {
    let spans = exported_spans(&run_with_model_call(
        r#""model":"gpt-4o-mini","provider":"openai","input_tokens":null,"output_tokens":null,"cost_usd":null,"latency_ms":30.25,"ok":false,"error_class":"rate_limited","finish_reason":null,"tool_calls":[]"#,
    ));
    let chat = chat_span_of(&spans);
    assert_eq!(
        string_attr(&chat, "error.type").as_deref(),
        Some("rate_limited")
    );
    let status = chat.get("status").expect("status");
    assert_eq!(status.get("code"), Some(&Value::Number(2.0)), "ERROR");
    assert_eq!(s(status, "message"), "rate_limited");
}

#[test]
fn a_model_call_without_usage_or_latency_is_an_instant_without_usage() {
    let spans = exported_spans(&run_with_model_call(
        r#""model":"in-house-llm","provider":null,"input_tokens":null,"output_tokens":null,"cost_usd":null,"latency_ms":null,"ok":true,"finish_reason":null,"tool_calls":[]"#,
    ));
    let chat = chat_span_of(&spans);
    assert_eq!(s(&chat, "name"), "chat in-house-llm");
    assert_eq!(
        nanos(&chat, "startTimeUnixNano"),
        nanos(&chat, "endTimeUnixNano")
    );
    let keys = attr_keys(&chat);
    assert!(
        !keys.iter().any(|k| k.starts_with("gen_ai.usage.")),
        "{keys:?}"
    );
    for absent in [
        "tooltrail.cost_usd",
        "tooltrail.latency_ms",
        "gen_ai.provider.name",
        "gen_ai.response.finish_reasons",
        "tooltrail.requested_tools",
        "error.type",
    ] {
        assert!(!keys.iter().any(|k| k == absent), "{absent}: {keys:?}");
    }
    assert!(chat.get("status").is_none());
}
