//! The chunked, threaded reading gives what the line-by-line reader gives,
//! for every plan: chunks cut mid-line, lines longer than a chunk or a read
//! buffer, files without a last `\n`, runs spanning files, bad lines.

use std::fmt::Write as _;
use std::path::Path;

use crate::execute::{by_lines, execute_planned, finish};
use crate::parallel::Plan;
use crate::{Answer, Gaps, LoopsOptions, Query, RunFilter, ShowOptions, StatsOptions, TailOptions};
use tooltrail_core::Error;

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TOOLS: [&str; 4] = ["search", "fetch", "send_email", "charge"];

/// Lines of `runs` runs, `concurrent` at a time, some of them odd.
pub(crate) fn lines(rng: &mut Rng, first: u64, runs: u64, concurrent: u64) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Vec<(u64, u64)> = Vec::new(); // (run, calls made)
    let mut r = first;
    while r < first + runs || !open.is_empty() {
        while open.len() < concurrent as usize && r < first + runs {
            open.push((r, 0));
            let ts = format!(
                "2026-11-24T19:57:{:02}.{:06}Z",
                r % 60,
                rng.below(1_000_000)
            );
            let agent = ["a1", "a2"][(r % 2) as usize];
            let ids = match r % 4 {
                0 => String::new(),
                _ => format!(
                    r#","request_id":"req-{r}","user_id":"user-{}","agent_id":"{agent}""#,
                    r % 7
                ),
            };
            out.push(format!(r#"{{"v":1,"ts":"{ts}","event":"run_start","run_id":"run-{r}"{ids},"budgets":{{"max_tool_calls":50}}}}"#));
            r += 1;
        }
        let i = rng.below(open.len() as u64) as usize;
        let (run, calls) = &mut open[i];
        let run = *run;
        *calls += 1;
        // Equal instants in two spellings, and no time: the earliest start
        // is the first of equals.
        let ts = match rng.below(20) {
            0 => "2026-11-24T20:57:01+01:00".to_owned(),
            1 => "not a time".to_owned(),
            2 => "2026-11-24T19:57:01.000000Z".to_owned(),
            3 => "earlier, unreadable".to_owned(),
            _ => format!(
                "2026-11-24T19:58:{:02}.{:06}Z",
                rng.below(60),
                rng.below(1_000_000)
            ),
        };
        let tool = TOOLS[rng.below(4) as usize];
        let hash = match rng.below(10) {
            0 => "short-hash".to_owned(),
            _ => format!("{:064x}", rng.below(6)),
        };
        let block = if rng.below(12) == 0 {
            r#","decision":"block","error_class":"loop_detected""#
        } else {
            ""
        };
        let agent = ["a1", "a2"][(run % 2) as usize];
        // Ids a run's first event may lack and a later one give (or change).
        let late = match rng.below(6) {
            0 => format!(
                r#","user_id":"late-{}","request_id":"rq-{}""#,
                rng.below(9),
                rng.below(9)
            ),
            1 => format!(r#","agent_id":"late-{}""#, rng.below(3)),
            _ => String::new(),
        };
        let late_agent = if late.contains("agent_id") {
            String::new()
        } else {
            format!(r#","agent_id":"{agent}""#)
        };
        out.push(format!(r#"{{"ts":"{ts}","event":"tool_call","run_id":"run-{run}"{late_agent}{late},"tool":"{tool}","args_hash":"{hash}"{block}}}"#));
        let (lat, class) = (rng.below(5000) as f64 / 7.0, rng.below(6));
        let class = if class == 0 {
            r#","error_class":"timeout""#
        } else {
            ""
        };
        out.push(format!(r#"{{"ts":"{ts}","event":"tool_result","run_id":"run-{run}","agent_id":"{agent}","tool":"{tool}","latency_ms":{lat}{class}}}"#));
        if *calls > rng.below(5) {
            let stop = ["completed", "error", "max_steps"][rng.below(3) as usize];
            out.push(format!(r#"{{"ts":"2026-11-24T19:59:00.000000Z","event":"run_end","run_id":"run-{run}","stop_reason":"{stop}","duration_ms":{},"spend_usd":0.5}}"#, rng.below(100)));
            if rng.below(8) == 0 {
                open[i].1 = 0; // ended, then called again: a second segment
            } else {
                open.swap_remove(i);
            }
        }
        match rng.below(40) {
            0 => out.push("garbage {".to_owned()),
            1 => out.push(String::new()),
            2 => out.push(r#"{"ts":"2026-11-24T19:57:00Z","event":"writer_dropped","reason":"queue_full","count":3}"#.to_owned()),
            3 => out.push(format!(r#"{{"event":"tool_call","run_id":"run-{run}","tool":"t\u00e9","args_hash":"x","note":"tab\tdone"}}"#)),
            4 => out.push(format!("{{\"event\":\"tool_result\",\"run_id\":\"run-{run}\",\"tool\":\"fetch\",\"latency_ms\":1}}\r")),
            5 => out.push(r#"{"event":"tool_call","run_id":"x","tool":"a","tool":"b"}"#.to_owned()),
            _ => {}
        }
    }
    out
}

/// A log directory: three rotated files and a stray one, runs crossing
/// files, the last file without its final `\n`.
fn write_logs(dir: &Path, seed: u64, runs: u64) {
    let mut rng = Rng(seed);
    let all = lines(&mut rng, 0, runs, 5);
    let n = all.len();
    write_files(
        dir,
        &all,
        &[
            ("other.jsonl", n / 5),
            ("tooltrail.2.jsonl", n / 2),
            ("tooltrail.1.jsonl", n * 4 / 5),
            ("tooltrail.jsonl", n),
        ],
    );
}

/// `all` written across the files `(name, up to this line)`, in order,
/// every one but `tooltrail.jsonl` (the active file) ending in `\n`.
pub(crate) fn write_files(dir: &Path, all: &[String], files: &[(&str, usize)]) {
    let mut from = 0;
    for &(name, to) in files {
        let mut text = all[from..to].join("\n");
        if name != "tooltrail.jsonl" {
            text.push('\n');
        }
        std::fs::write(dir.join(name), text).unwrap();
        from = to;
    }
}

pub(crate) fn plans() -> Vec<Plan> {
    let mut out = Vec::new();
    for (i, chunk) in [1, 7, 100, 4096, 1 << 30].into_iter().enumerate() {
        for (j, buf) in [16, 333, 1 << 16].into_iter().enumerate() {
            out.push(Plan {
                threads: 1 + (i + j) % 3,
                chunk,
                buf,
            });
        }
    }
    out
}

/// What a query answered, all of it, comparable.
pub(crate) fn outcome(path: &Path, query: &Query, plan: Option<Plan>) -> String {
    let got = match (plan, query) {
        (Some(plan), _) => execute_planned(path, query, Some(plan)),
        (None, Query::Show(o)) => {
            show_by_lines(path, &o.run_id).and_then(|(a, g)| finish(path, a, g))
        }
        (None, _) => by_lines(path, query).and_then(|(a, g)| finish(path, a, g)),
    };
    let mut out = String::new();
    match got {
        Err(e) => write!(out, "error: {e}").unwrap(),
        Ok((answer, gaps)) => {
            write!(out, "{gaps:?}\n{:?}\n", answer.to_value()).unwrap();
            match answer {
                Answer::Runs(list) => {
                    for r in list.iter() {
                        writeln!(out, "{r:?}").unwrap();
                    }
                }
                Answer::Stats(report) => write!(out, "{report:?}").unwrap(),
                other => write!(out, "{other:?}").unwrap(),
            }
        }
    }
    out
}

/// `show RUN` as the line reader answers it over the lines `show` reads:
/// those holding the id's bytes, `writer_dropped` or a backslash, and those
/// too long to read (every reader counts them).
pub(crate) fn show_by_lines(path: &Path, run_id: &str) -> Result<(Answer, Gaps), Error> {
    let holds = |l: &[u8], what: &[u8]| memchr::memmem::find(l, what).is_some();
    let read = |text: &[u8]| -> Vec<u8> {
        let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        let ended = lines.last().is_some_and(|l| l.is_empty());
        if ended {
            lines.pop();
        }
        let mut kept: Vec<&[u8]> = lines
            .into_iter()
            .filter(|l| {
                holds(l, run_id.as_bytes())
                    || holds(l, b"writer_dropped")
                    || l.contains(&b'\\')
                    || l.len() > crate::MAX_LINE_BYTES
            })
            .collect();
        if ended && !kept.is_empty() {
            kept.push(b"");
        }
        kept.join(&b'\n')
    };
    let query = Query::Show(ShowOptions {
        run_id: run_id.to_owned(),
    });
    let copy = tempfile::tempdir().unwrap();
    let file = |from: &Path, to: &Path| std::fs::write(to, read(&std::fs::read(from)?));
    let copied = if path.is_dir() {
        // Regular files only: an index may be a FIFO (a test's damage).
        let regular =
            |e: &std::fs::DirEntry| std::fs::metadata(e.path()).is_ok_and(|m| m.is_file());
        let entries = std::fs::read_dir(path).unwrap().map(Result::unwrap);
        let names = entries.filter(regular).map(|e| e.file_name());
        names
            .into_iter()
            .try_for_each(|name| file(&path.join(&name), &copy.path().join(&name)))
            .map(|()| copy.path().to_owned())
    } else {
        let to = copy.path().join(path.file_name().unwrap());
        file(path, &to).map(|()| to)
    };
    // Logs that cannot be read are the error, whichever lines are read.
    let Ok(at) = copied else {
        return by_lines(path, &query);
    };
    by_lines(&at, &query).map_err(|e| match e {
        Error::UnknownRun {
            run_id, incomplete, ..
        } => Error::UnknownRun {
            run_id,
            path: path.display().to_string(),
            incomplete,
        },
        other => other,
    })
}

fn queries(run_ids: &[&str]) -> Vec<Query> {
    let mut out = vec![
        Query::Runs(RunFilter::default()),
        Query::Runs(RunFilter {
            tool: Some("fetch".into()),
            agent_id: Some("a1".into()),
            ..RunFilter::default()
        }),
        Query::Stats(StatsOptions::default()),
        Query::Stats(StatsOptions {
            top: 3,
            agent_id: Some("a2".into()),
            ..StatsOptions::default()
        }),
        Query::Runs(RunFilter {
            sort: crate::RunSort::Spend,
            ..RunFilter::default()
        }),
        Query::Loops(LoopsOptions::default()),
        Query::Loops(LoopsOptions {
            min: 1,
            agent_id: Some("a1".into()),
        }),
    ];
    for lines in [0, 1, 7, 1000, u64::MAX] {
        out.push(Query::Tail(TailOptions {
            lines,
            run_id: None,
        }));
    }
    for id in run_ids {
        out.push(Query::Show(ShowOptions {
            run_id: (*id).to_owned(),
        }));
    }
    out
}

fn same_for_every_plan(path: &Path, queries: &[Query], plans: &[Plan]) {
    for q in queries {
        let want = outcome(path, q, None);
        for plan in plans {
            let got = outcome(path, q, Some(*plan));
            assert!(got == want, "{q:?} with {plan:?}:\n{got}\nwant:\n{want}");
        }
    }
}

#[test]
fn every_plan_answers_as_the_line_reader() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path(), 0x5eed, 60);
    let queries = queries(&["run-3", "run-59", "x", "nobody", ""]);
    same_for_every_plan(dir.path(), &queries, &plans());
    // One file alone, too.
    same_for_every_plan(&dir.path().join("tooltrail.1.jsonl"), &queries, &plans());
}

#[test]
fn the_bounded_pair_counter_is_fed_in_log_order() {
    // More distinct pairs than `stats` counts exactly, so its pruning (which
    // depends on the order) runs, with one heavy pair across the chunks.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..25_000u32 {
        let hash = if i % 7 == 0 { 7 } else { i };
        writeln!(
            text,
            r#"{{"event":"tool_call","run_id":"r{}","tool":"t{}","args_hash":"{hash:064x}"}}"#,
            i % 50,
            i % 3
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let plans = [
        Plan {
            threads: 2,
            chunk: 50_000,
            buf: 4096,
        },
        Plan {
            threads: 3,
            chunk: 333_333,
            buf: 1 << 16,
        },
    ];
    let q = [Query::Stats(StatsOptions::default())];
    same_for_every_plan(dir.path(), &q, &plans);
    assert!(outcome(dir.path(), &q[0], None).contains("approximate: true"));
}

#[test]
fn show_finds_escaped_ids_and_only_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        r#"{"event":"run_start","run_id":"r\u0031","n":1}"#,
        r#"{"event":"tool_call","run_id":"r2","request_id":"r1","tool":"r1","n":2}"#,
        r#"{"event":"tool_call","run_id":"r1x","n":3}"#,
        r#"{"event":"tool_call","run_id":"r1","n":4,}"#,
        r#"{"event":"tool_call","nested":{"run_id":"r1"},"n":5}"#,
        r#"{"event":"tool_call","run_id":"r1","n":6}"#,
        // Not read: a line that mentions neither the run nor a drop.
        r#"{"event":"tool_call","run_id":"r7","n":7,}"#,
    ]
    .join("\n");
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let show = Query::Show(ShowOptions {
        run_id: "r1".into(),
    });
    let plan = Plan {
        threads: 2,
        chunk: 10,
        buf: 16,
    };
    let Ok((Answer::Show { events, .. }, gaps)) = execute_planned(dir.path(), &show, Some(plan))
    else {
        panic!("no answer");
    };
    let n: Vec<f64> = events
        .iter()
        .filter_map(|e| crate::num_field(e, "n"))
        .collect();
    assert_eq!(n, [1.0, 6.0]);
    // The bad line holding "r1" is counted; the one about r7 is not read.
    assert_eq!(gaps.skipped_lines, 1);
    same_for_every_plan(dir.path(), &[show], &plans());
}

#[test]
fn a_line_longer_than_the_limit_is_skipped_in_every_chunk_it_spans() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(7);
    let mut text = lines(&mut rng, 0, 5, 2).join("\n");
    text.push('\n');
    let long = crate::MAX_LINE_BYTES + 10;
    text.push_str(&format!(r#"{{"event":"x","pad":"{}"}}"#, "a".repeat(long)));
    text.push('\n');
    text.push_str(&lines(&mut rng, 5, 5, 2).join("\n"));
    // And a last line exactly at the limit without its `\n`: kept (and bad).
    text.push('\n');
    text.push_str(&"b".repeat(crate::MAX_LINE_BYTES));
    std::fs::write(dir.path().join("tooltrail.jsonl"), text).unwrap();
    let plans = [
        Plan {
            threads: 1,
            chunk: 1 << 30,
            buf: 1 << 16,
        },
        Plan {
            threads: 2,
            chunk: 3 << 20,
            buf: 1 << 16,
        },
        Plan {
            threads: 3,
            chunk: 999,
            buf: 4096,
        },
    ];
    let qs = queries(&["run-2", "run-7"]);
    same_for_every_plan(dir.path(), &qs, &plans);
    let got = outcome(dir.path(), &qs[0], Some(plans[2]));
    assert!(got.contains("too_long_lines: 1,"), "{got}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_the_error_in_every_plan() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path(), 3, 20);
    // A regular file whose read fails (EIO): the error names it.
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("tooltrail.5.jsonl")).unwrap();
    let qs = queries(&["run-1"]);
    same_for_every_plan(dir.path(), &qs, &plans());
    let got = outcome(dir.path(), &qs[0], Some(plans()[10]));
    assert!(
        got.starts_with("error: ") && got.contains("tooltrail.5.jsonl"),
        "{got}"
    );
}

#[test]
fn loops_keep_a_runs_segments_in_log_order() {
    // One run ended three times, the same pair twice in each segment: equal
    // findings but for `blocked`, which only log order tells apart.
    let dir = tempfile::tempdir().unwrap();
    let call = |blocked: bool| {
        let class = if blocked {
            r#","error_class":"loop_detected""#
        } else {
            ""
        };
        format!(r#"{{"event":"tool_call","run_id":"r","tool":"t","args_hash":"h"{class}}}"#)
    };
    let end = r#"{"event":"run_end","run_id":"r"}"#.to_owned();
    let mut text = Vec::new();
    for segment in 0..4 {
        text.extend([call(segment == 1), call(segment == 3), call(false)]);
        if segment < 3 {
            text.push(end.clone());
        }
    }
    std::fs::write(dir.path().join("tooltrail.jsonl"), text.join("\n")).unwrap();
    let q = [Query::Loops(LoopsOptions::default())];
    same_for_every_plan(dir.path(), &q, &plans());
    let blocked: Vec<u64> = match execute_planned(dir.path(), &q[0], Some(plans()[0])) {
        Ok((Answer::Loops(found), _)) => found.iter().map(|f| f.blocked).collect(),
        _ => panic!("no answer"),
    };
    assert_eq!(blocked, [0, 1, 0, 1]);
}

#[test]
fn agent_metrics_add_up_to_what_the_line_reader_counts() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path(), 0xa6e7, 60);
    // An hour back from here reaches into the logs' minutes, not all of them.
    let now = crate::parse_timestamp("2026-11-24T20:58:30Z").unwrap();
    let logs = crate::parallel::Logs::open(dir.path()).unwrap();
    for (agent, period) in [
        (None, "all"),
        (None, "hour"),
        (Some("a1"), "hour"),
        (Some("late-1"), "day"),
    ] {
        let reader = crate::EventReader::open(dir.path()).unwrap();
        let want = crate::agent_metrics(reader, agent, period, now);
        let count = |k: &str| crate::num_field(&want, k).unwrap();
        assert!(count("tool_calls") > 0.0, "{want:?}");
        for plan in plans() {
            let (got, _) = super::agent_metrics(&logs, &plan, agent, period, now).unwrap();
            assert_eq!(got, want, "{agent:?} {period} with {plan:?}");
        }
    }
}

/// Calls and results of a few runs whose `seq`s repeat, so that which call a
/// result belongs to depends on the order: results with `ok` true, false,
/// missing or null, refused calls, results with no call, spends.
fn agent_log_lines(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        let run = format!("r{}", rng.below(3));
        let agent = ["a1", "a2"][rng.below(2) as usize];
        let seq = match rng.below(8) {
            0 => String::new(),
            1 => r#","seq":-0.0"#.to_owned(),
            s => format!(r#","seq":{}"#, s % 3),
        };
        let head = format!(r#""ts":"t{i}","run_id":"{run}","agent_id":"{agent}"{seq}"#);
        out.push(match rng.below(10) {
            0..=3 => format!(r#"{{"event":"tool_call",{head},"tool":"t{i}","args_hash":"h{i}"}}"#),
            4 => format!(
                r#"{{"event":"tool_call",{head},"tool":"x","decision":"block","error_class":"loop_detected"}}"#
            ),
            5..=7 => {
                let ok = ["", r#","ok":true"#, r#","ok":false"#, r#","ok":null"#][rng.below(4) as usize];
                let class = [r#","error_class":"timeout""#, ""][rng.below(2) as usize];
                format!(r#"{{"event":"tool_result",{head},"latency_ms":{i}{ok}{class}}}"#)
            }
            8 => format!(r#"{{"event":"run_end",{head},"spend_usd":{}}}"#, rng.below(9)),
            _ => "not json".to_owned(),
        });
    }
    out
}

#[test]
fn agent_logs_place_each_result_as_the_line_reader_does() {
    let dir = tempfile::tempdir().unwrap();
    let all = agent_log_lines(&mut Rng(0xa9e), 1200);
    let n = all.len();
    write_files(
        dir.path(),
        &all,
        &[("tooltrail.1.jsonl", n / 3), ("tooltrail.jsonl", n)],
    );
    for limit in [0, 1, 3, 50, u64::MAX] {
        for agent_id in [None, Some("a1".to_owned())] {
            let q = Query::AgentLogs(crate::AgentLogsOptions {
                agent_id: agent_id.clone(),
                limit,
            });
            let want = outcome(dir.path(), &q, None);
            if limit >= 50 {
                assert!(
                    want.contains("timeout") && want.contains("Bool(true)"),
                    "{want}"
                );
            }
            for plan in plans() {
                let got = outcome(dir.path(), &q, Some(plan));
                assert!(got == want, "{q:?} with {plan:?}:\n{got}\nwant:\n{want}");
            }
        }
    }
}
