//! `logging.alerts`: each rule's thresholds and when it may fire (a minimum
//! number of samples in the window, a sustain period `for`, hysteresis
//! `clear_ratio`), and the duration syntax `for` takes. What the settings do
//! is `gateway::alerts`'s; the defaults are here (docs/gateway.md, "Alerts").

use super::{Config, ConfigError, Section, err};

/// Default `min_calls`: tool results a rate rule needs in its window before
/// it may fire (fewer: the rule is `ok`, there is too little to judge).
pub const DEFAULT_MIN_CALLS: u64 = 20;
/// Default `min_runs`: runs ended in the window before
/// `tool_calls_per_run_p95` may fire.
pub const DEFAULT_MIN_RUNS: u64 = 5;
/// Default `for`: how long a level must hold before it fires (0: at once).
pub const DEFAULT_FOR_S: f64 = 0.0;
/// Default `clear_ratio`: a firing level clears only once the value is at or
/// below its threshold × this (hysteresis).
pub const DEFAULT_CLEAR_RATIO: f64 = 0.8;

/// One alert rule: `warn` / `critical` thresholds and when they fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertRule {
    /// Warning level: fires when the value is above it (not at it).
    pub warn: f64,
    /// Critical level: fires when the value is above it.
    pub critical: f64,
    /// `min_calls` (rate rules) / `min_runs` (`tool_calls_per_run_p95`):
    /// below this many samples in the window the rule is `ok`.
    pub min_samples: u64,
    /// `for`: seconds the value must stay above a threshold before that
    /// level fires (measured at each tool result and run end).
    pub for_s: f64,
    /// `clear_ratio`: a level that fired holds until the value falls to its
    /// threshold × this or below.
    pub clear_ratio: f64,
}

impl AlertRule {
    /// A rule with these thresholds and minimum, the other settings default.
    pub const fn new(warn: f64, critical: f64, min_samples: u64) -> Self {
        Self {
            warn,
            critical,
            min_samples,
            for_s: DEFAULT_FOR_S,
            clear_ratio: DEFAULT_CLEAR_RATIO,
        }
    }
}

/// A duration as `for` and `--since` take it: a whole number and a unit,
/// `s`, `m`, `h` or `d` (`30s`, `5m`, `2h`, `7d`), in microseconds. `None`
/// for anything else (a caller names the key or flag).
pub fn parse_duration_us(text: &str) -> Option<i64> {
    let unit: i64 = match text.as_bytes().last()? {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        b'd' => 86_400,
        _ => return None,
    };
    let n = &text[..text.len() - 1];
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    n.parse::<i64>()
        .ok()?
        .checked_mul(unit)?
        .checked_mul(1_000_000)
}

/// The settings `logging.alerts` gives every rule (each rule may override).
#[derive(Clone, Copy)]
struct Shared {
    min_calls: Option<u64>,
    min_runs: Option<u64>,
    for_s: Option<f64>,
    clear_ratio: Option<f64>,
}

/// `logging.alerts`: the shared settings and the window first, then each
/// rule (its own keys over the shared ones).
pub(super) fn read(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    let shared = Shared {
        min_calls: s.count("min_calls")?,
        min_runs: s.count("min_runs")?,
        for_s: s.duration("for")?,
        clear_ratio: s.number("clear_ratio", 0.0, 1.0)?,
    };
    if let Some(w) = s.number("window_s", 1.0, 86_400.0)? {
        c.alert_window_s = w;
    }
    for (name, slot, min_key, min) in [
        (
            "tool_calls_per_run_p95",
            &mut c.alert_tool_calls_p95,
            "min_runs",
            shared.min_runs,
        ),
        (
            "timeout_rate",
            &mut c.alert_timeout_rate,
            "min_calls",
            shared.min_calls,
        ),
        (
            "validation_fail_rate",
            &mut c.alert_validation_fail_rate,
            "min_calls",
            shared.min_calls,
        ),
        (
            "error_rate",
            &mut c.alert_error_rate,
            "min_calls",
            shared.min_calls,
        ),
        (
            "spend_usd_per_min",
            &mut c.alert_spend_usd_per_min,
            "min_calls",
            shared.min_calls,
        ),
    ] {
        // An explicit null turns the rule off; an absent key keeps the
        // default thresholds (with the shared settings).
        if s.is_null(name) {
            *slot = None;
        }
        if let Some(r) = slot.as_mut() {
            apply(r, min, &shared);
        }
        if let Some(rule_section) = s.section(name)? {
            *slot = Some(rule(rule_section, min_key, min, &shared)?);
        }
    }
    s.finish()
}

fn apply(r: &mut AlertRule, min: Option<u64>, shared: &Shared) {
    r.min_samples = min.unwrap_or(r.min_samples);
    r.for_s = shared.for_s.unwrap_or(r.for_s);
    r.clear_ratio = shared.clear_ratio.unwrap_or(r.clear_ratio);
}

/// One rule's mapping: `warn` and `critical` (both required), and its own
/// `min_calls` / `min_runs`, `for` and `clear_ratio`.
fn rule(
    mut s: Section<'_>,
    min_key: &str,
    shared_min: Option<u64>,
    shared: &Shared,
) -> Result<AlertRule, ConfigError> {
    let warn = s.number("warn", 0.0, f64::MAX)?;
    let critical = s.number("critical", 0.0, f64::MAX)?;
    let min = s.count(min_key)?;
    let for_s = s.duration("for")?;
    let clear_ratio = s.number("clear_ratio", 0.0, 1.0)?;
    let key = s.path().to_owned();
    s.finish()?;
    let (Some(warn), Some(critical)) = (warn, critical) else {
        return Err(err(&key, "needs both warn and critical"));
    };
    if warn > critical {
        return Err(err(&key, "warn must not exceed critical"));
    }
    let default_min = if min_key == "min_runs" {
        DEFAULT_MIN_RUNS
    } else {
        DEFAULT_MIN_CALLS
    };
    let mut r = AlertRule::new(warn, critical, default_min);
    apply(&mut r, shared_min, shared);
    r.min_samples = min.unwrap_or(r.min_samples);
    r.for_s = for_s.unwrap_or(r.for_s);
    r.clear_ratio = clear_ratio.unwrap_or(r.clear_ratio);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_a_whole_number_and_a_unit() {
        assert_eq!(parse_duration_us("5m"), Some(300_000_000));
        assert_eq!(parse_duration_us("0s"), Some(0));
        assert_eq!(parse_duration_us("2h"), Some(7_200_000_000));
        assert_eq!(parse_duration_us("1d"), Some(86_400_000_000));
        for bad in [
            "",
            "m",
            "5",
            "-5m",
            "5 m",
            "1.5m",
            "5w",
            "99999999999999999999d",
        ] {
            assert_eq!(parse_duration_us(bad), None, "{bad}");
        }
    }
}
