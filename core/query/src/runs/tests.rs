use super::*;
use tooltrail_json::parse_json;

fn events(lines: &[&str]) -> impl Iterator<Item = Value> {
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| parse_json(l.as_bytes()).unwrap())
        .collect();
    parsed.into_iter()
}

#[test]
fn a_run_is_small() {
    assert_eq!(std::mem::size_of::<Run>(), 128);
}

#[test]
fn compact_summaries_read_back_as_logged() {
    let lines = [
        // Another producer's time format is kept as logged.
        r#"{"ts":"2026-11-24T20:57:40+01:00","event":"run_start","run_id":"a","user_id":null,"request_id":"q"}"#,
        r#"{"ts":"2026-11-24T19:57:41.000000Z","event":"tool_call","run_id":"a","tool":"t1"}"#,
        r#"{"ts":"2026-11-24T19:57:41.5Z","event":"tool_result","run_id":"a","tool":"t1","error_class":"timeout"}"#,
        r#"{"ts":"2026-11-24T19:57:39.000001Z","event":"tool_call","run_id":"b","tool":"t2","user_id":"u"}"#,
        r#"{"ts":"2026-11-24T19:57:39.000002Z","event":"tool_call","run_id":"b","tool":"t1","decision":"block","error_class":"budget_exceeded"}"#,
        r#"{"ts":"2026-11-24T19:57:42.000000Z","event":"run_end","run_id":"b","stop_reason":"max_steps","duration_ms":3,"spend_usd":0.5}"#,
        r#"{"ts":"garbage","event":"tool_call","run_id":"c","tool":"t1"}"#,
    ];
    let all = runs(events(&lines), &RunFilter::default());
    let ids: Vec<&str> = all.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, ["b", "a", "c"]);
    let (b, a, c) = (&all[0], &all[1], &all[2]);
    assert_eq!(a.start, "2026-11-24T20:57:40+01:00");
    assert_eq!(
        (a.user_id.as_deref(), a.request_id.as_deref()),
        (None, Some("q"))
    );
    assert_eq!(
        (a.tool_calls, a.errors, &a.error_classes[..]),
        (1, 1, &["timeout".to_owned()][..])
    );
    assert_eq!(b.start, "2026-11-24T19:57:39.000001Z");
    assert_eq!(b.tools, ["t2", "t1"]);
    // The refusal is counted apart from failures (issue 15 item 4).
    assert_eq!((b.tool_calls, b.errors, b.refused), (1, 0, 1));
    assert_eq!(b.error_classes, ["budget_exceeded"]);
    assert_eq!(b.stop_reason.as_deref(), Some("max_steps"));
    assert_eq!((b.duration_ms, b.spend_usd), (Some(3.0), Some(0.5)));
    assert_eq!((a.duration_ms, a.stop_reason.as_deref()), (None, None));
    assert_eq!((c.start.as_str(), c.start_us), ("garbage", None));
    // A filter naming something no run has matches nothing, not the
    // runs that have none.
    let filter = |f: RunFilter| -> Vec<String> {
        runs(events(&lines), &f)
            .into_iter()
            .map(|r| r.run_id)
            .collect()
    };
    let user = |u: &str| RunFilter {
        user: Some(u.into()),
        ..RunFilter::default()
    };
    assert_eq!(filter(user("nobody")), Vec::<String>::new());
    assert_eq!(filter(user("u")), ["b"]);
    let tool = RunFilter {
        tool: Some("t1".into()),
        ..RunFilter::default()
    };
    assert_eq!(filter(tool), ["b", "a", "c"]);
    let stop = RunFilter {
        stop_reason: Some("completed".into()),
        ..RunFilter::default()
    };
    assert_eq!(filter(stop), Vec::<String>::new());
}
