//! `tooltrail report` on logs: what the page lists and draws, and that
//! logged text is escaped. (The page in a real browser: tests/cross/test_report.py.)

use tooltrail_query::report::{ReportOptions, render};

/// A fresh copy of the golden logs.
fn golden_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["basic", "runs"] {
        let from = format!(
            "{}/../../tests/vectors/gateway/{name}.expected.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::copy(from, dir.path().join(format!("{name}.jsonl"))).unwrap();
    }
    dir
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn lists_every_run_and_draws_every_call() {
    let tmp = golden_dir();
    let dir = tmp.path();
    let html = render(dir, &ReportOptions::default()).unwrap();
    let runs = tooltrail_query::runs(
        tooltrail_query::EventReader::open(dir).unwrap(),
        &Default::default(),
    );
    assert_eq!(count(&html, "<tr class=\"run-row"), runs.len());
    assert_eq!(count(&html, "<article class=\"timeline\""), runs.len());
    for r in &runs {
        assert!(
            html.contains(&format!("data-run-id=\"{}\"", r.run_id)),
            "{}",
            r.run_id
        );
    }
    let calls = tooltrail_query::EventReader::open(dir)
        .unwrap()
        .filter(|e| e.get("event") == Some(&tooltrail_json::Value::from("tool_call")))
        .count();
    assert_eq!(count(&html, "<g class=\"call "), calls);
    // A refused call is drawn as blocked, a failed one as failed.
    assert!(html.contains(
        "data-outcome=\"blocked\" data-latency-ms=\"\" data-error-class=\"loop_detected\""
    ));
    assert!(html.contains("data-outcome=\"failed\""));
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn max_runs_keeps_the_most_recent() {
    let tmp = golden_dir();
    let dir = tmp.path();
    let options = ReportOptions {
        max_runs: 2,
        ..ReportOptions::default()
    };
    let html = render(dir, &options).unwrap();
    assert_eq!(count(&html, "<article class=\"timeline\""), 2);
    assert!(
        html.contains("Showing <span id=\"runs-shown\">2</span> of 10 runs: the 2 most recent of "),
        "{html}"
    );
    assert!(html.contains("data-run-id=\"run-completed\""));
    assert!(!html.contains("data-run-id=\"run-1\""));
}

/// 5,000 runs of which 100 fail, 200 listed: every figure is over all
/// runs, and every failing run is listed (before: "4 runs with failures",
/// counted over the 200 most recent only, and no way to the others).
#[test]
fn figures_cover_every_run_and_failing_runs_are_listed_first() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..5000u32 {
        let failing = i % 50 == 7;
        let (s, ms) = (i / 1000, i % 1000);
        let common = format!(
            r#""run_id":"run-{i:04}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","request_id":"q","user_id":"u""#
        );
        let ts = |us: u32| format!("2026-11-24T19:{:02}:{:02}.{ms:03}{us:03}Z", s / 60, s % 60);
        text += &format!(
            r#"{{"v":1,"ts":"{}","event":"tool_call",{common},"tool":"t","seq":1,"args_hash":"h","decision":"allow"}}"#,
            ts(0)
        );
        text.push('\n');
        let outcome = if failing {
            r#""ok":false,"error_class":"http_5xx""#
        } else {
            r#""ok":true"#
        };
        text += &format!(
            r#"{{"v":1,"ts":"{}","event":"tool_result",{common},"tool":"t","seq":1,"latency_ms":1,{outcome}}}"#,
            ts(1)
        );
        text.push('\n');
        text += &format!(
            r#"{{"v":1,"ts":"{}","event":"run_end",{common},"stop_reason":"completed","duration_ms":1,"tool_calls":1,"errors":{}}}"#,
            ts(2),
            u8::from(failing)
        );
        text.push('\n');
    }
    std::fs::write(tmp.path().join("tooltrail.jsonl"), text).unwrap();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    assert!(html.contains("id=\"card-runs\"><b>5000</b>"), "runs card");
    assert!(html.contains("id=\"card-calls\"><b>5000</b>"), "calls card");
    assert!(html.contains("id=\"card-bad\"><b>100</b>"), "failing card");
    assert_eq!(count(&html, "<tr class=\"run-row bad\""), 100);
    assert_eq!(count(&html, "<tr class=\"run-row"), 200);
    assert!(html.contains("all 100 runs with failures, then the most recent others"));
    assert!(html.contains("tooltrail report --max-runs 5000"));
    // The oldest failing run is listed, and the most recent run.
    assert!(html.contains("data-run-id=\"run-0007\""));
    assert!(html.contains("data-run-id=\"run-4999\""));
}

#[test]
fn logged_text_is_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lines = [
        r#"{"v":1,"ts":"2026-11-24T19:57:40.000000Z","event":"tool_call","run_id":"r\"><script>x()</script>","trace_id":"t","span_id":"s","request_id":null,"user_id":"<b>u</b>","tool":"<img src=x onerror=y>","seq":1,"args_hash":"</title><script>z()</script>","decision":"allow"}"#,
        r#"{"v":1,"ts":"2026-11-24T19:57:40.001000Z","event":"tool_result","run_id":"r\"><script>x()</script>","trace_id":"t","span_id":"s","request_id":null,"user_id":"<b>u</b>","tool":"<img src=x onerror=y>","seq":1,"latency_ms":1,"ok":false,"error_class":"</td><script>"}"#,
    ];
    std::fs::write(dir.join("tooltrail.jsonl"), lines.join("\n") + "\n").unwrap();
    let html = render(dir, &ReportOptions::default()).unwrap();
    assert_eq!(count(&html, "<script"), 1, "only the page's own script");
    assert!(!html.contains("<img") && !html.contains("<b>u"));
    assert!(html.contains("&lt;img src=x onerror=y&gt;"));
    assert!(html.contains("r&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"));
    // The waterfall's tooltip shows the args_hash prefix: escaped too (it
    // was not, and a crafted log ran script in Chromium).
    assert!(html.contains("args &lt;/title&gt;&lt;s"), "{html}");
    assert!(!html.contains("</title><script"));
}

/// Each waterfall bar is labelled with the first 8 characters of its
/// `args_hash` (issue 15 item 11), and carries the whole hash as data.
#[test]
fn waterfall_bars_show_the_args_hash_prefix() {
    let tmp = golden_dir();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    let mut bars = 0;
    for call in html.split("<g class=\"call ").skip(1) {
        let hash = call
            .split("data-args-hash=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("data-args-hash");
        let label = call.split("</text></g>").next().unwrap();
        if !hash.is_empty() {
            assert!(
                label.ends_with(&format!("<tspan class=\"hash\">{}</tspan>", &hash[..8])),
                "{label}"
            );
            bars += 1;
        }
    }
    assert!(bars > 0, "no waterfall bars with a hash");
}

#[test]
fn the_page_allows_only_its_own_script() {
    let tmp = golden_dir();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    let csp = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSP meta tag");
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'unsafe"));
    // The hash is of the page's one script, as the browser computes it
    // (tests/cross/test_report.py checks in Chromium that it runs).
    let script = html
        .split("<script>")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let expected = tooltrail_json::sha256_hex(script.as_bytes());
    let b64 = csp
        .split("'sha256-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert_eq!(hex_of_base64(b64), expected);
}

/// Decodes standard base64 to lowercase hex (test helper).
fn hex_of_base64(s: &str) -> String {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = String::new();
    for c in s.trim_end_matches('=').chars() {
        bits = bits << 6 | ALPHABET.find(c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push_str(&format!("{:02x}", (bits >> n) & 0xff));
        }
    }
    out
}

/// A huge number in a log is printed in exponent form, not as hundreds of
/// digits (issue 15 item 11: a 1e308 latency printed 309 digits).
#[test]
fn huge_numbers_stay_short() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"v":1,"ts":"2026-11-24T19:57:40.000000Z","event":"tool_call","run_id":"r","trace_id":null,"span_id":null,"request_id":null,"user_id":null,"tool":"t","seq":1,"args_hash":"h","decision":"allow"}"#,
        r#"{"v":1,"ts":"2026-11-24T19:57:40.001000Z","event":"tool_result","run_id":"r","trace_id":null,"span_id":null,"request_id":null,"user_id":null,"tool":"t","seq":1,"latency_ms":1e308,"ok":true}"#,
        r#"{"v":1,"ts":"2026-11-24T19:57:40.002000Z","event":"run_end","run_id":"r","trace_id":null,"span_id":null,"request_id":null,"user_id":null,"stop_reason":"completed","duration_ms":1e300,"tool_calls":1,"errors":0,"steps":0,"spend_usd":1e200,"budgets":{}}"#,
    ];
    std::fs::write(tmp.path().join("tooltrail.jsonl"), lines.join("\n") + "\n").unwrap();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    let longest_digits = html
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap();
    assert!(longest_digits < 40, "a run of {longest_digits} digits");
    assert!(html.contains("1.000e308 ms"), "the latency is shown");
    let mut out = Vec::new();
    let args: Vec<String> = ["show", "r", tmp.path().to_str().unwrap()]
        .map(String::from)
        .into();
    assert_eq!(tooltrail_cli::run(&args, &mut &b""[..], &mut out), 0);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.split(|c: char| !c.is_ascii_digit())
            .all(|d| d.len() < 40),
        "{text}"
    );
}

/// Report options whose alert rules need one call (`min_calls: 1`), as the
/// golden scenario's config.
fn alerting_from_the_first_call() -> ReportOptions {
    let config =
        tooltrail_core::Config::from_yaml("logging:\n  alerts:\n    min_calls: 1\n").unwrap();
    ReportOptions {
        config,
        ..ReportOptions::default()
    }
}

#[test]
fn an_alert_names_the_run_that_tripped_it() {
    // The scenario's own config (min_calls: 1) so the replay fires as the
    // live gateway did; before, the transitions table had no run at all.
    let tmp = golden_dir();
    let options = alerting_from_the_first_call();
    let html = render(tmp.path(), &options).unwrap();
    let logged: Vec<String> = tooltrail_query::EventReader::open(tmp.path())
        .unwrap()
        .filter(|e| e.get("event") == Some(&tooltrail_json::Value::from("alert")))
        .filter_map(|e| match e.get("tripped_run_id") {
            Some(tooltrail_json::Value::String(id)) => Some(id.clone()),
            _ => None,
        })
        .collect();
    assert!(
        !logged.is_empty(),
        "the scenario logs alerts with a tripping run"
    );
    assert!(html.contains("<th>tripped by run</th>"));
    for id in &logged {
        assert!(
            html.contains("<td class=\"tripped\"><a href=\"#run-")
                && html.contains(&format!("<code>{id}</code></a></td></tr>")),
            "{id}"
        );
    }
}

#[test]
fn a_hostile_tripping_run_is_escaped() {
    // The alert table's new column shows a logged run_id: a crafted one
    // stays text.
    let tmp = tempfile::tempdir().unwrap();
    let line = r#"{"v":1,"ts":"2026-11-24T19:57:40.001000Z","event":"tool_result","run_id":"r\"><script>x()</script>","trace_id":"t","span_id":"s","request_id":null,"user_id":null,"tool":"t","seq":1,"latency_ms":1,"ok":false,"error_class":"timeout"}"#;
    std::fs::write(tmp.path().join("tooltrail.jsonl"), format!("{line}\n")).unwrap();
    let options = alerting_from_the_first_call();
    let html = render(tmp.path(), &options).unwrap();
    assert!(html.contains("<td class=\"tripped\"><a href=\"#run-0\"><code>r&quot;&gt;&lt;script&gt;x()&lt;/script&gt;</code>"), "{html}");
    assert_eq!(count(&html, "<script"), 1, "only the page's own script");
}

#[test]
fn report_run_is_a_page_for_that_run_alone() {
    let tmp = golden_dir();
    let out = tmp.path().join("page.html");
    let args: Vec<String> = ["report", "--run", "run-loop", "-o"]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string(), tmp.path().display().to_string()])
        .collect();
    let code = tooltrail_cli::run(&args, &mut std::io::empty(), &mut Vec::new());
    assert_eq!(code, 0);
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(count(&html, "<tr class=\"run-row"), 1);
    assert_eq!(count(&html, "<article class=\"timeline\""), 1);
    assert!(html.contains("data-run-id=\"run-loop\""));
    assert!(!html.contains("data-run-id=\"run-completed\""));
    // A run the logs do not hold is an error, as for show, not an empty page.
    let mut options = ReportOptions::default();
    options.filter.run_id = Some("run-nope".into());
    let err = render(tmp.path(), &options).unwrap_err();
    assert_eq!(err.code().as_str(), "unknown_run", "{err}");
    assert!(err.to_string().contains("run-nope"), "{err}");
}

/// The x of each spend bar, in time order.
fn spend_bars(html: &str) -> Vec<f64> {
    html.split("<rect class=\"spend")
        .skip(1)
        .map(|r| {
            let x = r.split("x=\"").nth(1).unwrap();
            x[..x.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[test]
fn spend_bars_stand_at_their_time() {
    // Spend at 10:00, 10:01 and 10:30: the third bar is 30 slots from the
    // first, not the next one over (before: bars were placed by index, so
    // quiet minutes closed up and 10:30 stood beside 10:01).
    let tmp = tempfile::tempdir().unwrap();
    let line = |minute: u32| {
        format!(
            r#"{{"ts":"2026-12-07T10:{minute:02}:05.000000Z","event":"model_call","run_id":"r{minute}","model":"m","cost_usd":0.5}}"#
        )
    };
    let log = [line(0), line(1), line(30)].join("\n") + "\n";
    std::fs::write(tmp.path().join("tooltrail.jsonl"), log).unwrap();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    let x = spend_bars(&html);
    assert_eq!(x.len(), 3, "{html}");
    let slot = x[1] - x[0];
    assert!(slot > 0.0);
    assert!((x[2] - x[0] - 30.0 * slot).abs() < 0.5, "{x:?}");
    // Two minutes a day apart span more minutes than the chart draws one
    // bar each: the chart is by hour.
    let far = [line(0), line(1)].join("\n")
        + "\n"
        + r#"{"ts":"2026-12-08T10:00:05.000000Z","event":"model_call","run_id":"r","model":"m","cost_usd":0.5}"#
        + "\n";
    std::fs::write(tmp.path().join("tooltrail.jsonl"), far).unwrap();
    let html = render(tmp.path(), &ReportOptions::default()).unwrap();
    assert!(html.contains("aria-label=\"spend per hour\""), "by hour");
    assert_eq!(spend_bars(&html).len(), 2, "10:00 and the next day's 10:00");
}
