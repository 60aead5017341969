//! Incident queries over tooltrail logs: runs, a run's timeline, per-tool
//! stats, loops and alert history. Shared by the CLI and both bindings.
//! Events are streamed; memory grows with the number of runs and tools (and
//! latencies per tool, for exact percentiles), not with the file size.

mod reader;

use std::collections::{BTreeMap, HashMap};

pub use reader::{EventReader, log_files, num_field, str_field};

use crate::config::Config;
use crate::gateway::AlertChange;
use crate::value::Value;

/// Which runs to list.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs of this user.
    pub user: Option<String>,
    /// Only runs of this request.
    pub request: Option<String>,
    /// Only runs that started at or after this RFC 3339 time (string order).
    pub since: Option<String>,
    /// Only runs that started before this time.
    pub until: Option<String>,
    /// Only runs that stopped for this reason.
    pub stop_reason: Option<String>,
    /// Only runs that called this tool.
    pub tool: Option<String>,
    /// Only runs with a failure of this class.
    pub error_class: Option<String>,
}

/// One run as the logs tell it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// The run.
    pub run_id: String,
    /// First event's time.
    pub start: String,
    /// The user, if logged.
    pub user_id: Option<String>,
    /// The request, if logged.
    pub request_id: Option<String>,
    /// Tool calls made (allowed).
    pub tool_calls: u64,
    /// Failed or refused calls.
    pub errors: u64,
    /// From `run_end`; `None` if the run has no end in these logs.
    pub stop_reason: Option<String>,
    /// From `run_end`.
    pub duration_ms: Option<f64>,
    /// From `run_end`: spend reported during the run (USD).
    pub spend_usd: Option<f64>,
    /// Tools called.
    pub tools: Vec<String>,
    /// Failure classes seen.
    pub error_classes: Vec<String>,
}

impl RunSummary {
    fn absorb(&mut self, e: &Value) {
        let event = str_field(e, "event").unwrap_or("");
        if self.start.is_empty() {
            self.start = str_field(e, "ts").unwrap_or("").to_owned();
        }
        for (slot, key) in [
            (&mut self.user_id, "user_id"),
            (&mut self.request_id, "request_id"),
        ] {
            if slot.is_none() {
                *slot = str_field(e, key).map(str::to_owned);
            }
        }
        if let Some(tool) = str_field(e, "tool")
            && !self.tools.iter().any(|t| t == tool)
        {
            self.tools.push(tool.to_owned());
        }
        if let Some(class) = str_field(e, "error_class") {
            self.errors += 1;
            if !self.error_classes.iter().any(|c| c == class) {
                self.error_classes.push(class.to_owned());
            }
        }
        match event {
            "tool_call" if str_field(e, "decision") != Some("block") => self.tool_calls += 1,
            "run_end" => {
                self.stop_reason = str_field(e, "stop_reason").map(str::to_owned);
                self.duration_ms = num_field(e, "duration_ms");
                self.spend_usd = num_field(e, "spend_usd");
            }
            _ => {}
        }
    }

    fn matches(&self, f: &RunFilter) -> bool {
        let eq = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| have == Some(w))
        };
        eq(&f.user, self.user_id.as_deref())
            && eq(&f.request, self.request_id.as_deref())
            && eq(&f.stop_reason, self.stop_reason.as_deref())
            && f.since.as_deref().is_none_or(|s| self.start.as_str() >= s)
            && f.until.as_deref().is_none_or(|u| self.start.as_str() < u)
            && f.tool
                .as_deref()
                .is_none_or(|t| self.tools.iter().any(|x| x == t))
            && f.error_class
                .as_deref()
                .is_none_or(|c| self.error_classes.iter().any(|x| x == c))
    }
}

/// The runs in `events` that match `filter`, in order of first appearance.
pub fn runs(events: impl Iterator<Item = Value>, filter: &RunFilter) -> Vec<RunSummary> {
    let mut order: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, RunSummary> = HashMap::new();
    for e in events {
        let Some(run_id) = str_field(&e, "run_id") else {
            continue;
        };
        let summary = by_id.entry(run_id.to_owned()).or_insert_with(|| {
            order.push(run_id.to_owned());
            RunSummary {
                run_id: run_id.to_owned(),
                ..RunSummary::default()
            }
        });
        summary.absorb(&e);
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .filter(|r| r.matches(filter))
        .collect()
}

/// Every event of one run, in log order.
pub fn timeline(events: impl Iterator<Item = Value>, run_id: &str) -> Vec<Value> {
    events
        .filter(|e| str_field(e, "run_id") == Some(run_id))
        .collect()
}

/// Per-tool numbers for `stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolStats {
    /// The tool.
    pub tool: String,
    /// Results logged.
    pub calls: u64,
    /// Failures by class (refusals included).
    pub errors: BTreeMap<String, u64>,
    /// Latency percentiles in ms: p50, p95, p99.
    pub latency_ms: [f64; 3],
}

/// `stats`: per tool, and the hottest `(tool, args_hash)` pairs.
pub fn stats(
    events: impl Iterator<Item = Value>,
    top: usize,
) -> (Vec<ToolStats>, Vec<(String, String, u64)>) {
    let mut tools: BTreeMap<String, (ToolStats, Vec<f64>)> = BTreeMap::new();
    let mut pairs: HashMap<(String, String), u64> = HashMap::new();
    for e in events {
        let (Some(event), Some(tool)) = (str_field(&e, "event"), str_field(&e, "tool")) else {
            continue;
        };
        let entry = tools.entry(tool.to_owned()).or_insert_with(|| {
            (
                ToolStats {
                    tool: tool.to_owned(),
                    ..ToolStats::default()
                },
                Vec::new(),
            )
        });
        match event {
            "tool_result" => {
                entry.0.calls += 1;
                if let Some(l) = num_field(&e, "latency_ms") {
                    entry.1.push(l);
                }
                if let Some(c) = str_field(&e, "error_class") {
                    *entry.0.errors.entry(c.to_owned()).or_insert(0) += 1;
                }
            }
            "tool_call" => {
                if let Some(c) = str_field(&e, "error_class") {
                    *entry.0.errors.entry(c.to_owned()).or_insert(0) += 1;
                }
                if let Some(h) = str_field(&e, "args_hash") {
                    *pairs.entry((tool.to_owned(), h.to_owned())).or_insert(0) += 1;
                }
            }
            _ => {}
        }
    }
    let per_tool = tools
        .into_values()
        .map(|(mut s, mut lat)| {
            lat.sort_by(f64::total_cmp);
            s.latency_ms = [
                percentile(&lat, 0.50),
                percentile(&lat, 0.95),
                percentile(&lat, 0.99),
            ];
            s
        })
        .collect();
    let mut hot: Vec<(String, String, u64)> =
        pairs.into_iter().map(|((t, h), n)| (t, h, n)).collect();
    hot.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    hot.truncate(top);
    (per_tool, hot)
}

/// Nearest-rank percentile of sorted values (0 when empty).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// A repeated identical call within a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopFinding {
    /// The run.
    pub run_id: String,
    /// The tool.
    pub tool: String,
    /// The arguments' hash.
    pub args_hash: String,
    /// How many identical calls were attempted.
    pub count: u64,
    /// How many of them the loop guard refused.
    pub blocked: u64,
}

/// Identical `(tool, args_hash)` calls repeated at least `min` times in a run.
pub fn loops(events: impl Iterator<Item = Value>, min: u64) -> Vec<LoopFinding> {
    let mut seen: BTreeMap<(String, String, String), (u64, u64)> = BTreeMap::new();
    for e in events {
        if str_field(&e, "event") != Some("tool_call") {
            continue;
        }
        let (Some(run), Some(tool), Some(hash)) = (
            str_field(&e, "run_id"),
            str_field(&e, "tool"),
            str_field(&e, "args_hash"),
        ) else {
            continue;
        };
        let entry = seen
            .entry((run.to_owned(), tool.to_owned(), hash.to_owned()))
            .or_insert((0, 0));
        entry.0 += 1;
        if str_field(&e, "error_class") == Some("loop_detected") {
            entry.1 += 1;
        }
    }
    let mut found: Vec<LoopFinding> = seen
        .into_iter()
        .filter(|(_, (n, _))| *n >= min)
        .map(
            |((run_id, tool, args_hash), (count, blocked))| LoopFinding {
                run_id,
                tool,
                args_hash,
                count,
                blocked,
            },
        )
        .collect();
    found.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.run_id.cmp(&b.run_id)));
    found
}

/// Microseconds since the epoch of an RFC 3339 UTC timestamp as tooltrail
/// writes them (`2026-11-24T19:57:40.123456Z`).
pub fn parse_timestamp(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[10] != b'T' || !ts.ends_with('Z') {
        return None;
    }
    let n = |r: std::ops::Range<usize>| ts.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let frac = ts.get(20..ts.len() - 1).unwrap_or("");
    let micros = format!("{frac:0<6}").get(..6)?.parse::<i64>().ok()?;
    // Days from civil (Howard Hinnant), the inverse of event::civil_from_days.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1_000_000) + micros)
}

/// Replays the logs through the configured alert rules, window by window:
/// each level change with the time it happened.
pub fn alert_history(
    events: impl Iterator<Item = Value>,
    config: &Config,
) -> Vec<(String, AlertChange)> {
    let mut alerts = crate::gateway::AlertReplay::default();
    let mut out = Vec::new();
    for e in events {
        let (Some(ts), Some(event)) = (str_field(&e, "ts"), str_field(&e, "event")) else {
            continue;
        };
        let Some(us) = parse_timestamp(ts) else {
            continue;
        };
        let changes = match event {
            "tool_result" => {
                let class = str_field(&e, "error_class");
                alerts.call(
                    config,
                    us,
                    class == Some("timeout"),
                    class == Some("validation_failed"),
                )
            }
            "run_end" => alerts.run(
                config,
                us,
                num_field(&e, "tool_calls").unwrap_or(0.0) as u64,
            ),
            _ => continue,
        };
        out.extend(changes.into_iter().map(|c| (ts.to_owned(), c)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for us in [0i64, 1_795_550_260_123_456, 951_782_400_000_000] {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_micros(us as u64);
            assert_eq!(
                parse_timestamp(&crate::event::format_timestamp(t)),
                Some(us)
            );
        }
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(
            [
                percentile(&v, 0.5),
                percentile(&v, 0.95),
                percentile(&v, 0.99)
            ],
            [50.0, 95.0, 99.0]
        );
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
