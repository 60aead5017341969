//! The report's page: markup, inline style and a few lines of inline script
//! (filtering the run list). Everything logged is escaped: tool names, ids
//! and error classes come from the agent, not from us.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape::esc;
use super::{ReportData, RunView, svg};
use crate::num_field;
use tooltrail_core::schema::{LEVEL_CRITICAL, LEVEL_RESOLVED, LEVEL_WARN, field};
use tooltrail_json::Value;

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1240px;padding:16px 24px;color:#1d2430;background:#fbfcfd}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee6;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 4px}.meta,.q,.note{color:#5b6675}.q{font-size:11px}
nav a{margin-right:14px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e6eaef;white-space:nowrap}td:last-child{white-space:normal}
td.num,th.num{text-align:right}tr.run-row.bad td:first-child{border-left:3px solid #c8372d}
code{font:12px ui-monospace,monospace}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #d8dee6;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}svg text{font-size:12px;fill:#1d2430}
rect.ok{fill:#3b82c4}rect.failed{fill:#c8372d}rect.blocked{fill:#d9a21b}
rect.p50{fill:#7fb3e0}rect.p95{fill:#3b82c4}rect.p99{fill:#1f4e7a}line.axis{stroke:#9aa5b1}
rect.spend{fill:#3b82c4}rect.spend.spike{fill:#c8372d}li.spike{color:#8a1f17}
.level-warn{color:#a86c00;font-weight:600}.level-critical{color:#c8372d;font-weight:600}
.level-resolved,.level-ok{color:#2f7d32}article.timeline{margin-bottom:18px}
article.timeline:target{outline:2px solid #3b82c4;outline-offset:6px}#filter{width:320px;padding:4px}
";

const SCRIPT: &str = "
document.getElementById('filter').addEventListener('input',function(e){
  var q=e.target.value.toLowerCase(),shown=0;
  document.querySelectorAll('#runs-table tbody tr').forEach(function(tr){
    var hit=tr.textContent.toLowerCase().indexOf(q)>=0;tr.hidden=!hit;if(hit)shown++;});
  document.getElementById('runs-shown').textContent=shown;
});
";

/// The page's Content-Security-Policy: nothing loads from anywhere, and the
/// only script that runs is the page's own (by its SHA-256), so a value that
/// escaped escaping still cannot run script. Inline style is allowed: the
/// page has one `<style>` and no style comes from the logs.
pub(crate) fn content_security_policy() -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(SCRIPT.as_bytes());
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
        base64(&digest)
    )
}

/// Standard base64 with padding (RFC 4648 §4), for the CSP hash.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The whole page.
pub(crate) fn page(d: &ReportData) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
         <meta name=\"generator\" content=\"tooltrail {v}\">\
         <title>tooltrail report: {src}</title><style>{STYLE}</style></head><body>\
         <header><h1>tooltrail report</h1><p class=\"meta\">{src} · {n} events \
         from {first} to {last}{skipped}</p>\
         <nav><a href=\"#runs\">Runs</a><a href=\"#alerts\">Alerts</a><a href=\"#spend\">Spend</a><a href=\"#errors\">Error classes</a>\
         <a href=\"#latency\">Latency</a><a href=\"#timelines\">Timelines</a></nav></header>",
        csp = content_security_policy(),
        v = tooltrail_core::VERSION,
        src = esc(&d.source),
        n = d.events,
        first = esc(&d.first_ts),
        last = esc(&d.last_ts),
        skipped = {
            let mut gaps = String::new();
            if d.skipped_lines > 0 {
                let _ = write!(
                    gaps,
                    " · {} skipped",
                    super::counted(d.skipped_lines, "unreadable line")
                );
            }
            if d.dropped_events > 0 {
                let _ = write!(
                    gaps,
                    " · <strong class=\"incomplete\">{} dropped by writers: the record is incomplete</strong>",
                    super::counted(d.dropped_events, "event")
                );
            }
            gaps
        },
    );
    summary_cards(&mut s, d);
    runs_table(&mut s, d);
    alerts(&mut s, d);
    let listed: std::collections::HashMap<&str, usize> = d
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.summary.run_id.as_str(), i))
        .collect();
    super::spend_section::section(&mut s, &d.spend, &d.spend_runs, &|id| {
        listed.get(id).copied()
    });
    let mut classes: BTreeMap<&str, u64> = BTreeMap::new();
    for t in &d.stats.tools {
        for (c, n) in &t.errors {
            *classes.entry(c).or_insert(0) += n;
        }
    }
    let mut classes: Vec<(String, u64)> = classes
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n))
        .collect();
    classes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let _ = write!(
        s,
        "<section id=\"errors\"><h2>Error classes</h2>{}</section>",
        svg::error_chart(&classes)
    );
    latency(&mut s, d);
    s += "<section id=\"timelines\"><h2>Timelines</h2>";
    for (i, run) in d.runs.iter().enumerate() {
        timeline(&mut s, i, run);
    }
    let _ = writeln!(s, "</section><script>{SCRIPT}</script></body></html>");
    s
}

fn summary_cards(s: &mut String, d: &ReportData) {
    let firing = current_levels(d)
        .values()
        .filter(|l| matches!(**l, LEVEL_WARN | LEVEL_CRITICAL))
        .count();
    let _ = write!(
        s,
        "<section id=\"summary\" class=\"cards\">\
         <div class=\"card\" id=\"card-runs\"><b>{}</b>runs</div>\
         <div class=\"card\" id=\"card-calls\"><b>{}</b>tool calls</div>\
         <div class=\"card\" id=\"card-bad\"><b>{}</b>runs with failures or an abnormal stop</div>\
         <div class=\"card\" id=\"card-alerts\"><b>{firing}</b>alerts firing at the end</div></section>",
        d.runs_total, d.calls_total, d.bad_total
    );
}

fn is_bad(r: &RunView) -> bool {
    super::is_bad(&r.summary)
}

/// Which runs the table holds when it cannot hold them all, and how to
/// reach the others.
fn listed_note(d: &ReportData) -> String {
    if d.runs.len() >= d.runs_total {
        return String::new();
    }
    let bad_listed = d.runs.iter().filter(|r| is_bad(r)).count();
    let which = if bad_listed < d.bad_total {
        format!(
            ": the {bad_listed} most recent of {} with failures",
            super::counted(d.bad_total, "run")
        )
    } else {
        format!(
            ": {} with failures, then the most recent others",
            match d.bad_total {
                1 => "the one run".to_owned(),
                n => format!("all {n} runs"),
            }
        )
    };
    format!(
        "{which} (the others: <code>tooltrail runs</code> with the same filters, or \
         <code>tooltrail report --max-runs {}</code>)",
        d.runs_total
    )
}

fn runs_table(s: &mut String, d: &ReportData) {
    let _ = write!(
        s,
        "<section id=\"runs\"><h2>Runs</h2><p class=\"note\">Showing <span id=\"runs-shown\">{}</span> \
         of {}{}. <input id=\"filter\" type=\"search\" placeholder=\"filter: user, tool, stop reason, error class\"></p>\
         <table id=\"runs-table\"><thead><tr><th>run</th><th>start</th><th>user</th><th>request</th>\
         <th class=\"num\">calls</th><th class=\"num\">errors</th><th class=\"num\">refused</th><th>stop reason</th>\
         <th class=\"num\">duration ms</th><th class=\"num\">spend usd</th><th>error classes</th></tr></thead><tbody>",
        d.runs.len(),
        super::counted(d.runs_total, "run"),
        listed_note(d)
    );
    for (i, r) in d.runs.iter().enumerate() {
        let m = &r.summary;
        let opt = |v: &Option<String>| esc(v.as_deref().unwrap_or("-"));
        let _ = write!(
            s,
            "<tr class=\"run-row{bad}\" data-run-id=\"{id}\" data-stop-reason=\"{stop}\" data-errors=\"{errs}\" data-refused=\"{refused}\">\
             <td><a href=\"#run-{i}\"><code>{id}</code></a></td><td>{start}</td><td>{user}</td><td>{req}</td>\
             <td class=\"num\">{calls}</td><td class=\"num\">{errs}</td><td class=\"num\">{refused}</td><td>{stop}</td>\
             <td class=\"num\">{dur}</td><td class=\"num\">{spend}</td><td>{classes}</td></tr>",
            bad = if is_bad(r) { " bad" } else { "" },
            id = esc(&m.run_id),
            stop = opt(&m.stop_reason),
            errs = m.errors,
            refused = m.refused,
            start = esc(&m.start),
            user = opt(&m.user_id),
            req = opt(&m.request_id),
            calls = m.tool_calls,
            dur = m.duration_ms.map_or("-".into(), |v| super::decimal(v, 3)),
            spend = m.spend_usd.map_or("-".into(), |v| super::decimal(v, 4)),
            classes = esc(&m.error_classes.join(", ")),
        );
    }
    s.push_str("</tbody></table></section>");
}

fn current_levels(d: &ReportData) -> BTreeMap<&'static str, &'static str> {
    let mut levels = BTreeMap::new();
    for (_, c) in &d.alerts {
        levels.insert(c.rule, c.level);
    }
    levels
}

fn alerts(s: &mut String, d: &ReportData) {
    let _ = write!(
        s,
        "<section id=\"alerts\"><h2>Alerts</h2><p class=\"note\">The configured rules replayed over \
         the logs in {} s windows.</p><table id=\"alert-state\"><thead><tr><th>rule</th>\
         <th>state at the end</th></tr></thead><tbody>",
        d.alert_window_s
    );
    let levels = current_levels(d);
    if levels.is_empty() {
        s.push_str("<tr><td colspan=\"2\" class=\"level-ok\">no rule ever fired</td></tr>");
    }
    for (rule, level) in &levels {
        let state = if *level == LEVEL_RESOLVED {
            "ok"
        } else {
            level
        };
        let _ = write!(
            s,
            "<tr data-rule=\"{rule}\" data-level=\"{state}\"><td>{rule}</td>\
             <td class=\"level-{state}\">{state}</td></tr>"
        );
    }
    s.push_str(
        "</tbody></table><h3>Transitions</h3><table id=\"alert-history\"><thead><tr><th>time</th>\
         <th>rule</th><th>level</th><th class=\"num\">value</th><th class=\"num\">threshold</th>\
         <th>tripped by run</th></tr></thead><tbody>",
    );
    // The run behind a warn/critical, linked to its timeline when the
    // report holds it (the most recent runs only).
    let shown: std::collections::HashMap<&str, usize> = d
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.summary.run_id.as_str(), i))
        .collect();
    for (ts, c) in &d.alerts {
        let run = c.tripped.as_ref().and_then(|t| t.run_id.as_deref());
        let tripped = match run.map(|id| (id, shown.get(id))) {
            None => "-".to_owned(),
            Some((id, Some(i))) => format!("<a href=\"#run-{i}\"><code>{}</code></a>", esc(id)),
            Some((id, None)) => format!("<code>{}</code>", esc(id)),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"level-{l}\">{l}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"tripped\">{tripped}</td></tr>",
            esc(ts),
            c.rule,
            c.value,
            c.threshold,
            l = c.level,
        );
    }
    s.push_str("</tbody></table></section>");
}

fn latency(s: &mut String, d: &ReportData) {
    s.push_str("<section id=\"latency\"><h2>Latency by tool</h2>");
    s.push_str(&svg::latency_chart(&d.stats.tools));
    s.push_str(
        "<table id=\"tool-stats\"><thead><tr><th>tool</th><th class=\"num\">calls</th>\
         <th class=\"num\">p50 ms</th><th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th>\
         <th>failures</th></tr></thead><tbody>",
    );
    for t in &d.stats.tools {
        let failures: Vec<String> = t.errors.iter().map(|(c, n)| format!("{c}={n}")).collect();
        let _ = write!(
            s,
            "<tr data-tool=\"{tool}\"><td>{tool}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            t.calls,
            super::decimal(t.latency_ms[0], 3),
            super::decimal(t.latency_ms[1], 3),
            super::decimal(t.latency_ms[2], 3),
            esc(&failures.join(" ")),
            tool = esc(&t.tool),
        );
    }
    s.push_str("</tbody></table>");
    if d.stats.approximate {
        let _ = write!(
            s,
            "<p class=\"note\">Percentiles are approximate (within {}%).</p>",
            crate::RELATIVE_ERROR * 100.0
        );
    }
    s.push_str("</section>");
}

fn timeline(s: &mut String, i: usize, run: &RunView) {
    let m = &run.summary;
    let _ = write!(
        s,
        "<article class=\"timeline\" id=\"run-{i}\" data-run-id=\"{id}\"><h3>run <code>{id}</code></h3>\
         <p class=\"meta\">trace <code>{trace}</code> · user {user} · request {req} · {calls} calls · \
         {errs} errors · {refused} refused · stop reason <b>{stop}</b>{budgets}</p>",
        id = esc(&m.run_id),
        trace = esc(&run.trace_id),
        user = esc(m.user_id.as_deref().unwrap_or("-")),
        req = esc(m.request_id.as_deref().unwrap_or("-")),
        calls = m.tool_calls,
        errs = m.errors,
        refused = m.refused,
        stop = esc(m.stop_reason.as_deref().unwrap_or("(no run_end)")),
        budgets = run.end.as_ref().map(budget_usage).unwrap_or_default(),
    );
    s.push_str(&svg::waterfall(run));
    if run.calls_omitted > 0 {
        let _ = write!(
            s,
            "<p class=\"note\">{} more calls not drawn.</p>",
            run.calls_omitted
        );
    }
    s.push_str("</article>");
}

/// ` · max_tool_calls 4/4 · …` from a run_end's budget usage.
fn budget_usage(end: &Value) -> String {
    let mut text = String::new();
    if let Some(Value::Object(budgets)) = end.get(field::BUDGETS) {
        for (k, v) in budgets {
            let _ = write!(
                text,
                " · {} {}/{}",
                esc(k),
                num_field(v, field::USED).unwrap_or(0.0),
                num_field(v, field::LIMIT).unwrap_or(0.0)
            );
        }
    }
    if let Some(d) = num_field(end, field::DURATION_MS) {
        let _ = write!(text, " · {} ms", super::decimal(d, 3));
    }
    text
}
