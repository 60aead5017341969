//! The alert state machine on synthetic timestamps: no clock, no sleeping.

use super::*;
use crate::gateway::alert_window::{SLOTS, rate, slot_us};

const S: i64 = 1_000_000;

fn config(rule: AlertRule, window_s: f64) -> Config {
    Config {
        alert_tool_calls_p95: None,
        alert_timeout_rate: Some(rule),
        alert_validation_fail_rate: None,
        alert_window_s: window_s,
        ..Config::default()
    }
}

fn rule(warn: f64, critical: f64, min: u64) -> AlertRule {
    AlertRule::new(warn, critical, min)
}

fn run(id: &str) -> impl FnOnce() -> Tripped + use<> {
    let id = id.to_owned();
    move || Tripped {
        run_id: Some(id),
        trace_id: None,
    }
}

fn call(a: &mut AlertEngine, c: &Config, t: i64, timeout: bool) -> Vec<AlertChange> {
    let sample = Sample::tool_result(timeout.then_some("timeout"));
    a.observe(c, t, sample, run(if timeout { "bad" } else { "good" }))
}

fn levels(changes: &[AlertChange]) -> Vec<&'static str> {
    changes.iter().map(|c| c.level).collect()
}

/// A storm of 2% upstream failures (no timeouts, no validation failures)
/// fired nothing: `error_rate` counts every tool result that is not ok.
#[test]
fn error_rate_counts_every_failed_result() {
    let c = Config {
        alert_error_rate: Some(rule(0.01, 0.05, 20)),
        ..Config::default()
    };
    let mut a = AlertEngine::default();
    let mut fired = Vec::new();
    for i in 0..200i64 {
        let class = (i % 50 == 7).then_some("upstream_5xx");
        let changes = a.observe(&c, i * S / 10, Sample::tool_result(class), run("r"));
        fired.extend(changes.into_iter().map(|c| (c.rule, c.level)));
    }
    assert_eq!(fired, [("error_rate", "warn")]);
    // The same storm with the rule off: nothing, as before.
    let mut a = AlertEngine::default();
    let off = Config::default();
    for i in 0..200i64 {
        let class = (i % 50 == 7).then_some("upstream_5xx");
        assert!(
            a.observe(&off, i * S / 10, Sample::tool_result(class), run("r"))
                .is_empty()
        );
    }
}

/// `spend_usd_per_min` is the window's spend per minute: a burst of
/// expensive model calls fires it once, and it resolves once the burst
/// leaves the window; with the rule off spend is not even an observation.
#[test]
fn spend_per_minute_fires_on_a_burst_and_resolves_after_it() {
    let c = Config {
        alert_window_s: 60.0,
        alert_spend_usd_per_min: Some(rule(1.0, 5.0, 3)),
        ..Config::default()
    };
    let mut a = AlertEngine::default();
    let mut seen = Vec::new();
    let mut spend = |a: &mut AlertEngine, t: i64, usd: f64| {
        let s = Sample::spend(usd).expect("positive");
        for ch in a.observe(&c, t, s, run("burst")) {
            seen.push((t / S, ch.level, ch.value));
        }
    };
    // A quiet baseline: $0.01 every 10 s (0.06/min).
    for t in (0..600).step_by(10) {
        spend(&mut a, t * S, 0.01);
    }
    // Two minutes at $0.50 every 10 s: $3/min, above warn, under critical.
    for t in (600..720).step_by(10) {
        spend(&mut a, t * S, 0.5);
    }
    for t in (720..1200).step_by(10) {
        spend(&mut a, t * S, 0.01);
    }
    let levels: Vec<&str> = seen.iter().map(|s| s.1).collect();
    assert_eq!(levels, ["warn", "resolved"], "{seen:?}");
    assert!(seen[0].0 >= 600 && seen[0].0 < 720, "{seen:?}");
    assert!(seen[1].0 > 720 && seen[1].0 <= 800, "{seen:?}");
    let off = Config::default();
    let mut a = AlertEngine::default();
    assert!(
        a.observe(&off, 0, Sample::spend(100.0).unwrap(), run("x"))
            .is_empty()
    );
    assert_eq!(
        a.window.spend_samples, 0,
        "spend is not kept when nothing reads it"
    );
    assert_eq!(Sample::spend(0.0), None);
    assert_eq!(Sample::spend(f64::NAN), None);
    assert_eq!(Sample::spend(-1.0), None);
}

/// Issue 15 item 7: the first timeout in a process made `timeout_rate` 1.0
/// and fired critical. Under `min_calls` the rule stays ok.
#[test]
fn the_first_timeout_in_a_process_does_not_fire() {
    let c = Config::default();
    let mut a = AlertEngine::default();
    assert_eq!(call(&mut a, &c, 0, true), vec![]);
    for i in 1..(crate::config::DEFAULT_MIN_CALLS as i64 - 1) {
        assert_eq!(call(&mut a, &c, i, false), vec![], "call {i}");
    }
    // The 20th call: 2 timeouts in 20 = 0.1, above critical (0.05).
    let fired = call(&mut a, &c, 100, true);
    assert_eq!(levels(&fired), ["critical"]);
    assert_eq!(fired[0].value, 0.1);
}

/// A rule fires above its threshold, not at it.
#[test]
fn a_value_equal_to_the_threshold_does_not_fire() {
    let c = config(rule(0.25, 0.5, 4), 300.0);
    let mut a = AlertEngine::default();
    for t in 0..3 {
        call(&mut a, &c, t, false);
    }
    assert_eq!(
        call(&mut a, &c, 3, true),
        vec![],
        "1 in 4 = 0.25, the warn threshold"
    );
    let fired = call(&mut a, &c, 4, true);
    assert_eq!(levels(&fired), ["warn"], "2 in 5 = 0.4");
    assert_eq!((fired[0].value, fired[0].threshold), (0.4, 0.25));
    // 3 in 6, 4 in 8, 5 in 10: 0.5, critical's threshold, so still warn.
    for t in 5..10 {
        assert_eq!(call(&mut a, &c, t, t % 2 == 1), vec![], "{t}");
    }
    assert_eq!(levels(&call(&mut a, &c, 10, true)), ["critical"], "6 in 11");
}

/// A value hovering around the threshold changes the level once with
/// hysteresis; with `clear_ratio: 1` (none) it flaps on every crossing.
#[test]
fn hysteresis_stops_flapping_around_the_threshold() {
    let flaps = |clear_ratio: f64| {
        let c = config(
            AlertRule {
                clear_ratio,
                ..rule(0.1, 0.9, 10)
            },
            1e6,
        );
        let mut a = AlertEngine::default();
        let (mut timeouts, mut total) = (0i64, 0i64);
        let mut changes = Vec::new();
        let mut feed = |timeout: bool| {
            total += 1;
            timeouts += i64::from(timeout);
            changes.extend(call(&mut a, &c, total, timeout));
            (timeouts, total)
        };
        for i in 0..100 {
            feed(i % 10 == 9);
        }
        for _ in 0..20 {
            let (mut bad, mut all) = feed(true);
            while bad * 10 > all {
                (bad, all) = feed(false);
            }
        }
        levels(&changes)
    };
    assert_eq!(flaps(0.8), ["warn"]);
    let without = flaps(1.0);
    assert_eq!(without.len(), 40, "{without:?}");
}

/// `for`: a level fires only after the value stayed above its threshold for
/// that long (at every sample); a dip starts the wait again; a tick fires a
/// level whose wait is over.
#[test]
fn for_is_a_sustain_period() {
    let c = config(
        AlertRule {
            for_s: 300.0,
            ..rule(0.2, 0.9, 1)
        },
        3600.0,
    );
    let mut a = AlertEngine::default();
    call(&mut a, &c, 0, false);
    assert_eq!(call(&mut a, &c, 0, true), vec![], "0.5 since t=0");
    assert_eq!(call(&mut a, &c, 299 * S, true), vec![]);
    let fired = call(&mut a, &c, 300 * S, false);
    assert_eq!(levels(&fired), ["warn"]);
    // The tripping run is the latest timeout's, not the ok call's.
    assert_eq!(
        fired[0].tripped.as_ref().unwrap().run_id.as_deref(),
        Some("bad")
    );

    let mut b = AlertEngine::default();
    call(&mut b, &c, 0, true); // 1.0 from t=0 …
    for t in 1..10 {
        call(&mut b, &c, 100 * S + t, false); // … 0.1 at t=100 s: the wait ends
    }
    for t in 0..5 {
        // 0.25 (3 in 12) from the second of these on: above again.
        assert_eq!(call(&mut b, &c, 200 * S + t, true), vec![]);
    }
    assert_eq!(call(&mut b, &c, 400 * S, true), vec![], "only 200 s above");
    assert_eq!(b.tick(&c, 500 * S), vec![]);
    let fired = b.tick(&c, 500 * S + 1);
    assert_eq!(levels(&fired), ["warn"], "300 s above: the tick fires it");
}

/// Falling is immediate (no `for`), `resolved` carries no tripping run, and
/// an emptied window (fewer samples than the minimum) resolves.
#[test]
fn drops_are_immediate_and_an_empty_window_resolves() {
    let c = config(
        AlertRule {
            for_s: 60.0,
            ..rule(0.2, 0.9, 2)
        },
        100.0,
    );
    let mut a = AlertEngine::default();
    call(&mut a, &c, 0, true);
    call(&mut a, &c, 1, true);
    assert_eq!(a.tick(&c, 60 * S), vec![]);
    assert_eq!(levels(&a.tick(&c, 60 * S + 1)), ["critical"]);
    assert_eq!(a.tick(&c, 99 * S), vec![]);
    let resolved = a.tick(&c, 100 * S);
    assert_eq!(
        levels(&resolved),
        ["resolved"],
        "one call left, under min_calls"
    );
    assert_eq!(resolved[0].tripped, None);
}

/// The replay's promise: ticks that change nothing leave no trace, so an
/// engine that ticks only where the live one logged an alert (besides the
/// same samples) reports the same changes.
#[test]
fn ticking_only_where_alerts_were_logged_gives_the_same_changes() {
    let c = config(
        AlertRule {
            for_s: 2.0,
            clear_ratio: 0.5,
            ..rule(0.2, 0.4, 3)
        },
        5.0,
    );
    let mut live = AlertEngine::default();
    let mut replay = AlertEngine::default();
    let (mut seen_live, mut seen_replay) = (Vec::new(), Vec::new());
    let mut seed = 11u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut t = 0;
    for _ in 0..20_000 {
        t += (next() % 700_000) as i64;
        let r = next();
        if r % 4 == 0 {
            let changes = live.tick(&c, t);
            if !changes.is_empty() {
                seen_replay.extend(replay.tick(&c, t).into_iter().map(|ch| (t, ch)));
            }
            seen_live.extend(changes.into_iter().map(|ch| (t, ch)));
        } else {
            let timeout = r % 3 == 0;
            let changes = call(&mut live, &c, t, timeout);
            seen_replay.extend(
                call(&mut replay, &c, t, timeout)
                    .into_iter()
                    .map(|ch| (t, ch)),
            );
            if !changes.is_empty() {
                // The replay also ticks at the alert lines after a result.
                assert_eq!(
                    replay.tick(&c, t),
                    vec![],
                    "a tick right after is idempotent"
                );
            }
            seen_live.extend(changes.into_iter().map(|ch| (t, ch)));
        }
    }
    assert!(seen_live.len() > 100, "the stream moves the rule");
    assert_eq!(seen_live, seen_replay);
}

/// The kept-up-to-date numbers equal a recount from scratch, as entries
/// enter and leave the window.
#[test]
fn incremental_numbers_match_a_recount() {
    let config = Config {
        alert_window_s: 10.0,
        alert_error_rate: Some(rule(0.5, 0.9, 20)),
        alert_spend_usd_per_min: Some(rule(100.0, 200.0, 1)),
        ..Config::default()
    };
    let mut a = AlertEngine::default();
    let mut seed = 7u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for step in 0..5_000i64 {
        let now = step * 7_000; // 7 ms apart: entries leave a 10 s window
        let r = next();
        a.observe(
            &config,
            now,
            Sample::tool_result(match r % 35 {
                0 => Some("timeout"),
                5 | 10 | 15 | 20 | 25 | 30 => Some("timeout"),
                7 | 14 | 21 | 28 => Some("validation_failed"),
                11 => Some("upstream_5xx"),
                _ => None,
            }),
            Tripped::default,
        );
        if r % 11 == 0 {
            let usd = (r % 1000) as f64 / 1e4;
            if let Some(s) = Sample::spend(usd) {
                a.observe(&config, now, s, Tripped::default);
            }
        }
        if r % 3 == 0 {
            a.observe(
                &config,
                now,
                Sample::Run { tool_calls: r % 13 },
                Tripped::default,
            );
        }
        let got = a.values(&config, now).map(|v| v.0);
        let w = &a.window;
        let total: usize = w.calls.iter().map(|e| e.calls).sum();
        let mut counts: Vec<u64> = w
            .runs
            .iter()
            .flat_map(|e| e.counts.iter())
            .flat_map(|&(count, n)| std::iter::repeat_n(count, n))
            .collect();
        counts.sort_unstable();
        let p95 = if counts.is_empty() {
            0.0
        } else {
            counts[((counts.len() as f64 * 0.95).ceil() as usize).clamp(1, counts.len()) - 1] as f64
        };
        let spend: i64 = w.spend.iter().map(|e| e.nano_usd).sum();
        let want = [
            p95,
            rate(w.calls.iter().map(|e| e.timeouts).sum(), total),
            rate(w.calls.iter().map(|e| e.invalid).sum(), total),
            rate(w.calls.iter().map(|e| e.failed).sum(), total),
            spend as f64 / 1e9 / (config.alert_window_s / 60.0),
        ];
        assert_eq!(got, want, "step {step}");
    }
    assert!(a.window.calls.len() < 1_500, "the window let entries go");
}

/// A tight loop at full speed: the window held one entry per call (16 bytes
/// × every call of the window: 720 MB for five minutes at 150,000 calls/s).
/// Now at most one entry per slot, and the counts stay within one slot's
/// samples of an exact recount.
#[test]
fn a_tight_loop_keeps_the_window_bounded_and_its_counts_close() {
    let config = Config {
        alert_window_s: 1.0,
        ..Config::default()
    };
    let window_us = 1_000_000;
    let mut a = AlertEngine::default();
    let mut exact: std::collections::VecDeque<(i64, bool)> = Default::default();
    let per_slot = (slot_us(window_us) / 3 + 1) as usize;
    for step in 0..400_000i64 {
        let now = step * 3; // 3 µs apart: ~81 calls per slot
        let timeout = step % 10 == 0;
        call(&mut a, &config, now, timeout);
        if step % 2 == 0 {
            let tool_calls = (step % 5) as u64; // runs too, with varied counts
            a.observe(&config, now, Sample::Run { tool_calls }, Tripped::default);
        }
        exact.push_back((now, timeout));
        while exact.front().is_some_and(|e| e.0 <= now - window_us) {
            exact.pop_front();
        }
        if step % 997 == 0 {
            a.values(&config, now);
            let w = &a.window;
            let exact_timeouts = exact.iter().filter(|e| e.1).count();
            assert!(w.total <= exact.len(), "step {step}");
            assert!(exact.len() - w.total <= per_slot, "step {step}");
            assert!(exact_timeouts - w.timeouts <= per_slot, "step {step}");
        }
    }
    let w = &a.window;
    assert!(
        w.calls.len() as i64 <= SLOTS + 1,
        "{} entries",
        w.calls.len()
    );
    assert!(w.runs.len() as i64 <= SLOTS + 1, "{} entries", w.runs.len());
    assert!(w.total > 300_000, "the window still holds the last second");
}

mod calm_shortcut {
    use super::*;
    use proptest::prelude::*;

    /// One step: microseconds since the last, and what happened.
    fn step() -> impl Strategy<Value = (i64, u8, u64)> {
        (
            prop_oneof![Just(0i64), 1..2_000i64, 1..40_000_000i64],
            0u8..10,
            0u64..40,
        )
    }

    fn rules() -> impl Strategy<Value = Config> {
        let rule = (
            0.0f64..0.6,
            0.0f64..0.4,
            0u64..6,
            prop_oneof![Just(0.0), 0.0f64..3.0],
        )
            .prop_map(|(warn, extra, min, for_s)| AlertRule {
                for_s,
                ..AlertRule::new(warn, warn + extra, min)
            });
        let p95 = (0.0f64..30.0, 0.0f64..20.0, 0u64..4).prop_map(|(warn, extra, min)| AlertRule {
            for_s: 0.0,
            ..AlertRule::new(warn, warn + extra, min)
        });
        let spend = (0.0f64..2.0, 0.0f64..2.0, 0u64..4).prop_map(|(warn, extra, min)| AlertRule {
            for_s: 0.0,
            ..AlertRule::new(warn, warn + extra, min)
        });
        (
            proptest::option::of(p95),
            proptest::option::of(rule.clone()),
            proptest::option::of(rule.clone()),
            proptest::option::of(rule),
            proptest::option::of(spend),
            prop_oneof![Just(10.0), Just(60.0), Just(300.0)],
        )
            .prop_map(|(p95, timeouts, invalid, errors, spend, window)| Config {
                alert_tool_calls_p95: p95,
                alert_timeout_rate: timeouts,
                alert_validation_fail_rate: invalid,
                alert_error_rate: errors,
                alert_spend_usd_per_min: spend,
                alert_window_s: window,
                ..Config::default()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Counting a clean result without evaluating the rules (when the
        /// engine is calm) changes nothing anyone sees: the same alerts at
        /// every step and the same metrics, against an engine that always
        /// evaluates.
        #[test]
        fn skipping_evaluation_when_calm_changes_no_alert(
            c in rules(),
            steps in proptest::collection::vec(step(), 1..400),
        ) {
            let mut fast = AlertEngine::default();
            let mut reference = AlertEngine { always_evaluate: true, ..AlertEngine::default() };
            let mut now = 0i64;
            for (k, (dt, kind, tool_calls)) in steps.into_iter().enumerate() {
                now += dt;
                let sample = match kind {
                    0 => Sample::tool_result(Some("timeout")),
                    1 => Sample::tool_result(Some("validation_failed")),
                    2 => Sample::Run { tool_calls },
                    3 => Sample::tool_result(Some("upstream_5xx")),
                    4 => Sample::spend(tool_calls as f64 / 20.0).unwrap_or(Sample::Run { tool_calls }),
                    _ => Sample::tool_result(None),
                };
                let got = if kind == 9 {
                    (fast.tick(&c, now), reference.tick(&c, now))
                } else {
                    (
                        fast.observe(&c, now, sample, || run("r")()),
                        reference.observe(&c, now, sample, || run("r")()),
                    )
                };
                prop_assert_eq!(&got.0, &got.1, "step {}", k);
                prop_assert_eq!(fast.snapshot(&c, now), reference.snapshot(&c, now), "step {}", k);
            }
        }
    }
}
