//! `tooltrail show RUN` on a big directory, with and without the writer's
//! run index, beside `grep -c -F RUN` over the same files, in one run.
//!
//! `cargo run --release -p tooltrail-bench --bin show_index [GB] [DIR]`
//! (default 1 GB in a temp dir; a given DIR is reused when it already holds
//! logs). The logs are written by the real writer (`run_index: true`, the
//! default 64 MiB files, as many as it takes): 16 concurrent runs at a
//! time of 20 ~200-byte events each. Each answer is timed three times page-cached
//! (the median printed) and checked equal to the scan's.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tooltrail_core::EventWriter;
use tooltrail_core::writer::{DirSinkConfig, SinkSpec, WriterConfig};
use tooltrail_json::parse_json;

fn write_logs(dir: &Path, bytes: u64) {
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig {
            max_files: 100_000,
            run_index: true,
            ..DirSinkConfig::new(dir)
        }),
        overflow: tooltrail_core::writer::Overflow::Block(Duration::from_secs(60)),
        ..WriterConfig::default()
    })
    .unwrap();
    let mut written = 0u64;
    let mut i = 0u64;
    while written < bytes {
        // 16 runs open at once, 20 events each, interleaved.
        let run = i / (16 * 20) * 16 + i % 16;
        let line = format!(
            r#"{{"run_id":"run-{run:07}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","tool":"search","seq":{i},"latency_ms":12.345,"ok":true,"args_hash":"{:064x}"}}"#,
            i
        );
        written += line.len() as u64 + 40;
        writer
            .event("tool_result", &parse_json(line.as_bytes()).unwrap())
            .unwrap();
        i += 1;
    }
    assert!(writer.close(Duration::from_secs(600)));
}

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut t: Vec<Duration> = (0..3).map(|_| f()).collect();
    t.sort();
    t[1]
}

fn main() {
    let mut argv = std::env::args().skip(1);
    let gb: f64 = argv
        .next()
        .map_or(1.0, |a| a.parse().expect("GB: a number"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = argv
        .next()
        .map_or_else(|| tmp.path().join("logs"), Into::into);
    let files = |ext: &str| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&dir)
            .map(|d| {
                d.map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == ext))
                    .collect()
            })
            .unwrap_or_default()
    };
    if files("jsonl").is_empty() {
        let t0 = Instant::now();
        write_logs(&dir, (gb * 1e9) as u64);
        println!("wrote the logs in {:.1} s", t0.elapsed().as_secs_f64());
    }
    let size = |ps: &[std::path::PathBuf]| -> u64 {
        ps.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum()
    };
    let logs = files("jsonl");
    println!(
        "{}: {} log files, {:.2} GB; run indexes {:.1} MB",
        dir.display(),
        logs.len(),
        size(&logs) as f64 / 1e9,
        size(&files("idx")) as f64 / 1e6
    );
    let run = "run-0000123";
    let query = tooltrail_cli_query(run);
    let (indexed, answer) = {
        let mut out = None;
        let t = median(|| {
            let t0 = Instant::now();
            out = Some(tooltrail_query::execute(&dir, &query).unwrap());
            t0.elapsed()
        });
        (t, out.unwrap())
    };
    // The same question with the indexes moved away: the chunked scan.
    let aside = dir.with_extension("idx-aside");
    std::fs::create_dir_all(&aside).unwrap();
    for p in files("idx") {
        std::fs::rename(&p, aside.join(p.file_name().unwrap())).unwrap();
    }
    let mut scanned_answer = None;
    let scanned = median(|| {
        let t0 = Instant::now();
        scanned_answer = Some(tooltrail_query::execute(&dir, &query).unwrap());
        t0.elapsed()
    });
    for p in std::fs::read_dir(&aside).unwrap() {
        let p = p.unwrap().path();
        std::fs::rename(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    assert_eq!(
        answer.to_value(),
        scanned_answer.unwrap().to_value(),
        "the index changed the answer"
    );
    let grep = median(|| {
        let t0 = Instant::now();
        let out = Command::new("grep")
            .arg("-c")
            .arg("-F")
            .arg(run)
            .args(&logs)
            .output()
            .unwrap();
        assert!(!out.stdout.is_empty());
        t0.elapsed()
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "show {run}: with the run index {:.1} ms, scanning {:.1} ms ({:.0}x), grep -c -F {:.1} ms; same answer ({} events)",
        ms(indexed),
        ms(scanned),
        ms(scanned) / ms(indexed),
        ms(grep),
        match &answer {
            tooltrail_query::Answer::Show { events, .. } => events.len(),
            _ => 0,
        }
    );
}

fn tooltrail_cli_query(run: &str) -> tooltrail_query::Query {
    tooltrail_query::Query::Show(tooltrail_query::ShowOptions {
        run_id: run.to_owned(),
    })
}
