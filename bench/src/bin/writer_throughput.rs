//! Writer throughput: tooltrail's `EventWriter` against baselines, in one run.
//!
//! `cargo run --release -p tooltrail-bench --bin writer_throughput [EVENTS] [THREADS]`
//!
//! Every variant writes the same ~200-byte JSON line to a file in a fresh temp
//! directory; the time covers enqueueing all lines and a final flush/close, and
//! the lines on disk are counted so a variant that drops shows it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tooltrail_core::EventWriter;
use tooltrail_core::writer::{DirSinkConfig, Overflow, SinkSpec, WriterConfig};
use tooltrail_json::Value;

const LINE: &str = concat!(
    r#"{"v":1,"ts":"2026-11-24T19:57:40.123456Z","event":"tool_result","run_id":"r-1","#,
    r#""trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","#,
    r#""tool":"send_email","seq":3,"latency_ms":12.345,"ok":true}"#,
    "\n"
);

struct Outcome {
    name: &'static str,
    secs: f64,
    lines: usize,
}

fn count_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl" || x == "log"))
        .map(|p| {
            std::fs::read(p)
                .unwrap()
                .iter()
                .filter(|b| **b == b'\n')
                .count()
        })
        .sum()
}

fn run(
    name: &'static str,
    events: usize,
    threads: usize,
    setup: impl FnOnce(&Path) -> Box<dyn Fn() + Sync>,
    finish: impl FnOnce(),
) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let emit = setup(dir.path());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..events / threads).for_each(|_| emit()));
        }
    });
    drop(emit);
    finish();
    let secs = started.elapsed().as_secs_f64();
    Outcome {
        name,
        secs,
        lines: count_lines(dir.path()),
    }
}

fn tooltrail(overflow: Overflow) -> impl FnOnce(&Path) -> (Box<dyn Fn() + Sync>, EventWriter) {
    move |dir| {
        let writer = EventWriter::new(WriterConfig {
            sink: SinkSpec::Dir(DirSinkConfig::new(dir)),
            overflow,
            ..WriterConfig::default()
        })
        .unwrap();
        let w = writer.clone();
        (
            Box::new(move || {
                w.write_line(LINE.as_bytes().to_vec());
            }),
            writer,
        )
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let events = args.first().copied().unwrap_or(1_000_000);
    let threads = args.get(1).copied().unwrap_or(4);
    let mut results = Vec::new();

    for (name, overflow) in [
        (
            "tooltrail EventWriter (blocking overflow)",
            Overflow::Block(Duration::from_secs(60)),
        ),
        (
            "tooltrail EventWriter (default: drop on overflow)",
            Overflow::Drop,
        ),
    ] {
        let holder = Mutex::new(None);
        results.push(run(
            name,
            events,
            threads,
            |dir| {
                let (emit, writer) = tooltrail(overflow)(dir);
                *holder.lock().unwrap() = Some(writer);
                emit
            },
            || {
                assert!(
                    holder
                        .lock()
                        .unwrap()
                        .take()
                        .unwrap()
                        .close(Duration::from_secs(60))
                )
            },
        ));
        // The structured-event path: serialize a Value on the producer thread.
        if matches!(overflow, Overflow::Block(_)) {
            let holder = Mutex::new(None);
            let fields = Value::object([
                ("run_id", Value::from("r-1")),
                ("trace_id", Value::from("4bf92f3577b34da6a3ce929d0e0e4736")),
                ("span_id", Value::from("00f067aa0ba902b7")),
                ("tool", Value::from("send_email")),
                ("seq", Value::Number(3.0)),
                ("latency_ms", Value::Number(12.345)),
                ("ok", Value::Bool(true)),
            ]);
            results.push(run(
                "tooltrail EventWriter.event(name, fields) (blocking)",
                events,
                threads,
                |dir| {
                    let (_, writer) = tooltrail(overflow)(dir);
                    *holder.lock().unwrap() = Some(writer.clone());
                    Box::new(move || {
                        writer.event("tool_result", &fields).unwrap();
                    })
                },
                || {
                    assert!(
                        holder
                            .lock()
                            .unwrap()
                            .take()
                            .unwrap()
                            .close(Duration::from_secs(60))
                    )
                },
            ));
        }
    }

    let guard_slot = Mutex::new(None);
    results.push(run(
        "tracing-appender non_blocking (lossless)",
        events,
        threads,
        |dir| {
            let file = File::create(dir.join("baseline.log")).unwrap();
            let (nb, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .lossy(false)
                .finish(file);
            *guard_slot.lock().unwrap() = Some(guard);
            Box::new(move || {
                let mut w = nb.clone();
                w.write_all(LINE.as_bytes()).unwrap();
            })
        },
        || drop(guard_slot.lock().unwrap().take()),
    ));

    let file_slot: Mutex<Option<&'static Mutex<BufWriter<File>>>> = Mutex::new(None);
    results.push(run(
        "Mutex<BufWriter<File>> (synchronous, in caller)",
        events,
        threads,
        |dir| {
            let file = File::create(dir.join("baseline.log")).unwrap();
            let shared: &'static Mutex<BufWriter<File>> =
                Box::leak(Box::new(Mutex::new(BufWriter::new(file))));
            *file_slot.lock().unwrap() = Some(shared);
            Box::new(move || shared.lock().unwrap().write_all(LINE.as_bytes()).unwrap())
        },
        || {
            file_slot
                .lock()
                .unwrap()
                .take()
                .unwrap()
                .lock()
                .unwrap()
                .flush()
                .unwrap()
        },
    ));

    let base = results[0].secs;
    println!(
        "writer throughput: {events} events of {} bytes, {threads} producer threads",
        LINE.len()
    );
    println!(
        "{:<55} {:>12} {:>10} {:>12} {:>9}",
        "variant", "events/s", "ns/event", "lines", "time/tt"
    );
    for r in &results {
        println!(
            "{:<55} {:>12.0} {:>10.1} {:>12} {:>9.2}",
            r.name,
            events as f64 / r.secs,
            r.secs * 1e9 / events as f64,
            r.lines,
            r.secs / base
        );
    }
}
