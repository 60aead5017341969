//! The readers' memory per run, counted by a global allocator (bytes
//! requested, so the numbers do not depend on the machine or on timing):
//! `runs` keeps one compact summary per run and prints them as it goes;
//! `loops` keeps compact counters for each run not yet ended. Before (issue
//! 13 item 15), 500k runs took 902 MiB (`runs`) and 502 MiB (`loops`, runs
//! never ended). docs/query.md ("Memory") has the measured RSS.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use tooltrail_query as query;
use tooltrail_query::{LoopsOptions, Query, RunFilter};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: the caller's layout, passed on to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as the new block in use beside the old one: what a copy
        // costs at its peak.
        let now = CURRENT.fetch_add(new_size, Relaxed) + new_size;
        PEAK.fetch_max(now, Relaxed);
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const RUNS: usize = 10_000;

/// Runs as the gateway logs them (scripts/gen_runs.py's shape, smaller):
/// `run_start`, two calls (`tool_call` + `tool_result`), and `run_end`
/// unless `open`.
fn write_logs(path: &Path, open: bool) {
    use std::fmt::Write;
    let mut text = String::new();
    for r in 0..RUNS {
        let ids = format!(
            r#""run_id":"{r:032x}","trace_id":"{:032x}","span_id":"{r:016x}","request_id":"req-{r:016x}","user_id":"user-{}""#,
            r * 7 + 1,
            r % 1000
        );
        let ts = |n: usize| format!("2026-11-24T19:{:02}:{:02}.{n:06}Z", r / 60 % 60, r % 60);
        writeln!(
            text,
            r#"{{"v":1,"ts":"{}","event":"run_start",{ids},"parent_span_id":null,"budgets":{{}}}}"#,
            ts(0)
        )
        .unwrap();
        for seq in 1..=2 {
            let tool = ["search_orders", "get_invoice", "send_email"][(r + seq) % 3];
            writeln!(text, r#"{{"v":1,"ts":"{}","event":"tool_call",{ids},"tool":"{tool}","seq":{seq},"parent_span_id":null,"args_hash":"{:064x}","hash_alg":"sha256","decision":"allow"}}"#, ts(seq), r * 3 + seq).unwrap();
            writeln!(text, r#"{{"v":1,"ts":"{}","event":"tool_result",{ids},"tool":"{tool}","seq":{seq},"latency_ms":1.5,"ok":true}}"#, ts(seq)).unwrap();
        }
        if !open {
            writeln!(text, r#"{{"v":1,"ts":"{}","event":"run_end",{ids},"stop_reason":"completed","duration_ms":3,"tool_calls":2,"errors":0,"steps":0,"spend_usd":0,"budgets":{{}}}}"#, ts(5)).unwrap();
        }
    }
    std::fs::write(path, text).unwrap();
}

/// Peak bytes allocated per run while `query` runs and its answer is
/// printed (text or `--json`).
fn peak_per_run(path: &Path, query: &Query, json: bool) -> usize {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let (answer, _) = query::execute_with_gaps(path, query).unwrap();
    let printed = render(&answer, json);
    assert!(printed > 0);
    drop(answer);
    (PEAK.load(Relaxed) - base) / RUNS
}

/// What the CLI does with an answer, into a sink that keeps nothing.
fn render(answer: &query::Answer, json: bool) -> usize {
    let mut out = Counted(0);
    tooltrail_cli::render_to(&mut out, answer, json).unwrap();
    out.0
}

struct Counted(usize);
impl std::io::Write for Counted {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn runs_and_loops_keep_compact_state_per_run() {
    let dir = tempfile::tempdir().unwrap();
    let (ended, open) = (
        dir.path().join("ended.jsonl"),
        dir.path().join("open.jsonl"),
    );
    write_logs(&ended, false);
    write_logs(&open, true);
    let runs = Query::Runs(RunFilter::default());
    let loops = Query::Loops(LoopsOptions {
        min: 2,
        ..LoopsOptions::default()
    });
    let measured = [
        ("runs", peak_per_run(&ended, &runs, false)),
        ("runs --json", peak_per_run(&ended, &runs, true)),
        (
            "loops, runs never ended",
            peak_per_run(&open, &loops, false),
        ),
        ("loops", peak_per_run(&ended, &loops, false)),
    ];
    eprintln!("peak heap bytes per run: {measured:?}");
    // Measured at this commit: 414, 414, 218, 6. Before: 1,256 (the
    // summaries, then a table of strings), 1,812 (the summaries, then the
    // whole array as one value, then its text) and 989 (a BTreeMap and two
    // strings per pair). The bounds leave room for growth, not for those.
    let bound = [520, 520, 320, 64];
    for ((what, bytes), max) in measured.into_iter().zip(bound) {
        assert!(bytes <= max, "{what}: {bytes} bytes per run (bound {max})");
    }
}
