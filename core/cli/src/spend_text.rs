//! The tables of `spend` and `stats --by model|agent`: spend with its
//! bar, the runs and models behind each row, the spikes spelled out, and
//! model calls with no price said apart.

use std::io::{self, Write};

use super::text::table;
use tooltrail_query::report::{counted, decimal};
use tooltrail_query::{GroupStats, SPIKE_FACTOR, SpendBy, SpendReport, SpendRow, StatsBy};

/// Width of the longest spend bar.
const BAR: usize = 24;

fn usd(v: f64) -> String {
    format!("${}", decimal(v, 4))
}

fn tokens(input: u64, output: u64) -> String {
    format!("{input}/{output}")
}

/// `model` of a top-models entry: `None` is spend the application added.
fn model_name(m: Option<&str>) -> &str {
    m.unwrap_or("(added)")
}

fn named_runs(row: &SpendRow) -> String {
    let runs: Vec<String> = row
        .top_runs
        .iter()
        .map(|(r, v)| format!("{r} {}", usd(*v)))
        .collect();
    if runs.is_empty() {
        "-".into()
    } else {
        runs.join(", ")
    }
}

fn named_models(row: &SpendRow) -> String {
    let models: Vec<String> = row
        .top_models
        .iter()
        .map(|(m, v)| format!("{} {}", model_name(m.as_deref()), usd(*v)))
        .collect();
    if models.is_empty() {
        "-".into()
    } else {
        models.join(", ")
    }
}

/// `spend`: one row per bucket / run / model / agent, then the spikes and
/// the totals.
pub(super) fn spend(out: &mut dyn Write, report: &SpendReport) -> io::Result<()> {
    let by = report.by;
    let max = report.rows.iter().map(|r| r.spend_usd).fold(0.0, f64::max);
    let bar = |v: f64| {
        let n = if max > 0.0 {
            ((v / max) * BAR as f64).round() as usize
        } else {
            0
        };
        "#".repeat(n)
    };
    let timeline = matches!(by, SpendBy::Minute | SpendBy::Hour);
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            let key = match (&r.key, by) {
                (Some(k), _) => k.clone(),
                (None, SpendBy::Model) => "(added by the application)".into(),
                (None, _) => "-".into(),
            };
            let mut cells = vec![
                key,
                usd(r.spend_usd),
                r.model_calls.to_string(),
                tokens(r.input_tokens, r.output_tokens),
            ];
            if by != SpendBy::Run {
                cells.push(r.runs.to_string());
            }
            cells.push(if timeline && r.spike {
                format!("{} SPIKE", bar(r.spend_usd))
            } else {
                bar(r.spend_usd)
            });
            if by != SpendBy::Run {
                cells.push(named_runs(r));
            }
            if by != SpendBy::Model {
                cells.push(named_models(r));
            }
            cells
        })
        .collect();
    let first = by.as_str().to_uppercase();
    let mut header = vec![first.as_str(), "SPEND", "MODEL_CALLS", "TOKENS_IN/OUT"];
    if by != SpendBy::Run {
        header.push("RUNS");
    }
    header.push("");
    if by != SpendBy::Run {
        header.push("TOP_RUNS");
    }
    if by != SpendBy::Model {
        header.push("TOP_MODELS");
    }
    table(out, &header, &rows)?;
    for s in &report.spikes {
        writeln!(
            out,
            "spike {} to {}: {} ({} × the median {} of {}); runs: {}; models: {}",
            s.since,
            s.until,
            usd(s.total.spend_usd),
            decimal(s.total.spend_usd / s.median_usd.max(1e-9), 1),
            by.as_str(),
            usd(s.median_usd),
            named_runs(&s.total),
            named_models(&s.total),
        )?;
    }
    if timeline && report.spikes.is_empty() && !report.rows.is_empty() {
        writeln!(
            out,
            "no spike (no {} above {SPIKE_FACTOR} × the median)",
            by.as_str()
        )?;
    }
    let t = &report.total;
    writeln!(
        out,
        "total {} (model calls {}, added {}); {}, {} tokens in, {} out, {}",
        usd(t.spend_usd),
        usd(t.model_usd),
        usd(t.added_usd),
        counted(t.model_calls, "model call"),
        t.input_tokens,
        t.output_tokens,
        counted(t.runs, "run"),
    )?;
    if t.unpriced_model_calls > 0 {
        writeln!(
            out,
            "{} no price (unknown model or no usage): their cost is not in these sums; add them under `pricing:` in the configuration",
            match t.unpriced_model_calls {
                1 => "1 model call has".to_owned(),
                n => format!("{n} model calls have"),
            }
        )?;
    }
    Ok(())
}

/// `stats --by model|agent`.
pub(super) fn group_stats(
    out: &mut dyn Write,
    by: StatsBy,
    groups: &[GroupStats],
) -> io::Result<()> {
    let name = |g: &GroupStats| g.key.clone().unwrap_or_else(|| "-".into());
    let (header, rows): (Vec<&str>, Vec<Vec<String>>) = match by {
        StatsBy::Model => (
            vec![
                "MODEL",
                "CALLS",
                "ERRORS",
                "TOKENS_IN/OUT",
                "SPEND",
                "UNPRICED",
                "P50_MS",
                "P95_MS",
            ],
            groups
                .iter()
                .map(|g| {
                    let errors: Vec<String> =
                        g.errors.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    vec![
                        name(g),
                        g.model_calls.to_string(),
                        if errors.is_empty() {
                            "-".into()
                        } else {
                            errors.join(",")
                        },
                        tokens(g.input_tokens, g.output_tokens),
                        usd(g.spend_usd),
                        g.unpriced_model_calls.to_string(),
                        decimal(g.latency_ms[0], 3),
                        decimal(g.latency_ms[1], 3),
                    ]
                })
                .collect(),
        ),
        StatsBy::Agent | StatsBy::Tool => (
            vec![
                "AGENT",
                "RUNS",
                "TOOL_CALLS",
                "TOOL_ERRORS",
                "MODEL_CALLS",
                "TOKENS_IN/OUT",
                "SPEND",
                "UNPRICED",
            ],
            groups
                .iter()
                .map(|g| {
                    vec![
                        name(g),
                        g.runs.to_string(),
                        g.tool_calls.to_string(),
                        g.tool_errors.to_string(),
                        g.model_calls.to_string(),
                        tokens(g.input_tokens, g.output_tokens),
                        usd(g.spend_usd),
                        g.unpriced_model_calls.to_string(),
                    ]
                })
                .collect(),
        ),
    };
    table(out, &header, &rows)
}
