//! The configuration, read from YAML text or from an equivalent
//! host dict/object (already converted to [`Value`]) by one validator.
//! Unknown keys and bad values are errors naming the full key.
//!
//! `section` is the checked reader of one mapping, `read` reads each part of
//! the file (`logging.ids`, `logging.tool_calls`, …, `budgets`, `sinks`) with
//! it, `yaml` turns YAML into the same [`Value`] a host object converts to.
//! `keys` lists every key with its type, default and meaning ([`KEYS`]);
//! the reader is tested against it.

use std::fmt;

mod alerts;
mod keys;
#[cfg(test)]
mod keys_tests;
mod otlp;
mod prices;
mod read;
mod section;
mod yaml;

pub use alerts::{
    AlertRule, DEFAULT_CLEAR_RATIO, DEFAULT_FOR_S, DEFAULT_MIN_CALLS, DEFAULT_MIN_RUNS,
    parse_duration_us,
};

use yaml_rust2::YamlLoader;

pub(crate) use section::{Section, err};
use yaml::yaml_to_value;

pub use keys::{ConfigKey, KEYS, KeyDefault, KeyType, config_key};
pub use otlp::{OtlpConfig, credentials, secrets, without_credentials};
pub use read::MAX_WINDOW_S;

use tooltrail_json::Value;

/// A bad configuration: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path of the offending key, e.g. `logging.tool_calls.store_results`.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration `{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl From<tooltrail_json::CanonError> for ConfigError {
    /// A host `config=` object with a value that has no JSON form: the key is
    /// the value's path.
    /// The key is dotted as every other config error's
    /// (`budgets.max_tool_calls`, `logging.pii.redact_fields[2]`), not a
    /// JSON path (`$.budgets…`).
    fn from(e: tooltrail_json::CanonError) -> Self {
        let mut key = String::new();
        for segment in e.path().segments() {
            match segment {
                tooltrail_json::PathSegment::Key(k) => {
                    if !key.is_empty() {
                        key.push('.');
                    }
                    key.push_str(k);
                }
                tooltrail_json::PathSegment::Index(i) => key.push_str(&format!("[{i}]")),
            }
        }
        if key.is_empty() {
            key.push_str("(root)");
        }
        ConfigError {
            key,
            message: e.detail().to_owned(),
        }
    }
}

/// Whether an id must be given on every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// A call without it is refused.
    Required,
    /// It may be missing (logged as null).
    Optional,
}

/// How tool results are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreResults {
    /// Never.
    None,
    /// For the runs picked by `result_sample_rate` (same pick in every language).
    Sampled,
    /// Always (redacted).
    Full,
}

/// `budgets.loop_guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopGuard {
    /// Identical calls after which a warning is logged.
    pub warn_after: u64,
    /// Identical calls after which calls are refused.
    pub block_after: u64,
}

/// The whole configuration; `Config::default()` is the safe default.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `logging.ids.run_id`
    pub run_id: Requirement,
    /// `logging.ids.trace_id`
    pub trace_id: Requirement,
    /// `logging.ids.request_id`
    pub request_id: Requirement,
    /// `logging.agent_id` (extension): written on every event when set.
    pub agent_id: Option<String>,
    /// `logging.tool_calls.enabled`
    pub tool_calls_enabled: bool,
    /// `logging.tool_calls.store_args`
    pub store_args: bool,
    /// `logging.tool_calls.store_args_until` (extension, the incident
    /// window): store redacted args until this instant (µs since the
    /// epoch), then stop by themselves.
    pub store_args_until_us: Option<i64>,
    /// `logging.tool_calls.store_args_hash`
    pub store_args_hash: bool,
    /// `logging.tool_calls.store_results`
    pub store_results: StoreResults,
    /// `logging.tool_calls.result_sample_rate`
    pub result_sample_rate: f64,
    /// `logging.tool_calls.store_error_messages` (extension, default true:
    /// "what failed and why" is answerable from the log alone).
    pub store_error_messages: bool,
    /// `logging.tool_calls.hash_key_env` (extension): environment variable
    /// holding the HMAC key; the key itself never sits in the file.
    pub hash_key_env: Option<String>,
    /// `logging.pii.redact_fields`
    pub redact_fields: Vec<String>,
    /// `logging.pii.redact_patterns` (extension): value patterns, compiled
    /// when the configuration is read.
    pub redact_patterns: Vec<crate::RedactPattern>,
    /// `logging.stop_reasons.enabled`
    pub stop_reasons_enabled: bool,
    /// `logging.alerts.tool_calls_per_run_p95`
    pub alert_tool_calls_p95: Option<AlertRule>,
    /// `logging.alerts.timeout_rate`
    pub alert_timeout_rate: Option<AlertRule>,
    /// `logging.alerts.validation_fail_rate`
    pub alert_validation_fail_rate: Option<AlertRule>,
    /// `logging.alerts.error_rate`: the share of tool results not ok (off
    /// unless configured).
    pub alert_error_rate: Option<AlertRule>,
    /// `logging.alerts.spend_usd_per_min`: model and added spend per minute
    /// over the window (off unless configured).
    pub alert_spend_usd_per_min: Option<AlertRule>,
    /// `logging.alerts.window_s` (extension, default 300).
    pub alert_window_s: f64,
    /// `budgets.max_tool_calls`
    pub max_tool_calls: Option<u64>,
    /// `budgets.max_steps`
    pub max_steps: Option<u64>,
    /// `budgets.max_duration_s`
    pub max_duration_s: Option<f64>,
    /// `budgets.max_spend_usd`
    pub max_spend_usd: Option<f64>,
    /// `budgets.max_input_tokens`: model input tokens per run.
    pub max_input_tokens: Option<u64>,
    /// `budgets.max_output_tokens`: model output tokens per run.
    pub max_output_tokens: Option<u64>,
    /// `budgets.loop_guard`
    pub loop_guard: Option<LoopGuard>,
    /// `pricing`: prices by exact model name, over the shipped table.
    pub pricing: std::collections::BTreeMap<String, crate::pricing::Price>,
    /// `sinks.otlp` (extension): also export events to an OpenTelemetry
    /// collector (docs/otlp.md). `None`: local files only.
    pub otlp: Option<OtlpConfig>,
}

impl Default for Config {
    fn default() -> Self {
        let rate = |warn, critical| Some(AlertRule::new(warn, critical, DEFAULT_MIN_CALLS));
        Self {
            run_id: Requirement::Required,
            trace_id: Requirement::Required,
            request_id: Requirement::Required,
            agent_id: None,
            tool_calls_enabled: true,
            store_args: false,
            store_args_until_us: None,
            store_args_hash: true,
            store_results: StoreResults::Sampled,
            result_sample_rate: 0.01,
            store_error_messages: true,
            hash_key_env: None,
            redact_fields: ["email", "phone", "token", "authorization", "cookie"]
                .map(String::from)
                .to_vec(),
            redact_patterns: Vec::new(),
            stop_reasons_enabled: true,
            alert_tool_calls_p95: Some(AlertRule::new(10.0, 20.0, DEFAULT_MIN_RUNS)),
            alert_timeout_rate: rate(0.02, 0.05),
            alert_validation_fail_rate: rate(0.02, 0.05),
            alert_error_rate: None,
            alert_spend_usd_per_min: None,
            alert_window_s: 300.0,
            max_tool_calls: None,
            max_steps: None,
            max_duration_s: None,
            max_spend_usd: None,
            max_input_tokens: None,
            max_output_tokens: None,
            loop_guard: None,
            pricing: std::collections::BTreeMap::new(),
            otlp: None,
        }
    }
}

impl Config {
    /// The alert rules in [`ALERT_RULES`](crate::gateway::ALERT_RULES) order
    /// (`None`: turned off).
    pub fn alert_rules(&self) -> [Option<&AlertRule>; 5] {
        [
            self.alert_tool_calls_p95.as_ref(),
            self.alert_timeout_rate.as_ref(),
            self.alert_validation_fail_rate.as_ref(),
            self.alert_error_rate.as_ref(),
            self.alert_spend_usd_per_min.as_ref(),
        ]
    }

    /// The price of `model`: the configuration's `pricing` entry, else the
    /// shipped table's; `None` when neither names it exactly.
    pub fn price(&self, model: &str) -> Option<crate::pricing::Price> {
        self.pricing
            .get(model)
            .or_else(|| crate::pricing::default_prices().models.get(model))
            .copied()
    }

    /// The HMAC key for `args_hash`, read from the environment variable named
    /// by `logging.tool_calls.hash_key_env` (never from the file). `None`
    /// when no variable is configured; an error when it is named but unset.
    pub fn hash_key(&self) -> Result<Option<Vec<u8>>, ConfigError> {
        let Some(var) = &self.hash_key_env else {
            return Ok(None);
        };
        let key = std::env::var_os(var).ok_or_else(|| {
            err(
                "logging.tool_calls.hash_key_env",
                &format!("environment variable {var} is not set"),
            )
        })?;
        // The one HMAC key rule ([`crate::check_hash_key`]), said in the
        // configuration's terms.
        if crate::check_hash_key(key.as_encoded_bytes(), var).is_err() {
            return Err(err(
                "logging.tool_calls.hash_key_env",
                &format!("environment variable {var} is empty"),
            ));
        }
        Ok(Some(key.into_encoded_bytes()))
    }

    /// Reads and validates a YAML configuration file; an unreadable file is
    /// an error on the key `(file)`.
    pub fn from_path(path: &std::path::Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| err("(file)", &format!("cannot read {}: {e}", path.display())))?;
        Self::from_yaml(&text)
    }

    /// The `config=` argument of both bindings, converted: `null` for the
    /// defaults, a string for a YAML file's path, an object for the settings.
    pub fn load(arg: &Value) -> Result<Self, ConfigError> {
        match arg {
            Value::Null => Ok(Self::default()),
            Value::String(path) => Self::from_path(std::path::Path::new(path)),
            Value::Object(_) => Self::from_value(arg),
            other => Err(err(
                "(root)",
                &format!(
                    "expected a path to a YAML file or an object of settings, not {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// Reads a configuration from YAML text.
    pub fn from_yaml(text: &str) -> Result<Self, ConfigError> {
        yaml::refuse_aliases(text)?;
        let docs = YamlLoader::load_from_str(text).map_err(|e| err("(yaml)", &e.to_string()))?;
        match docs.as_slice() {
            [] => Ok(Self::default()),
            [doc] => Self::from_value(&yaml_to_value(doc, "")?),
            _ => Err(err("(yaml)", "expected one YAML document")),
        }
    }
}
