//! `spend` on hand-written events: where spend comes from, how it is
//! grouped, and which buckets make a spike.

use super::*;
use tooltrail_json::parse_json;

const MIN: i64 = 60_000_000;
const T0: i64 = 1_796_000_000_000_000 / MIN * MIN;

fn ts(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us).unwrap().to_string()
}

fn model_call(us: i64, run: &str, agent: &str, model: &str, cost: Option<f64>) -> Value {
    let cost = cost.map_or("null".to_owned(), |c| c.to_string());
    parse_json(
        format!(
            r#"{{"ts":"{}","event":"model_call","run_id":"{run}","agent_id":"{agent}","model":"{model}","input_tokens":100,"output_tokens":10,"cost_usd":{cost}}}"#,
            ts(us)
        )
        .as_bytes(),
    )
    .unwrap()
}

fn run_end(us: i64, run: &str, agent: &str, spend: f64) -> Value {
    parse_json(
        format!(
            r#"{{"ts":"{}","event":"run_end","run_id":"{run}","agent_id":"{agent}","spend_usd":{spend}}}"#,
            ts(us)
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn added_spend_is_the_run_end_spend_less_its_model_calls() {
    let events = vec![
        model_call(T0, "r1", "a", "gpt-4o-mini", Some(0.1)),
        model_call(T0 + 1, "r1", "a", "gpt-4o-mini", Some(0.2)),
        model_call(T0 + 2, "r1", "a", "mystery", None),
        run_end(T0 + 3, "r1", "a", 0.35),
    ];
    let report = spend(events.into_iter(), SpendBy::Model, 20);
    let rows: Vec<(Option<&str>, f64, u64)> = report
        .rows
        .iter()
        .map(|r| (r.key.as_deref(), r.spend_usd, r.model_calls))
        .collect();
    assert_eq!(
        rows,
        [
            (Some("gpt-4o-mini"), 0.3, 2),
            (None, 0.05, 0),
            (Some("mystery"), 0.0, 1),
        ]
    );
    let t = &report.total;
    assert_eq!((t.spend_usd, t.model_usd, t.added_usd), (0.35, 0.3, 0.05));
    assert_eq!((t.model_calls, t.unpriced_model_calls), (3, 1));
    assert_eq!((t.input_tokens, t.output_tokens, t.runs), (300, 30, 1));
}

#[test]
fn a_run_end_without_model_calls_is_all_added_spend() {
    let report = spend(
        [run_end(T0, "r1", "a", 0.25), run_end(T0, "r2", "a", 0.0)].into_iter(),
        SpendBy::Run,
        20,
    );
    assert_eq!(report.rows.len(), 1, "a run that cost nothing has no row");
    assert_eq!(report.rows[0].key.as_deref(), Some("r1"));
    assert_eq!(report.rows[0].top_models, [(None, 0.25)]);
}

#[test]
fn consecutive_expensive_minutes_are_one_spike_with_its_runs_and_model() {
    let mut events = Vec::new();
    for m in 0..30 {
        events.push(model_call(
            T0 + m * MIN,
            &format!("calm-{m}"),
            "support",
            "gpt-4o-mini",
            Some(0.01),
        ));
        if (10..13).contains(&m) {
            events.push(model_call(
                T0 + m * MIN + 5,
                "big",
                "research",
                "claude-opus",
                Some(2.0),
            ));
        }
        if m == 20 {
            events.push(model_call(
                T0 + m * MIN + 5,
                "other",
                "research",
                "gpt-4o",
                Some(0.5),
            ));
        }
    }
    let report = spend(events.into_iter(), SpendBy::Minute, 20);
    assert_eq!(report.rows.len(), 30);
    let spiking: Vec<usize> = (0..30).filter(|&i| report.rows[i].spike).collect();
    assert_eq!(spiking, [10, 11, 12, 20]);
    assert_eq!(report.spikes.len(), 2, "minute 20 stands apart");
    let s = &report.spikes[0];
    assert_eq!(
        (s.since.as_str(), s.until.as_str()),
        (ts(T0 + 10 * MIN).as_str(), ts(T0 + 13 * MIN).as_str())
    );
    assert_eq!(s.total.spend_usd, 6.03);
    assert_eq!(s.total.top_runs[0], ("big".to_owned(), 6.0));
    assert_eq!(s.total.top_models[0], (Some("claude-opus".to_owned()), 6.0));
    assert_eq!(s.median_usd, 0.01);
    assert_eq!(
        report.spikes[1].total.top_models[0].0.as_deref(),
        Some("gpt-4o")
    );
}

#[test]
fn even_spend_has_no_spike() {
    let events = (0..10).map(|m| model_call(T0 + m * MIN, "r", "a", "m", Some(0.01)));
    let report = spend(events, SpendBy::Minute, 20);
    assert!(report.spikes.is_empty());
    assert!(report.rows.iter().all(|r| !r.spike));
}

#[test]
fn filters_keep_the_window_and_the_agent_but_read_every_run_whole() {
    let events = [
        model_call(T0, "r1", "a", "m", Some(1.0)),
        model_call(T0 + 2 * MIN, "r2", "b", "m", Some(2.0)),
        // r1 ends inside the window: its added spend is 0.5, not 1.5.
        run_end(T0 + 3 * MIN, "r1", "a", 1.5),
        model_call(T0 + 9 * MIN, "r1", "a", "m", Some(4.0)),
    ];
    let mut acc = SpendAcc::new(
        SpendBy::Hour,
        Some(T0 + MIN),
        Some(T0 + 5 * MIN),
        Some("a".into()),
    );
    events.iter().for_each(|e| acc.absorb(e));
    let report = acc.finish(20);
    assert_eq!(report.total.spend_usd, 0.5);
    assert_eq!(report.total.added_usd, 0.5);
    assert_eq!(report.total.model_calls, 0);
}

#[test]
fn named_groupings_keep_the_costliest_rows_and_total_them_all() {
    let events = (0..50).map(|i| {
        model_call(
            T0 + i,
            &format!("r{i:02}"),
            "a",
            "m",
            Some(i as f64 / 100.0),
        )
    });
    let report = spend(events, SpendBy::Run, 3);
    let keys: Vec<&str> = report
        .rows
        .iter()
        .filter_map(|r| r.key.as_deref())
        .collect();
    assert_eq!(keys, ["r49", "r48", "r47"]);
    assert_eq!(report.total.spend_usd, 12.25);
    assert_eq!(
        report.total.runs, 50,
        "r00 cost nothing but made a model call"
    );
}
