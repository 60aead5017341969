//! Inline SVG charts for the report: drawn here, as markup, so the page needs
//! no script or library to show them and tests can read them from the DOM.

use std::fmt::Write;

use super::RunView;
use super::escape::esc;
use crate::ToolStats;

const WIDTH: f64 = 1180.0;
const LABEL: f64 = 220.0;
const ROW: f64 = 22.0;

/// Horizontal bars, one per `(label, value)`, scaled to the largest.
pub(crate) fn error_chart(rows: &[(String, u64)]) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">No failed or refused calls.</p>".into();
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let height = ROW * rows.len() as f64 + 8.0;
    let mut s = format!(
        "<svg id=\"error-chart\" class=\"chart\" role=\"img\" aria-label=\"failures by error class\" \
         width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">"
    );
    for (i, (class, n)) in rows.iter().enumerate() {
        let y = i as f64 * ROW + 4.0;
        let w = ((WIDTH - LABEL - 80.0) * (*n as f64 / max)).max(2.0);
        let _ = write!(
            s,
            "<g class=\"bar\" data-class=\"{c}\" data-count=\"{n}\">\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{c}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" class=\"failed\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{n}</text></g>",
            c = esc(class),
            lx = LABEL - 8.0,
            ty = y + 14.0,
            h = ROW - 6.0,
            vx = LABEL + w + 6.0,
        );
    }
    s + "</svg>"
}

/// p50, p95 and p99 per tool as three bars, on one linear scale.
pub(crate) fn latency_chart(tools: &[ToolStats]) -> String {
    if tools.is_empty() {
        return "<p class=\"empty\">No tool results.</p>".into();
    }
    let max = tools
        .iter()
        .map(|t| t.latency_ms[2])
        .fold(0.0f64, f64::max)
        .max(1e-3);
    let group = ROW * 3.0 + 10.0;
    let height = group * tools.len() as f64 + 8.0;
    let mut s = format!(
        "<svg id=\"latency-chart\" class=\"chart\" role=\"img\" aria-label=\"latency percentiles by tool\" \
         width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">"
    );
    for (i, t) in tools.iter().enumerate() {
        let y0 = i as f64 * group + 4.0;
        let _ = write!(
            s,
            "<g class=\"tool-latency\" data-tool=\"{tool}\"><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{tool}</text>",
            tool = esc(&t.tool),
            lx = LABEL - 60.0,
            ty = y0 + ROW * 1.5 + 4.0,
        );
        for (j, (name, v)) in ["p50", "p95", "p99"].iter().zip(t.latency_ms).enumerate() {
            let y = y0 + j as f64 * ROW;
            // Ratio first: `width * v` overflows to infinity for a huge v.
            let w = ((WIDTH - LABEL - 110.0) * (v / max)).clamp(1.0, WIDTH);
            let _ = write!(
                s,
                "<text x=\"{qx}\" y=\"{ty}\" text-anchor=\"end\" class=\"q\">{name}</text>\
                 <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" class=\"{name}\" data-ms=\"{vj}\"></rect>\
                 <text x=\"{vx:.1}\" y=\"{ty}\">{vs} ms</text>",
                qx = LABEL - 8.0,
                ty = y + 14.0,
                h = ROW - 6.0,
                vx = LABEL + w + 6.0,
                vs = super::decimal(v, 3),
                vj = json_number(v),
            );
        }
        s += "</g>";
    }
    s + "</svg>"
}

/// A number as JSON writes it (`1e+308`, not 309 digits), for data attributes.
fn json_number(v: f64) -> String {
    let mut out = Vec::new();
    tooltrail_json::format_number(v, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The run's tool calls as a waterfall: one row per call, placed at its
/// start (after the run's first event) and as wide as its latency.
pub(crate) fn waterfall(run: &RunView) -> String {
    if run.calls.is_empty() {
        return "<p class=\"empty\">No tool calls.</p>".into();
    }
    let end_us = run
        .calls
        .iter()
        .map(|c| {
            c.start_us
                .saturating_add((c.latency_ms.unwrap_or(0.0) * 1000.0) as i64)
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = (WIDTH - LABEL - 260.0) / end_us as f64;
    let height = ROW * run.calls.len() as f64 + 26.0;
    let mut s = format!(
        "<svg class=\"waterfall\" role=\"img\" aria-label=\"tool calls over time\" width=\"{WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\
         <line x1=\"{LABEL}\" y1=\"{axis}\" x2=\"{x2}\" y2=\"{axis}\" class=\"axis\"></line>\
         <text x=\"{LABEL}\" y=\"{ty}\" class=\"q\">0 ms</text>\
         <text x=\"{x2}\" y=\"{ty}\" text-anchor=\"end\" class=\"q\">{total_s} ms</text>",
        axis = height - 20.0,
        x2 = WIDTH - 260.0,
        ty = height - 6.0,
        total_s = super::decimal(end_us as f64 / 1000.0, 3),
    );
    for (i, c) in run.calls.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        let x = LABEL + c.start_us as f64 * scale;
        let w = (c.latency_ms.unwrap_or(0.0) * 1000.0 * scale).clamp(3.0, WIDTH);
        let latency = c.latency_ms.map_or_else(
            || "no result".to_owned(),
            |l| format!("{} ms", super::decimal(l, 3)),
        );
        let outcome = match &c.error_class {
            Some(class) => format!("{} {class}", c.outcome),
            None => c.outcome.to_owned(),
        };
        // From the log, like every other field here: escaped (it was not,
        // and a crafted args_hash ran script in the report).
        let short = esc(&c.args_hash.chars().take(12).collect::<String>());
        // On the bar's label too, so repeated arguments (a loop, a retry of
        // the same e-mail) show at a glance without hovering.
        let prefix = esc(&c.args_hash.chars().take(8).collect::<String>());
        let _ = write!(
            s,
            "<g class=\"call {o}\" data-seq=\"{seq}\" data-tool=\"{tool}\" data-outcome=\"{o}\" \
             data-latency-ms=\"{lat}\" data-error-class=\"{class}\" data-args-hash=\"{hash}\">\
             <title>#{seq} {tool} args {short} {latency} {outcome_e}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">#{seq} {tool}</text>\
             <rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" class=\"{o}\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"q\">{latency} {outcome_e} \
             <tspan class=\"hash\">{prefix}</tspan></text></g>",
            o = c.outcome,
            seq = c.seq,
            tool = esc(&c.tool),
            lat = c.latency_ms.map_or(String::new(), json_number),
            class = esc(c.error_class.as_deref().unwrap_or("")),
            outcome_e = esc(&outcome),
            hash = esc(&c.args_hash),
            lx = LABEL - 8.0,
            ty = y + 14.0,
            h = ROW - 6.0,
            vx = x + w + 6.0,
        );
    }
    s + "</svg>"
}
