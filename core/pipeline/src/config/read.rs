//! [`Config::from_value`]: one function per part of the file, each reading
//! its own [`Section`] and refusing the keys it does not know. Keys are read
//! in the documented order, so the first bad key reported is the same as it
//! always was.

use super::{Config, ConfigError, LoopGuard, Requirement, Section, StoreResults, err};
use tooltrail_json::Value;

impl Config {
    /// Reads a configuration from a value (a host dict/object or parsed YAML).
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        let mut root = Section::new("", value)?;
        if let Some(s) = root.section("logging")? {
            logging(&mut c, s)?;
        }
        if let Some(s) = root.section("budgets")? {
            budgets(&mut c, s)?;
        }
        if let Some(v) = root.get("pricing") {
            c.pricing = super::prices::read(v)?;
        }
        if let Some(s) = root.section("sinks")? {
            sinks(&mut c, s)?;
        }
        root.finish()?;
        Ok(c)
    }
}

/// `logging`: its subsections and `agent_id`.
fn logging(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    if let Some(ids) = s.section("ids")? {
        logging_ids(c, ids)?;
    }
    c.agent_id = s.string("agent_id")?;
    if let Some(t) = s.section("tool_calls")? {
        tool_calls(c, t)?;
    }
    if let Some(pii) = s.section("pii")? {
        logging_pii(c, pii)?;
    }
    if let Some(mut stop) = s.section("stop_reasons")? {
        stop.bool("enabled", &mut c.stop_reasons_enabled)?;
        stop.finish()?;
    }
    if let Some(a) = s.section("alerts")? {
        super::alerts::read(c, a)?;
    }
    s.finish()
}

/// `logging.ids`: which ids a call must carry.
fn logging_ids(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    for (name, slot) in [
        ("run_id", &mut c.run_id),
        ("trace_id", &mut c.trace_id),
        ("request_id", &mut c.request_id),
    ] {
        if let Some(v) = s.choice(name, &["required", "optional"])? {
            *slot = if v == "required" {
                Requirement::Required
            } else {
                Requirement::Optional
            };
        }
    }
    s.finish()
}

/// The longest incident window, opened by the API or configured with
/// `store_args_until` (366 days): an incident window is short; a longer one
/// is a unit mistake.
pub const MAX_WINDOW_S: f64 = 366.0 * 86_400.0;

/// `logging.tool_calls`: what a tool call's events store.
fn tool_calls(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    s.bool("enabled", &mut c.tool_calls_enabled)?;
    s.bool("store_args", &mut c.store_args)?;
    c.store_args_until_us = s.instant("store_args_until")?;
    if let Some(until) = c.store_args_until_us {
        // The same bound as `incident_window(...)`, from when the
        // configuration is read.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as i64);
        if until.saturating_sub(now) as f64 > MAX_WINDOW_S * 1e6 {
            return Err(err(
                "logging.tool_calls.store_args_until",
                "must be at most 366 days from now (an incident window is short; a longer one is a unit mistake)",
            ));
        }
    }
    s.bool("store_args_hash", &mut c.store_args_hash)?;
    s.bool("store_error_messages", &mut c.store_error_messages)?;
    if let Some(v) = s.choice("store_results", &["none", "sampled", "full"])? {
        c.store_results = match v {
            "none" => StoreResults::None,
            "full" => StoreResults::Full,
            _ => StoreResults::Sampled,
        };
    }
    if let Some(rate) = s.number("result_sample_rate", 0.0, 1.0)? {
        c.result_sample_rate = rate;
    }
    c.hash_key_env = s.string("hash_key_env")?;
    s.finish()
}

/// `logging.pii`: the extra key names to redact, and value patterns.
fn logging_pii(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    let key = s.key("redact_fields");
    if let Some(v) = s.get("redact_fields") {
        let bad = || err(&key, "must be a list of non-empty strings");
        c.redact_fields = match v {
            // A bad item is named by its index, as a value with no JSON
            // form in a host's object is (`redact_fields[1]`).
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(n, i)| match i {
                    Value::String(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(err(&format!("{key}[{n}]"), "must be a non-empty string")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(bad()),
        };
    }
    let key = s.key("redact_patterns");
    if let Some(v) = s.get("redact_patterns") {
        let Value::Array(items) = v else {
            return Err(err(&key, "must be a list of {name, pattern} mappings"));
        };
        if items.len() > crate::redact::MAX_PATTERNS {
            return Err(err(
                &key,
                &format!(
                    "has {} patterns; at most {}",
                    items.len(),
                    crate::redact::MAX_PATTERNS
                ),
            ));
        }
        c.redact_patterns = items
            .iter()
            .enumerate()
            .map(|(n, item)| redact_pattern(&format!("{key}[{n}]"), item))
            .collect::<Result<_, _>>()?;
    }
    s.finish()
}

/// One `{name, pattern}` of `logging.pii.redact_patterns`, compiled; an
/// error names the member (`logging.pii.redact_patterns[0].pattern`).
fn redact_pattern(path: &str, item: &Value) -> Result<crate::RedactPattern, ConfigError> {
    let mut s = Section::new(path, item)?;
    let name = s.string("name")?;
    let pattern = s.string("pattern")?;
    let (name_key, pattern_key) = (s.key("name"), s.key("pattern"));
    s.finish()?;
    let name = name.ok_or_else(|| err(&name_key, "is required"))?;
    let pattern = pattern.ok_or_else(|| err(&pattern_key, "is required"))?;
    crate::RedactPattern::new(&name, &pattern).map_err(|e| {
        err(
            if e.member == "name" {
                &name_key
            } else {
                &pattern_key
            },
            &e.message,
        )
    })
}

/// `budgets`: the per-run limits.
fn budgets(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    c.max_tool_calls = s.count("max_tool_calls")?;
    c.max_steps = s.count("max_steps")?;
    c.max_duration_s = s.number("max_duration_s", 0.0, f64::MAX)?;
    c.max_spend_usd = s.number("max_spend_usd", 0.0, f64::MAX)?;
    c.max_input_tokens = s.count("max_input_tokens")?;
    c.max_output_tokens = s.count("max_output_tokens")?;
    if let Some(lg) = s.section("loop_guard")? {
        c.loop_guard = Some(loop_guard(lg)?);
    }
    s.finish()
}

/// `budgets.loop_guard`: `block_after` is required; `warn_after` defaults
/// to it (no warning before the refusal).
fn loop_guard(mut s: Section<'_>) -> Result<LoopGuard, ConfigError> {
    let warn_after = s.count("warn_after")?;
    let block_after = s.count("block_after")?;
    let key = s.key("block_after");
    s.finish()?;
    let block_after = block_after.ok_or_else(|| err(&key, "is required"))?;
    let warn_after = warn_after.unwrap_or(block_after);
    if warn_after > block_after {
        return Err(err(&key, "must be at least warn_after"));
    }
    Ok(LoopGuard {
        warn_after,
        block_after,
    })
}

/// `sinks`: where events go besides the local files.
fn sinks(c: &mut Config, mut s: Section<'_>) -> Result<(), ConfigError> {
    if let Some(otlp) = s.section("otlp")? {
        c.otlp = Some(super::otlp::parse_otlp_section(otlp)?);
    }
    s.finish()
}
