//! The report read in chunks on every core draws the page that reading
//! every line in order draws, for every plan: the order-dependent parts
//! (alerts, added spend, spend by minute) included; so do the `alerts`,
//! `spend`, `stats --by model|agent` and `gaps` answers, fed from the same
//! kept fields.

use std::path::Path;

use tooltrail_core::config::Config;

use super::super::{ReportOptions, Source, gather, html};
use crate::chunked::tests::{Rng, lines, outcome, plans, write_files};
use crate::parallel::Logs;
use crate::{AlertsOptions, Query, RunFilter, SpendBy, SpendOptions, StatsBy, StatsOptions};

/// `runs` runs of the chunked tests' lines, with model calls (priced,
/// unpriced, by agent), logged alerts, failed results and runs that added
/// spend, over rotated files, the last without its final `\n`.
fn write_logs(dir: &Path, seed: u64, runs: u64) {
    let mut rng = Rng(seed);
    let mut all = Vec::new();
    for line in lines(&mut rng, 0, runs, 6) {
        let run = line
            .split("\"run_id\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned);
        all.push(line);
        let Some(run) = run else { continue };
        let minute = rng.below(5);
        let ts = format!("2026-11-24T19:5{minute}:{:02}.000000Z", rng.below(60));
        match rng.below(9) {
            0 => all.push(format!(
                r#"{{"ts":"{ts}","event":"model_call","run_id":"{run}","trace_id":"t-{run}","agent_id":"a{}","model":"m{}","input_tokens":{},"output_tokens":{},"cost_usd":{},"latency_ms":{}}}"#,
                rng.below(2),
                rng.below(3),
                rng.below(900),
                rng.below(90),
                rng.below(1000) as f64 / 997.0,
                rng.below(4000) as f64 / 3.0
            )),
            1 => all.push(format!(
                r#"{{"ts":"{ts}","event":"model_call","run_id":"{run}","model":"unpriced","input_tokens":5,"latency_ms":12,"ok":false,"error_class":"timeout"}}"#
            )),
            2 => all.push(format!(
                r#"{{"ts":"{ts}","event":"tool_result","run_id":"{run}","trace_id":"t-{run}","tool":"fetch","latency_ms":3,"ok":false,"error_class":"{}"}}"#,
                ["timeout", "validation_failed", "tool_error"][rng.below(3) as usize]
            )),
            3 => all.push(format!(r#"{{"ts":"{ts}","event":"alert","rule":"x"}}"#)),
            4 => all.push(format!(
                r#"{{"ts":"{ts}","event":"run_end","run_id":"{run}","trace_id":"t-{run}","agent_id":"a1","stop_reason":"max_spend","tool_calls":{},"spend_usd":{}}}"#,
                rng.below(30),
                rng.below(3000) as f64 / 1000.0
            )),
            _ => {}
        }
    }
    // A burst of failures, then quiet: the logged alert ten minutes later
    // is what clears the rules (at its time, not at the next result's).
    for i in 0..6 {
        all.push(format!(
            r#"{{"ts":"2026-11-24T21:00:0{i}.000000Z","event":"tool_result","run_id":"late","tool":"fetch","latency_ms":1,"ok":false,"error_class":"timeout"}}"#
        ));
    }
    all.push(
        r#"{"ts":"2026-11-24T21:10:00.000000Z","event":"alert","rule":"timeout_rate"}"#.to_owned(),
    );
    all.push(r#"{"ts":"2026-11-24T21:20:00.000000Z","event":"tool_result","run_id":"late","tool":"fetch","latency_ms":1,"ok":true}"#.to_owned());
    let n = all.len();
    write_files(
        dir,
        &all,
        &[
            ("tooltrail.2.jsonl", n / 3),
            ("tooltrail.1.jsonl", n * 2 / 3),
            ("tooltrail.jsonl", n),
        ],
    );
}

fn page(path: &Path, source: &Source, options: &ReportOptions) -> String {
    html::page(&gather(path, source, options).unwrap())
}

/// Alert rules low enough that the logs trip every one of them.
fn alerting() -> Config {
    Config::from_yaml(
        "logging:\n  alerts:\n    window_s: 60\n    min_calls: 3\n    min_runs: 2\n    error_rate: { warn: 0.05, critical: 0.2 }\n    spend_usd_per_min: { warn: 0.5, critical: 2 }\n    tool_calls_per_run_p95: { warn: 2, critical: 4 }\n    timeout_rate: { warn: 0.01, critical: 0.05 }\n",
    )
    .unwrap()
}

#[test]
fn every_plan_draws_the_page_the_line_reader_draws() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path(), 0x5eed_2026, 140);
    let alerting = alerting();
    let options = [
        ReportOptions::default(),
        ReportOptions {
            config: alerting.clone(),
            max_runs: 7,
            max_calls_per_run: 2,
            ..ReportOptions::default()
        },
        ReportOptions {
            config: alerting,
            filter: RunFilter {
                agent_id: Some("a1".into()),
                since: crate::parse_timestamp("2026-11-24T19:52:00Z"),
                ..RunFilter::default()
            },
            ..ReportOptions::default()
        },
    ];
    for options in &options {
        let want = page(
            dir.path(),
            &Source::Lines(dir.path().to_path_buf()),
            options,
        );
        assert!(want.contains("model"), "the logs have spend to draw");
        // Every other plan: each one reads the logs a few hundred times.
        for plan in plans().into_iter().step_by(2) {
            let logs = Logs::open(dir.path()).unwrap();
            let got = page(dir.path(), &Source::Logs(logs, Some(plan)), options);
            assert!(got == want, "{plan:?} drew another page");
        }
    }
}

#[test]
fn alerts_spend_stats_by_and_gaps_answer_as_the_line_reader_for_every_plan() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path(), 0x0dd_5eed, 120);
    let mut queries = vec![
        Query::Gaps,
        Query::Alerts(AlertsOptions::default()),
        Query::Alerts(AlertsOptions { config: alerting() }),
    ];
    for by in [
        SpendBy::Minute,
        SpendBy::Run,
        SpendBy::Model,
        SpendBy::Agent,
    ] {
        queries.push(Query::Spend(SpendOptions {
            by,
            since: None,
            until: None,
            agent_id: None,
            top: 4,
        }));
    }
    for (by, agent_id) in [
        (StatsBy::Model, None),
        (StatsBy::Agent, None),
        (StatsBy::Model, Some("a1".into())),
    ] {
        queries.push(Query::Stats(StatsOptions {
            by,
            agent_id,
            ..StatsOptions::default()
        }));
    }
    queries.push(Query::Spend(SpendOptions {
        by: SpendBy::Hour,
        since: crate::parse_timestamp("2026-11-24T19:52:00Z"),
        until: None,
        agent_id: Some("a1".into()),
        top: 10,
    }));
    for q in &queries {
        let want = outcome(dir.path(), q, None);
        assert!(!want.starts_with("error"), "{want}");
        for plan in plans().into_iter().step_by(2) {
            let got = outcome(dir.path(), q, Some(plan));
            assert!(got == want, "{q:?} with {plan:?}:\n{got}\nwant:\n{want}");
        }
    }
    let alerts = outcome(dir.path(), &queries[2], None);
    assert!(
        alerts.contains("spend_usd_per_min") && alerts.contains("error_rate"),
        "{alerts}"
    );
    // The models' table has latencies, failures and tokens to get right.
    let models = outcome(dir.path(), &queries[7], None);
    assert!(
        models.contains("m2") && models.contains("timeout") && !models.contains("latency_ms: [0.0"),
        "{models}"
    );
}
