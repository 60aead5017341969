//! The report's spend section: spend over time as bars (spike buckets
//! marked), the spikes spelled out, and the costliest runs. The same
//! numbers as `tooltrail spend` (one reader, [`crate::SpendAcc`]).

use std::fmt::Write;

use super::escape::esc;
use crate::{SpendReport, SpendRow};

const WIDTH: f64 = 1180.0;
const HEIGHT: f64 = 180.0;
const AXIS: f64 = 70.0;

fn usd(v: f64) -> String {
    format!("${}", super::decimal(v, 4))
}

fn names(row: &SpendRow) -> (String, String) {
    let runs: Vec<String> = row
        .top_runs
        .iter()
        .map(|(r, v)| format!("{} {}", esc(r), usd(*v)))
        .collect();
    let models: Vec<String> = row
        .top_models
        .iter()
        .map(|(m, v)| format!("{} {}", esc(m.as_deref().unwrap_or("(added)")), usd(*v)))
        .collect();
    (runs.join(", "), models.join(", "))
}

/// Spend per bucket as vertical bars on one linear scale, each at its time.
fn chart(timeline: &SpendReport) -> String {
    let rows = &timeline.rows;
    let max = rows.iter().map(|r| r.spend_usd).fold(0.0f64, f64::max);
    if rows.is_empty() || max <= 0.0 {
        return "<p class=\"empty\">No spend in these logs (no priced model call, nothing added).</p>"
            .into();
    }
    // Rows stand at their time, so that buckets with no spend show as gaps
    // rather than being closed up (10:00 and 14:30 are not neighbours).
    let offsets = timeline.bucket_offsets();
    let at = |i: usize| offsets.as_ref().map_or(i as f64, |o| o[i] as f64);
    let slots = offsets
        .as_ref()
        .and_then(|o| o.last())
        .map_or(rows.len() as f64, |&last| last as f64 + 1.0);
    let slot = (WIDTH - AXIS) / slots;
    let mut s = format!(
        "<svg id=\"spend-chart\" class=\"chart\" role=\"img\" aria-label=\"spend per {by}\" \
         width=\"{WIDTH}\" height=\"{h}\" viewBox=\"0 0 {WIDTH} {h}\">\
         <text x=\"{tx}\" y=\"14\" text-anchor=\"end\">{top}</text>\
         <text x=\"{tx}\" y=\"{bottom}\" text-anchor=\"end\">$0</text>",
        by = timeline.by.as_str(),
        h = HEIGHT + 20.0,
        tx = AXIS - 6.0,
        top = usd(max),
        bottom = HEIGHT,
    );
    for (i, r) in rows.iter().enumerate() {
        // Ratio first: `height * v` overflows to infinity for a huge v.
        let h = ((HEIGHT - 10.0) * (r.spend_usd / max)).max(1.0);
        let x = AXIS + slot * at(i);
        let key = esc(r.key.as_deref().unwrap_or(""));
        let _ = write!(
            s,
            "<rect class=\"spend{spike}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" \
             data-bucket=\"{key}\" data-usd=\"{v}\"><title>{key}: {label}</title></rect>",
            spike = if r.spike { " spike" } else { "" },
            y = HEIGHT - h,
            w = (slot * 0.85).max(0.5),
            v = super::decimal(r.spend_usd, 6),
            label = usd(r.spend_usd),
        );
    }
    s + "</svg>"
}

/// The section: chart, spikes, totals and the costliest runs (linked to
/// their timelines where `anchor` gives the listed run's index).
pub(crate) fn section(
    s: &mut String,
    timeline: &SpendReport,
    by_run: &SpendReport,
    anchor: &dyn Fn(&str) -> Option<usize>,
) {
    let t = &timeline.total;
    let _ = write!(
        s,
        "<section id=\"spend\"><h2>Spend</h2><p class=\"note\">Model calls' cost at their time plus the \
         spend the application added, per {by}: <b id=\"spend-total\">{total}</b> in all ({model} model calls \
         for {calls} calls, {added} added){unpriced}.</p>{chart}",
        by = timeline.by.as_str(),
        total = usd(t.spend_usd),
        model = usd(t.model_usd),
        calls = super::counted(t.model_calls, "call"),
        added = usd(t.added_usd),
        unpriced = match t.unpriced_model_calls {
            0 => String::new(),
            1 => "; <strong class=\"incomplete\">1 model call has no price and is not counted</strong>"
                .to_owned(),
            n => format!(
                "; <strong class=\"incomplete\">{n} model calls have no price and are not counted</strong>"
            ),
        },
        chart = chart(timeline),
    );
    if !timeline.spikes.is_empty() {
        s.push_str("<ul id=\"spikes\">");
        for spike in &timeline.spikes {
            let (runs, models) = names(&spike.total);
            let _ = write!(
                s,
                "<li class=\"spike\" data-since=\"{since}\" data-until=\"{until}\">Spike {since} to {until}: \
                 <b>{cost}</b> (the median {by} cost {median}); runs: {runs}; models: {models}</li>",
                since = esc(&spike.since),
                until = esc(&spike.until),
                cost = usd(spike.total.spend_usd),
                by = timeline.by.as_str(),
                median = usd(spike.median_usd),
            );
        }
        s.push_str("</ul>");
    }
    if !by_run.rows.is_empty() {
        s.push_str(
            "<table id=\"spend-runs\"><thead><tr><th>run</th><th>spend</th><th>model calls</th>\
             <th>tokens in / out</th><th>models</th></tr></thead><tbody>",
        );
        for r in &by_run.rows {
            let id = r.key.as_deref().unwrap_or("");
            let run = esc(id);
            let cell = match anchor(id) {
                Some(i) => format!("<a href=\"#run-{i}\"><code>{run}</code></a>"),
                None => format!("<code>{run}</code>"),
            };
            let _ = write!(
                s,
                "<tr data-run=\"{run}\"><td>{cell}</td><td>{}</td><td>{}</td>\
                 <td>{} / {}</td><td>{}</td></tr>",
                usd(r.spend_usd),
                r.model_calls,
                r.input_tokens,
                r.output_tokens,
                names(r).1,
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>");
}
