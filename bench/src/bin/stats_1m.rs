//! `tooltrail stats` over a million events: time and peak memory, beside the
//! obvious exact implementation (serde_json, every latency and every
//! `(tool, args_hash)` pair kept) run on the same file in the same run.
//!
//! `cargo run --release -p tooltrail-bench --bin stats_1m [EVENTS...]`
//! (default: 250000 1000000 2000000, to show how memory grows with size)
//!
//! Each variant runs in a child process of this binary, so its peak RSS
//! (`VmHWM` from /proc/self/status, Linux) is its own; "above idle" subtracts
//! the child's peak before it read anything.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const TOOLS: [&str; 6] = [
    "search_orders",
    "get_invoice",
    "send_email",
    "charge_card",
    "lookup_user",
    "fetch_page",
];

/// A deterministic xorshift stream.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Runs of 10 calls: run_start, 10 × (tool_call, tool_result), run_end.
/// 30% of calls repeat one of 50 hot argument hashes, the rest are unique;
/// latencies are log-uniform from 0.05 ms to 5 s; 3% of calls fail.
fn generate(dir: &Path, events: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(dir.join("tooltrail.jsonl"))?);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut written, mut run, mut unique) = (0usize, 0u64, 0u64);
    let common = |run: u64| {
        format!(
            r#""run_id":"run-{run}","trace_id":"{run:032x}","span_id":"{run:016x}","request_id":"req-{run}","user_id":"user-{}""#,
            run % 97
        )
    };
    while written < events {
        run += 1;
        let c = common(run);
        let ts = "2026-11-24T19:57:40.000000Z";
        writeln!(
            out,
            r#"{{"v":1,"ts":"{ts}","event":"run_start",{c},"budgets":{{}}}}"#
        )?;
        for seq in 1..=10 {
            let tool = TOOLS[(rng.next() % TOOLS.len() as u64) as usize];
            let hash = if rng.unit() < 0.3 {
                format!("{:064x}", rng.next() % 50)
            } else {
                unique += 1;
                format!("{:064x}", unique << 8)
            };
            writeln!(
                out,
                r#"{{"v":1,"ts":"{ts}","event":"tool_call",{c},"tool":"{tool}","seq":{seq},"parent_span_id":null,"args_hash":"{hash}","hash_alg":"sha256","decision":"allow"}}"#
            )?;
            let latency = (0.05f64.ln() + rng.unit() * (5000.0f64 / 0.05).ln()).exp();
            let outcome = if rng.unit() < 0.03 {
                r#""ok":false,"error_class":"timeout""#
            } else {
                r#""ok":true"#
            };
            writeln!(
                out,
                r#"{{"v":1,"ts":"{ts}","event":"tool_result",{c},"tool":"{tool}","seq":{seq},"latency_ms":{latency:.3},{outcome}}}"#
            )?;
        }
        writeln!(
            out,
            r#"{{"v":1,"ts":"{ts}","event":"run_end",{c},"stop_reason":"completed","duration_ms":1,"tool_calls":10,"errors":0}}"#
        )?;
        written += 22;
    }
    out.flush()
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The obvious exact `stats`: every latency and every pair kept.
fn baseline_stats(dir: &Path) -> usize {
    let file = std::fs::File::open(dir.join("tooltrail.jsonl")).expect("log");
    let mut latencies: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut pairs: HashMap<(String, String), u64> = HashMap::new();
    for line in BufReader::new(file).lines() {
        let Ok(e) = serde_json::from_str::<serde_json::Value>(&line.expect("line")) else {
            continue;
        };
        let tool = e["tool"].as_str().unwrap_or_default().to_owned();
        match e["event"].as_str() {
            Some("tool_result") => {
                latencies
                    .entry(tool)
                    .or_default()
                    .push(e["latency_ms"].as_f64().unwrap_or(0.0));
            }
            Some("tool_call") => {
                let hash = e["args_hash"].as_str().unwrap_or_default().to_owned();
                *pairs.entry((tool, hash)).or_insert(0) += 1;
            }
            _ => {}
        }
    }
    let mut summary = 0;
    for v in latencies.values_mut() {
        v.sort_by(f64::total_cmp);
        summary += v.len();
    }
    let mut hot: Vec<_> = pairs.into_iter().collect();
    hot.sort_by_key(|b| std::cmp::Reverse(b.1));
    summary + hot.len()
}

fn child(variant: &str, dir: &Path) {
    let idle = vm_hwm_kib();
    let start = Instant::now();
    let output_len = match variant {
        "tooltrail" => {
            let mut out = Vec::new();
            let args = ["stats", dir.to_str().expect("utf-8 path"), "--json"].map(String::from);
            let code = tooltrail_cli::run(&args, &mut std::io::empty(), &mut out);
            assert_eq!(code, 0);
            out.len()
        }
        _ => baseline_stats(dir),
    };
    let secs = start.elapsed().as_secs_f64();
    println!("{secs} {} {idle} {output_len}", vm_hwm_kib());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1], Path::new(&args[2]));
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![250_000, 1_000_000, 2_000_000]
    } else {
        args.iter()
            .map(|a| a.parse().expect("EVENTS: a number"))
            .collect()
    };
    let me = std::env::current_exe().expect("own path");
    println!(
        "| events | variant | time s | peak MiB above idle | events/s | time ratio | memory ratio |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        generate(dir.path(), n).expect("generate");
        let mut rows = Vec::new();
        for variant in ["tooltrail", "serde_json exact"] {
            let out = Command::new(&me)
                .args(["--child", variant])
                .arg(dir.path())
                .output()
                .expect("child");
            assert!(out.status.success(), "{variant} failed");
            let text = String::from_utf8_lossy(&out.stdout);
            let f: Vec<f64> = text
                .split_whitespace()
                .map(|x| x.parse().unwrap_or(0.0))
                .collect();
            rows.push((variant, f[0], (f[1] - f[2]) / 1024.0));
        }
        let (base_secs, base_mib) = (rows[1].1, rows[1].2);
        for (variant, secs, mib) in rows {
            println!(
                "| {n} | {variant} | {secs:.2} | {mib:.1} | {:.0} | {:.2}x | {:.2}x |",
                n as f64 / secs,
                secs / base_secs,
                mib / base_mib.max(0.1)
            );
        }
    }
}
