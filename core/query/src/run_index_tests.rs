//! `show` through the run index gives the scan's answer, whatever happened
//! to the index: missing, truncated, edited, stale, replaced by a link, a
//! FIFO or a directory, or records lost; rotated files keep theirs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::chunked::tests::show_by_lines;
use crate::execute::{by_lines, execute_with_gaps};
use crate::{Answer, Query, ShowOptions};
use tooltrail_core::EventWriter;
use tooltrail_core::writer::{DirSinkConfig, SinkSpec, WriterConfig};
use tooltrail_json::parse_json;

const RUNS: usize = 12;

/// A directory of rotated logs written by the real writer: `RUNS` runs
/// interleaved, small batches, a drop report among them.
fn logs(dir: &Path, max_file_bytes: u64) -> PathBuf {
    logs_of(dir, max_file_bytes, |i| i % RUNS)
}

/// A writer keeping a run index in `logs`, writing every `batch_events`
/// events at once (small batches: many records).
fn indexed_writer(
    logs: &Path,
    max_file_bytes: u64,
    max_files: usize,
    batch_events: usize,
) -> EventWriter {
    EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig {
            max_file_bytes,
            max_files,
            run_index: true,
            ..DirSinkConfig::new(logs)
        }),
        batch_events,
        flush_interval: Duration::ZERO,
        ..WriterConfig::default()
    })
    .unwrap()
}

/// The same with run `run(i)` for the `i`th event.
fn logs_of(dir: &Path, max_file_bytes: u64, run: impl Fn(usize) -> usize) -> PathBuf {
    let logs = dir.join("logs");
    let writer = indexed_writer(&logs, max_file_bytes, 4, 7);
    for i in 0..600 {
        let run = format!("run-{}\\\"q", run(i));
        let fields = parse_json(
            format!(
                r#"{{"run_id":{},"trace_id":"t","seq":{i},"tool":"search","ok":true}}"#,
                String::from_utf8({
                    let mut v = Vec::new();
                    tooltrail_json::write_string(&run, &mut v);
                    v
                })
                .unwrap()
            )
            .as_bytes(),
        )
        .unwrap();
        writer.event("tool_result", &fields).unwrap();
        if i == 300 {
            let drop = parse_json(br#"{"run_id":null,"count":5,"reason":"queue_full"}"#).unwrap();
            writer.event("writer_dropped", &drop).unwrap();
        }
    }
    assert!(writer.close(Duration::from_secs(10)));
    logs
}

fn run_id(i: usize) -> String {
    format!("run-{i}\\\"q")
}

/// The scan's answer (the reference) and the indexed one, with its notes.
fn both(logs: &Path, run: &str) -> ((Vec<Value>, Gaps), (Vec<Value>, Gaps)) {
    let query = Query::Show(ShowOptions {
        run_id: run.to_owned(),
    });
    let (want, want_gaps) = show_by_lines(logs, run).unwrap();
    let (got, got_gaps) = execute_with_gaps(logs, &query).unwrap();
    let events = |a: Answer| match a {
        Answer::Show { events, .. } => events,
        _ => unreachable!(),
    };
    ((events(want), want_gaps), (events(got), got_gaps))
}

fn assert_same(logs: &Path, notes_expected: bool) {
    for i in 0..RUNS {
        let ((want, want_gaps), (got, got_gaps)) = both(logs, &run_id(i));
        assert_eq!(got, want, "run {i}");
        assert!(!want.is_empty());
        assert_eq!(
            got_gaps.dropped, want_gaps.dropped,
            "the drop report is seen"
        );
        assert_eq!(got_gaps.skipped_lines, want_gaps.skipped_lines);
        assert_eq!(
            !got_gaps.reading_notes.is_empty(),
            notes_expected,
            "{:?}",
            got_gaps.reading_notes
        );
    }
}

fn indexes(logs: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    v.sort();
    v
}

#[test]
fn rotated_files_each_keep_an_index_that_answers_as_the_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = logs(tmp.path(), 16 << 10);
    let idx = indexes(&logs);
    let names: Vec<String> = idx
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // The active file has one unless the last batch rotated it away (empty).
    let active_empty = std::fs::metadata(logs.join("tooltrail.jsonl"))
        .unwrap()
        .len()
        == 0;
    let mut want = vec![
        "tooltrail.1.jsonl.idx",
        "tooltrail.2.jsonl.idx",
        "tooltrail.3.jsonl.idx",
    ];
    if !active_empty {
        want.push("tooltrail.jsonl.idx");
    }
    assert_eq!(names, want);
    assert_same(&logs, false);
    // The deleted oldest file took its index with it.
    assert!(!logs.join("tooltrail.4.jsonl.idx").exists());
}

#[test]
fn the_index_reads_less_than_the_log() {
    // Runs one after the other: each run's range is its own lines.
    let tmp = tempfile::tempdir().unwrap();
    let logs = logs_of(tmp.path(), 64 << 20, |i| i / 50);
    let log = std::fs::metadata(logs.join("tooltrail.jsonl"))
        .unwrap()
        .len();
    let spelled = spelled(&run_id(3));
    let read: u64 = ranges(&logs.join("tooltrail.jsonl"), log, &spelled)
        .unwrap()
        .iter()
        .map(|(a, b)| b - a)
        .sum();
    assert!(read < log, "{read} of {log}");
}

/// Each way an index can go wrong, applied to every index of a fresh log.
fn damaged(how: &str, f: impl Fn(&Path, &Path), notes: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let logs = logs(tmp.path(), 16 << 10);
    for idx in indexes(&logs) {
        let log = PathBuf::from(idx.to_string_lossy().trim_end_matches(".idx"));
        f(&idx, &log);
    }
    eprintln!("{how}");
    assert_same(&logs, notes);
}

#[test]
fn a_missing_index_is_scanned_and_said() {
    damaged(
        "missing",
        |idx, log| {
            if log.ends_with("tooltrail.2.jsonl") {
                std::fs::remove_file(idx).unwrap();
            }
        },
        true,
    );
    // Logs with no index at all (another producer, an older writer) are
    // scanned as always, with nothing to say.
    damaged("none", |idx, _| std::fs::remove_file(idx).unwrap(), false);
}

#[test]
fn a_torn_last_record_leaves_its_batch_to_the_scan() {
    damaged(
        "torn",
        |idx, _| {
            let len = std::fs::metadata(idx).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(idx).unwrap();
            f.set_len(len - 5).unwrap();
        },
        false,
    );
}

#[test]
fn a_lost_record_in_the_middle_is_scanned_as_a_gap() {
    damaged(
        "lost record",
        |idx, _| {
            let text = std::fs::read_to_string(idx).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 2 {
                lines.remove(1);
            }
            std::fs::write(idx, lines.join("\n") + "\n").unwrap();
        },
        false,
    );
}

#[test]
fn an_edited_record_fails_its_checksum() {
    damaged(
        "edited",
        |idx, _| {
            let text = std::fs::read_to_string(idx).unwrap();
            // Point run-1's ranges at run-2's: only the checksum tells.
            std::fs::write(idx, text.replacen("run-1", "run-2", 1)).unwrap();
        },
        true,
    );
}

#[test]
fn garbage_is_not_an_index() {
    damaged(
        "garbage",
        |idx, _| std::fs::write(idx, "{not an index\n\u{0}\n").unwrap(),
        true,
    );
}

#[test]
fn a_truncated_log_makes_its_index_stale() {
    damaged(
        "stale",
        |_, log| {
            let len = std::fs::metadata(log).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(log).unwrap();
            f.set_len(len / 2).unwrap();
        },
        true,
    );
}

#[test]
fn lines_appended_after_the_last_record_are_scanned() {
    damaged(
        "appended",
        |_, log| {
            let mut text = std::fs::read(log).unwrap();
            text.extend_from_slice(
                br#"{"v":1,"ts":"2026-12-07T00:00:00Z","event":"tool_result","run_id":"run-1\"q","late":true}"#,
            );
            text.extend_from_slice(b"\ngarbage\n");
            std::fs::write(log, text).unwrap();
        },
        false,
    );
}

#[test]
fn links_fifos_and_directories_are_not_indexes() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere.idx");
    std::fs::write(&elsewhere, "").unwrap();
    damaged(
        "link",
        |idx, _| {
            std::fs::remove_file(idx).unwrap();
            std::os::unix::fs::symlink(&elsewhere, idx).unwrap();
        },
        true,
    );
    damaged(
        "fifo",
        |idx, _| {
            std::fs::remove_file(idx).unwrap();
            let c = std::ffi::CString::new(idx.to_string_lossy().as_bytes()).unwrap();
            // SAFETY: `c` is a valid NUL-terminated path for the call's duration.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        },
        true,
    );
    damaged(
        "directory",
        |idx, _| {
            std::fs::remove_file(idx).unwrap();
            std::fs::create_dir(idx).unwrap();
        },
        true,
    );
}

#[test]
fn writers_sharing_a_directory_keep_one_consistent_index() {
    // Two writers (as two processes: each its own descriptors and lock)
    // interleave batches; each records its own consecutive batches, in
    // whatever order the records land.
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let writers: Vec<EventWriter> = (0..2)
        .map(|_| indexed_writer(&logs, 32 << 10, 100, 5))
        .collect();
    std::thread::scope(|s| {
        for (w, writer) in writers.iter().enumerate() {
            s.spawn(move || {
                for i in 0..1500 {
                    let run = run_id((i % (RUNS / 2)) * 2 + w);
                    let mut id = Vec::new();
                    tooltrail_json::write_string(&run, &mut id);
                    let line = format!(
                        r#"{{"run_id":{},"seq":{i},"w":{w}}}"#,
                        String::from_utf8(id).unwrap()
                    );
                    writer
                        .event("tool_result", &parse_json(line.as_bytes()).unwrap())
                        .unwrap();
                }
            });
        }
    });
    for w in &writers {
        assert!(w.close(Duration::from_secs(10)));
    }
    assert!(indexes(&logs).len() > 2);
    assert_same(&logs, false);
}

#[test]
fn runs_tail_and_the_report_page_of_one_run_answer_as_the_scan() {
    use crate::report::{ReportOptions, render};
    use crate::{RunFilter, RunSummary, TailOptions};
    let tmp = tempfile::tempdir().unwrap();
    let logs = logs(tmp.path(), 16 << 10);
    let page = |run: &str| {
        let mut options = ReportOptions::default();
        options.filter.run_id = Some(run.to_owned());
        render(&logs, &options).unwrap()
    };
    let mut pages = Vec::new();
    for i in [0, 5, RUNS - 1] {
        let run = run_id(i);
        let runs = Query::Runs(RunFilter {
            run_id: Some(run.clone()),
            ..RunFilter::default()
        });
        let listed = |a: Answer| match a {
            Answer::Runs(list) => list.iter().collect::<Vec<RunSummary>>(),
            _ => unreachable!(),
        };
        let got = listed(execute_with_gaps(&logs, &runs).unwrap().0);
        assert_eq!(got, listed(by_lines(&logs, &runs).unwrap().0));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].run_id, run);
        assert_eq!(got[0].tool_calls, 0, "tool_result events only");
        let tail = Query::Tail(TailOptions {
            lines: 3,
            run_id: Some(run.clone()),
        });
        let tailed = |a: Answer| match a {
            Answer::Tail(events) => events,
            _ => unreachable!(),
        };
        let (got, gaps) = execute_with_gaps(&logs, &tail).unwrap();
        let events = tailed(got);
        assert_eq!(events, tailed(by_lines(&logs, &tail).unwrap().0));
        assert!(gaps.reading_notes.is_empty(), "{:?}", gaps.reading_notes);
        assert_eq!(events.len(), 3);
        assert!(
            events
                .iter()
                .all(|e| crate::str_field(e, "run_id") == Some(run.as_str()))
        );
        pages.push(page(&run));
    }
    let unknown = Query::Runs(RunFilter {
        run_id: Some("no-such-run".into()),
        ..RunFilter::default()
    });
    let (answer, _) = execute_with_gaps(&logs, &unknown).unwrap();
    assert!(matches!(answer, Answer::Runs(l) if l.is_empty()));
    // The page of one run is the same read through the index or not, and
    // holds that run only.
    for p in indexes(&logs) {
        std::fs::remove_file(p).unwrap();
    }
    for (n, i) in [0, 5, RUNS - 1].into_iter().enumerate() {
        assert_eq!(pages[n], page(&run_id(i)), "run {i}");
        let other = format!("run-{}\\", (i + 1) % RUNS);
        assert!(
            !pages[n].contains(&other),
            "run {i}'s page shows another run"
        );
        assert!(pages[n].contains(&format!("run-{i}\\")));
        assert!(pages[n].contains("5 events dropped by writers"));
    }
}
