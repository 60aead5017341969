//! The core's per-call cost, without a binding: `Gateway::begin` with the
//! call's JSON text (as Node passes it) and `finish_returned`, each event
//! line handed to an `EventWriter` on a directory, as the bindings do.
//!
//! `cargo run --release -p tooltrail-bench --bin gateway_calls [CALLS] [ROUNDS] [ONLY] [--json FILE]`
//! (`ONLY`: run the variants whose name contains it, e.g. under a profiler)
//!
//! Prints ns per call for: the JSON text alone (format!), `begin` without a
//! writer, `begin` + `finish_returned` without a writer, and both with the
//! writer; the median round of each, interleaved. Last, the writer thread's
//! own CPU time (Linux `/proc/self/task/*/schedstat`) per event it wrote:
//! the rate one writer core renders (canonical arguments, SHA-256, the
//! line) and writes call events at.

use std::time::{Duration, Instant};

use tooltrail_core::gateway::{CallArgs, Validation};
use tooltrail_core::writer::{DirSinkConfig, SinkSpec, WriterConfig};
use tooltrail_core::{Config, EventWriter, Gateway, RunCtx};
use tooltrail_json::Value;

/// The bindings' allocator (both set it), so these figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn args_text(i: usize) -> String {
    format!(
        r#"{{"query":"refund policy for order {i}","limit":10,"filters":{{"lang":"en","since":"2026-01-01"}}}}"#
    )
}

fn ctx() -> RunCtx {
    RunCtx {
        run_id: Some("run-bench-2".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        user_id: Some("u-9".into()),
        request_id: Some("req-1".into()),
        ..RunCtx::default()
    }
}

fn main() {
    let (args, json) = tooltrail_bench::args_and_json();
    let mut argv = args.into_iter();
    let calls: usize = argv.next().map_or(200_000, |a| a.parse().unwrap());
    let rounds: usize = argv.next().map_or(7, |a| a.parse().unwrap());
    let only = argv.next().unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(dir.path())),
        ..WriterConfig::default()
    })
    .unwrap();
    let gw = Gateway::new(Config::default(), ["search".to_owned()], None, None);
    let ctx = ctx();
    let variants: [(&str, &dyn Fn(usize)); 4] = [
        ("args text only", &|i| {
            std::hint::black_box(args_text(i));
        }),
        ("begin, no writer", &|i| {
            let (handle, events) = gw
                .begin(&ctx, "search", CallArgs::json(args_text(i)).unwrap())
                .unwrap();
            std::hint::black_box((handle, events));
        }),
        ("begin + finish, no writer", &|i| {
            let (handle, events) = gw
                .begin(&ctx, "search", CallArgs::json(args_text(i)).unwrap())
                .unwrap();
            std::hint::black_box(events);
            let (events, _) = gw.finish_returned(handle, Validation::Passed, || Ok(Value::Null));
            std::hint::black_box(events);
        }),
        ("begin + finish + writer", &|i| {
            let (handle, events) = gw
                .begin(&ctx, "search", CallArgs::json(args_text(i)).unwrap())
                .unwrap();
            events.into_iter().for_each(|e| {
                e.write_to(&writer);
            });
            let (events, _) = gw.finish_returned(handle, Validation::Passed, || Ok(Value::Null));
            events.into_iter().for_each(|e| {
                e.write_to(&writer);
            });
        }),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for _ in 0..rounds {
        for (k, (name, f)) in variants.iter().enumerate() {
            if !name.contains(only.as_str()) {
                continue;
            }
            let t0 = Instant::now();
            (0..calls).for_each(f);
            times[k].push(t0.elapsed().as_nanos() as f64 / calls as f64);
        }
    }
    for ((name, _), mut t) in variants.iter().zip(times) {
        if t.is_empty() {
            continue;
        }
        t.sort_by(f64::total_cmp);
        println!("{name:28} {:7.0} ns/call (min {:.0})", t[t.len() / 2], t[0]);
    }
    writer.flush(Duration::from_secs(30));
    let stats = writer.stats();
    println!("{stats:?}");
    if let Some(ns) = thread_cpu_ns("tooltrail-writer") {
        let per_event = ns as f64 / stats.written as f64;
        println!(
            "writer thread: {:.3} s on its core for {} events: {per_event:.0} ns/event, {:.2} M call events/s on one core",
            ns as f64 / 1e9,
            stats.written,
            1e3 / per_event,
        );
        if let Some(path) = json {
            tooltrail_bench::write_json(
                &path,
                &serde_json::json!({
                    "writer_cpu_s": ns as f64 / 1e9,
                    "events": stats.written,
                    "dropped": stats.dropped_queue_full + stats.dropped_sink_error + stats.dropped_closed,
                    "events_per_cpu_s": (1e9 / per_event).round(),
                }),
            );
        }
    }
}

/// CPU time (ns) the thread named `name` has run, from its schedstat
/// (`comm` holds at most 15 bytes of the name).
fn thread_cpu_ns(name: &str) -> Option<u64> {
    let name = &name[..name.len().min(15)];
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = task.ok()?.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.trim_end() == name {
            let stat = std::fs::read_to_string(dir.join("schedstat")).ok()?;
            return stat.split_whitespace().next()?.parse().ok();
        }
    }
    None
}
