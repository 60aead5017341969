//! Configuration parsing: the documented example, and errors that name the key.

use tooltrail_core::Config;
use tooltrail_core::config::{LoopGuard, Requirement, StoreResults};
use tooltrail_json::{Value, parse_json};

#[test]
fn the_spec_example_is_the_default_plus_budgets() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/config/y_spec_example.yaml"
    );
    let c = Config::from_yaml(&std::fs::read_to_string(path).unwrap()).unwrap();
    let expected = Config {
        max_tool_calls: Some(50),
        max_steps: Some(25),
        max_duration_s: Some(300.0),
        max_spend_usd: Some(1.0),
        loop_guard: Some(LoopGuard {
            warn_after: 3,
            block_after: 5,
        }),
        ..Config::default()
    };
    assert_eq!(c, expected);
    assert_eq!(Config::from_yaml("").unwrap(), Config::default());
}

/// Every `n_*.yaml` vector is refused with a `(yaml)` error, at once: an
/// alias bomb took all memory before (the loader expanded it).
#[test]
fn the_n_vectors_are_refused() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/config");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("n_") {
            continue;
        }
        let err = Config::from_yaml(&std::fs::read_to_string(&path).unwrap()).unwrap_err();
        assert_eq!(err.key, "(yaml)", "{name}: {err}");
        assert!(err.to_string().contains("aliases"), "{name}: {err}");
        seen += 1;
    }
    assert!(seen >= 2, "the n_ vectors are there");
}

#[test]
fn a_dict_and_yaml_give_the_same_config() {
    let yaml = "logging:\n  ids: {run_id: optional}\n  tool_calls: {store_results: full, store_args: true}\n";
    let json = r#"{"logging":{"ids":{"run_id":"optional"},"tool_calls":{"store_results":"full","store_args":true}}}"#;
    let a = Config::from_yaml(yaml).unwrap();
    let b = Config::from_value(&parse_json(json.as_bytes()).unwrap()).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        (a.run_id, a.store_results, a.store_args),
        (Requirement::Optional, StoreResults::Full, true)
    );
}

#[test]
fn errors_name_the_key() {
    let cases = [
        (
            "logging:\n  tool_call: {}\n",
            "logging.tool_call",
            "unknown key",
        ),
        (
            "logging:\n  tool_calls:\n    store_results: some\n",
            "logging.tool_calls.store_results",
            "one of none | sampled | full",
        ),
        (
            "logging:\n  tool_calls:\n    result_sample_rate: 2\n",
            "logging.tool_calls.result_sample_rate",
            "from 0 to 1",
        ),
        (
            "logging:\n  ids:\n    run_id: yes please\n",
            "logging.ids.run_id",
            "required | optional",
        ),
        (
            "budgets:\n  max_tool_calls: 0\n",
            "budgets.max_tool_calls",
            "from 1 to",
        ),
        // Beyond what both languages hold exactly (it was accepted).
        (
            "budgets:\n  max_tool_calls: 1e20\n",
            "budgets.max_tool_calls",
            "from 1 to 9007199254740991",
        ),
        (
            "budgets:\n  loop_guard: {warn_after: 5, block_after: 3}\n",
            "budgets.loop_guard.block_after",
            "at least warn_after",
        ),
        (
            "logging:\n  alerts:\n    timeout_rate: {warn: 0.5}\n",
            "logging.alerts.timeout_rate",
            "both warn and critical",
        ),
        (
            "logging:\n  pii:\n    redact_fields: email\n",
            "logging.pii.redact_fields",
            "list",
        ),
        ("logging: [1]\n", "logging", "mapping"),
        ("extra: 1\n", "extra", "unknown key"),
        (
            "logging:\n  tool_calls:\n    enabled: 1\n",
            "logging.tool_calls.enabled",
            "true or false",
        ),
    ];
    for (yaml, key, fragment) in cases {
        let e = Config::from_yaml(yaml).unwrap_err();
        assert_eq!(e.key, key, "{yaml}");
        assert!(e.message.contains(fragment), "{yaml}: {e}");
        assert!(e.to_string().contains(&format!("`{key}`")));
    }
    assert_eq!(
        Config::from_yaml("logging: {a: [}").unwrap_err().key,
        "(yaml)"
    );
    assert_eq!(
        Config::from_value(&Value::Array(vec![])).unwrap_err().key,
        "(root)"
    );
}

#[test]
fn a_null_alert_rule_is_off() {
    let c = Config::from_yaml("logging:\n  alerts:\n    timeout_rate: null\n").unwrap();
    assert_eq!(c.alert_timeout_rate, None);
    assert!(c.alert_validation_fail_rate.is_some());
}

/// Issue 15 item 7's settings: shared ones under `logging.alerts`, each
/// rule's own over them, the seed's "validation_fail_rate > 2% for 5
/// minutes" as written.
#[test]
fn alert_rules_take_min_calls_for_and_clear_ratio() {
    use tooltrail_core::config::{AlertRule, DEFAULT_MIN_CALLS, DEFAULT_MIN_RUNS};
    let d = Config::default();
    assert_eq!(
        d.alert_timeout_rate,
        Some(AlertRule::new(0.02, 0.05, DEFAULT_MIN_CALLS))
    );
    assert_eq!(
        d.alert_tool_calls_p95.map(|r| r.min_samples),
        Some(DEFAULT_MIN_RUNS)
    );
    let c = Config::from_yaml(
        "logging:\n  alerts:\n    min_calls: 50\n    min_runs: 3\n    for: 30s\n    clear_ratio: 0.5\n    \
         validation_fail_rate: {warn: 0.02, critical: 0.05, for: 5m, min_calls: 10}\n",
    )
    .unwrap();
    let v = c.alert_validation_fail_rate.unwrap();
    assert_eq!((v.min_samples, v.for_s, v.clear_ratio), (10, 300.0, 0.5));
    let t = c.alert_timeout_rate.unwrap();
    assert_eq!(
        (t.warn, t.min_samples, t.for_s, t.clear_ratio),
        (0.02, 50, 30.0, 0.5)
    );
    let p = c.alert_tool_calls_p95.unwrap();
    assert_eq!((p.warn, p.min_samples, p.for_s), (10.0, 3, 30.0));
    assert_eq!(
        Config::from_yaml("logging:\n  alerts:\n    for: 90\n")
            .unwrap()
            .alert_timeout_rate
            .unwrap()
            .for_s,
        90.0,
        "a number is seconds"
    );
    for (yaml, key) in [
        ("for: 5 minutes", "logging.alerts.for"),
        ("for: -1", "logging.alerts.for"),
        ("min_calls: 0", "logging.alerts.min_calls"),
        ("clear_ratio: 1.5", "logging.alerts.clear_ratio"),
        (
            "timeout_rate: {warn: 0.1, critical: 0.2, for: soon}",
            "logging.alerts.timeout_rate.for",
        ),
        (
            "timeout_rate: {warn: 0.1, critical: 0.2, min_runs: 2}",
            "logging.alerts.timeout_rate.min_runs",
        ),
        (
            "tool_calls_per_run_p95: {warn: 1, critical: 2, min_calls: 2}",
            "logging.alerts.tool_calls_per_run_p95.min_calls",
        ),
    ] {
        let e = Config::from_yaml(&format!("logging:\n  alerts:\n    {yaml}\n")).unwrap_err();
        assert_eq!(e.key, key, "{yaml}");
    }
}
