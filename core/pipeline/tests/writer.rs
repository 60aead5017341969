//! Behaviour of the event writer: concurrency, stalls, faults, rotation,
//! close semantics. Process-level exits are tested from Python and Node.

use std::collections::HashMap;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tooltrail_core::writer::{
    DirSink, DirSinkConfig, MemorySink, Overflow, Sink, SinkSpec, WriterConfig,
};
use tooltrail_core::{EventWriter, WriterError};
use tooltrail_json::{Value, parse_json};

mod common;
use common::GatedSink;

const LONG: Duration = Duration::from_secs(30);

fn fields(pairs: &[(&str, f64)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (*k, Value::Number(*v))))
}

fn memory_writer(tweak: impl FnOnce(&mut WriterConfig)) -> (EventWriter, MemorySink) {
    let sink = MemorySink::new();
    let mut config = WriterConfig {
        sink: SinkSpec::Memory(sink.clone()),
        ..WriterConfig::default()
    };
    tweak(&mut config);
    (EventWriter::new(config).unwrap(), sink)
}

fn read_dir_lines(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "torn tail in {path:?}"
            );
            out.extend(text.lines().map(str::to_owned));
        }
    }
    out
}

fn number(v: &Value, key: &str) -> u64 {
    match v.get(key) {
        Some(Value::Number(n)) => *n as u64,
        other => panic!("{key} missing: {other:?}"),
    }
}

#[test]
fn eight_threads_fifty_thousand_each_arrive_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(dir.path())),
        overflow: Overflow::Block(LONG),
        ..WriterConfig::default()
    })
    .unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let w = writer.clone();
            s.spawn(move || {
                for i in 0..50_000 {
                    assert!(
                        w.event("e", &fields(&[("t", t as f64), ("i", i as f64)]))
                            .unwrap()
                    );
                }
            });
        }
    });
    assert!(writer.close(LONG));
    let lines = read_dir_lines(dir.path());
    assert_eq!(lines.len(), 400_000);
    let mut next: HashMap<u64, u64> = HashMap::new();
    for line in &lines {
        let v = parse_json(line.as_bytes()).expect("every line is whole JSON");
        let (t, i) = (number(&v, "t"), number(&v, "i"));
        let expected = next.entry(t).or_insert(0);
        assert_eq!(i, *expected, "producer {t} out of order");
        *expected += 1;
    }
    assert_eq!(writer.stats().written, 400_000);
}

#[test]
fn a_stalled_sink_drops_and_counts_instead_of_blocking_producers() {
    let gated = GatedSink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: gated.spec(),
        queue_events: 100,
        // The worker holds one batch while the write is stuck.
        batch_events: 10,
        ..WriterConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let accepted = (0..10_000)
        .filter(|i| writer.event("e", &fields(&[("i", *i as f64)])).unwrap())
        .count() as u64;
    // Producers were never parked on the sink: 10,000 enqueues finish while it is stuck.
    assert!(started.elapsed() < Duration::from_secs(10));
    let stats = writer.stats();
    assert!(stats.dropped_queue_full >= 9_000, "{stats:?}");
    assert_eq!(accepted + stats.dropped_queue_full, 10_000);
    assert!(
        !writer.flush(Duration::from_millis(50)),
        "flush cannot succeed while stalled"
    );

    gated.open();
    assert!(writer.flush(LONG), "space returns once the sink moves");
    assert!(writer.event("after", &Value::Null).unwrap());
    assert!(writer.flush(LONG));
    let lines = gated.inner.lines();
    let report = lines
        .iter()
        .map(|l| parse_json(l.as_bytes()).unwrap())
        .find(|v| v.get("event") == Some(&Value::from("writer_dropped")))
        .expect("a writer_dropped line");
    assert_eq!(number(&report, "count"), stats.dropped_queue_full);
    assert_eq!(report.get("reason"), Some(&Value::from("queue_full")));
    assert_eq!(writer.stats().accepted, accepted + 1);
}

/// A sink whose writes fail while `failing` is set.
#[derive(Clone)]
struct FaultySink {
    inner: MemorySink,
    failing: Arc<AtomicBool>,
}

impl Sink for FaultySink {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        self.inner.write_batch(batch)
    }
    fn describe(&self) -> String {
        "faulty".into()
    }
}

fn faulty_writer() -> (EventWriter, FaultySink) {
    let sink = FaultySink {
        inner: MemorySink::new(),
        failing: Arc::default(),
    };
    let s = sink.clone();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Custom(Arc::new(move || Ok(Box::new(s.clone()) as Box<dyn Sink>))),
        ..WriterConfig::default()
    })
    .unwrap();
    (writer, sink)
}

#[test]
fn write_errors_are_counted_survived_and_reported_when_writing_resumes() {
    let (writer, sink) = faulty_writer();
    sink.failing.store(true, Ordering::SeqCst);
    for i in 0..50 {
        assert!(writer.event("lost", &fields(&[("i", i as f64)])).unwrap());
    }
    assert!(!writer.flush(LONG), "flush reports the loss");
    let stats = writer.stats();
    assert_eq!((stats.dropped_sink_error, stats.written), (50, 0));
    assert!(stats.write_errors >= 1);

    sink.failing.store(false, Ordering::SeqCst);
    for i in 0..5 {
        writer.event("kept", &fields(&[("i", i as f64)])).unwrap();
    }
    assert!(writer.flush(LONG));
    let lines = sink.inner.lines();
    assert_eq!(lines.iter().filter(|l| l.contains("\"kept\"")).count(), 5);
    let report = parse_json(lines.last().unwrap().as_bytes()).unwrap();
    assert_eq!(report.get("reason"), Some(&Value::from("sink_error")));
    assert_eq!(number(&report, "count"), 50);
}

#[test]
fn a_full_disk_is_survived_and_writing_resumes_when_it_clears() {
    let dir = tempfile::tempdir().unwrap();
    let active = dir.path().join("tooltrail.jsonl");
    // A real ENOSPC: the active file is a `/dev/full` device node (the
    // writer refuses symlinks, so a link to /dev/full would not do). mknod
    // needs CAP_MKNOD, as the test-all.sh run as root has.
    let path = std::ffi::CString::new(active.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that outlives the call.
    let made = unsafe { libc::mknod(path.as_ptr(), libc::S_IFCHR | 0o600, libc::makedev(1, 7)) };
    assert_eq!(
        made,
        0,
        "mknod {}: {}",
        active.display(),
        io::Error::last_os_error()
    );
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(dir.path())),
        ..WriterConfig::default()
    })
    .unwrap();
    writer.event("lost", &Value::Null).unwrap();
    assert!(!writer.flush(LONG));
    assert_eq!(writer.stats().dropped_sink_error, 1);

    // The fault clears: the path now names a real file, which the sink
    // notices (inode check) and reopens.
    std::fs::remove_file(&active).unwrap();
    writer.event("kept", &Value::Null).unwrap();
    assert!(writer.flush(LONG));
    let lines = read_dir_lines(dir.path());
    assert!(lines[0].contains("\"event\":\"kept\""), "{lines:?}");
    assert!(lines[1].contains("\"event\":\"writer_dropped\"") && lines[1].contains("\"count\":1"));
}

#[test]
fn rotation_keeps_a_bounded_number_of_private_files_of_whole_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs"); // created by the sink, so its mode is ours
    let config = DirSinkConfig {
        max_file_bytes: 4096,
        max_files: 3,
        ..DirSinkConfig::new(&dir)
    };
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(config),
        batch_events: 10,
        flush_interval: Duration::ZERO,
        ..WriterConfig::default()
    })
    .unwrap();
    for i in 0..2000 {
        writer.event("e", &fields(&[("i", i as f64)])).unwrap();
    }
    assert!(writer.close(LONG));
    let dir = tmp.path().join("logs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["tooltrail.1.jsonl", "tooltrail.2.jsonl", "tooltrail.jsonl"]
    );
    for name in &names {
        let path = dir.join(name);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // The newest lines survive, whole and contiguous, ending at the last event.
    let mut kept: Vec<u64> = read_dir_lines(&dir)
        .iter()
        .map(|l| number(&parse_json(l.as_bytes()).unwrap(), "i"))
        .collect();
    kept.sort();
    assert_eq!(*kept.last().unwrap(), 1999);
    assert!(kept.windows(2).all(|w| w[1] == w[0] + 1));
    assert_eq!(
        DirSink::rotated_path(&dir, 2),
        dir.join("tooltrail.2.jsonl")
    );
}

#[test]
fn several_writers_on_one_directory_never_interleave_lines() {
    let dir = tempfile::tempdir().unwrap();
    let writers: Vec<_> = (0..4)
        .map(|_| {
            EventWriter::new(WriterConfig {
                sink: SinkSpec::Dir(DirSinkConfig {
                    max_file_bytes: 256 << 10,
                    max_files: 1000,
                    ..DirSinkConfig::new(dir.path())
                }),
                overflow: Overflow::Block(LONG),
                ..WriterConfig::default()
            })
            .unwrap()
        })
        .collect();
    std::thread::scope(|s| {
        for (w, writer) in writers.iter().enumerate() {
            s.spawn(move || {
                let pad = "x".repeat(300);
                for i in 0..20_000 {
                    let f = Value::object([
                        ("w", Value::Number(w as f64)),
                        ("i", Value::Number(i as f64)),
                        ("pad", Value::String(pad.clone())),
                    ]);
                    writer.event("e", &f).unwrap();
                }
            });
        }
    });
    for w in &writers {
        assert!(w.close(LONG));
    }
    let lines = read_dir_lines(dir.path());
    assert_eq!(lines.len(), 80_000);
    for line in &lines {
        parse_json(line.as_bytes()).expect("whole line");
    }
}

#[test]
fn an_unwritable_location_fails_at_construction_naming_the_path() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let below_a_file = file.path().join("logs");
    let err = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(&below_a_file)),
        ..WriterConfig::default()
    })
    .err()
    .expect("construction fails");
    assert!(matches!(err, WriterError::Open { .. }));
    assert!(
        err.to_string()
            .contains(&below_a_file.display().to_string()),
        "{err}"
    );
}

#[test]
fn bad_settings_name_the_key() {
    let err = EventWriter::new(WriterConfig {
        flush_interval: Duration::from_secs(2),
        ..WriterConfig::default()
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("`flush_interval`"), "{err}");
}

#[test]
fn close_is_idempotent_and_later_events_are_written_synchronously() {
    // An exit handler that runs after the writer's exit hook still logs: the
    // line is written on the caller's thread, not lost (issue 13 item 2).
    let (writer, sink) = memory_writer(|_| {});
    writer.event("a", &Value::Null).unwrap();
    assert!(writer.close(LONG));
    assert!(writer.close(LONG));
    assert!(writer.event("late", &Value::Null).unwrap());
    let stats = writer.stats();
    assert_eq!((stats.written, stats.dropped_closed), (2, 0));
    let lines = sink.lines();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].contains("\"event\":\"late\""));
}

#[test]
fn a_late_event_that_cannot_be_written_is_counted_as_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(&dir)),
        ..WriterConfig::default()
    })
    .unwrap();
    assert!(writer.close(LONG));
    // The directory becomes a file: no sink can be opened there any more.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, "not a directory").unwrap();
    assert!(!writer.event("late", &Value::Null).unwrap());
    assert_eq!(writer.stats().dropped_closed, 1);
}

#[test]
fn close_returns_within_its_timeout_when_the_sink_is_stuck() {
    let gated = GatedSink::new();
    let writer = EventWriter::new(WriterConfig {
        sink: gated.spec(),
        ..WriterConfig::default()
    })
    .unwrap();
    writer.event("stuck", &Value::Null).unwrap();
    let started = Instant::now();
    assert!(!writer.close(Duration::from_millis(200)));
    assert!(started.elapsed() < Duration::from_secs(5));
    gated.open();
}

#[test]
fn flush_waits_for_everything_accepted_before_it() {
    let (writer, sink) = memory_writer(|c| c.flush_interval = Duration::from_secs(1));
    for i in 0..1000 {
        writer.event("e", &fields(&[("i", i as f64)])).unwrap();
    }
    assert!(writer.flush(LONG));
    assert_eq!(sink.lines().len(), 1000);
}

#[test]
fn a_relative_directory_is_resolved_once_at_construction() {
    let tmp = tempfile::tempdir().unwrap();
    let before = std::env::current_dir().unwrap();
    std::env::set_current_dir(tmp.path()).unwrap();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new("rel-logs")),
        ..WriterConfig::default()
    });
    std::env::set_current_dir(&before).unwrap();
    let writer = writer.unwrap();
    writer.event("e", &Value::Null).unwrap();
    assert!(writer.flush(LONG), "{:?}", writer.stats());
    assert_eq!(read_dir_lines(&tmp.path().join("rel-logs")).len(), 1);
}
