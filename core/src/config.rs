//! The configuration of SPEC §5, read from YAML text or from an equivalent
//! host dict/object (already converted to [`Value`]) by one validator.
//! Unknown keys and bad values are errors naming the full key.

use std::fmt;

use yaml_rust2::{Yaml, YamlLoader};

use crate::otlp::OtlpConfig;
use crate::value::Value;

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

impl From<crate::CanonError> for ConfigError {
    /// A host `config=` object with a value that has no JSON form: the key is
    /// the value's path.
    fn from(e: crate::CanonError) -> Self {
        ConfigError {
            key: e.path().to_string(),
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

/// `warn` / `critical` thresholds of one alert rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Warning level.
    pub warn: f64,
    /// Critical level.
    pub critical: f64,
}

/// `budgets.loop_guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopGuard {
    /// Identical calls after which a warning is logged.
    pub warn_after: u64,
    /// Identical calls after which calls are refused.
    pub block_after: u64,
}

/// The whole configuration; `Config::default()` is SPEC §5's safe default.
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
    /// `logging.tool_calls.store_args_hash`
    pub store_args_hash: bool,
    /// `logging.tool_calls.store_results`
    pub store_results: StoreResults,
    /// `logging.tool_calls.result_sample_rate`
    pub result_sample_rate: f64,
    /// `logging.tool_calls.store_error_messages` (extension, default false).
    pub store_error_messages: bool,
    /// `logging.tool_calls.hash_key_env` (extension): environment variable
    /// holding the HMAC key; the key itself never sits in the file.
    pub hash_key_env: Option<String>,
    /// `logging.pii.redact_fields`
    pub redact_fields: Vec<String>,
    /// `logging.stop_reasons.enabled`
    pub stop_reasons_enabled: bool,
    /// `logging.alerts.tool_calls_per_run_p95`
    pub alert_tool_calls_p95: Option<Thresholds>,
    /// `logging.alerts.timeout_rate`
    pub alert_timeout_rate: Option<Thresholds>,
    /// `logging.alerts.validation_fail_rate`
    pub alert_validation_fail_rate: Option<Thresholds>,
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
    /// `budgets.loop_guard`
    pub loop_guard: Option<LoopGuard>,
    /// `sinks.otlp` (extension): also export events to an OpenTelemetry
    /// collector (docs/otlp.md). `None`: local files only.
    pub otlp: Option<OtlpConfig>,
}

impl Default for Config {
    fn default() -> Self {
        let t = |warn, critical| Some(Thresholds { warn, critical });
        Self {
            run_id: Requirement::Required,
            trace_id: Requirement::Required,
            request_id: Requirement::Required,
            agent_id: None,
            tool_calls_enabled: true,
            store_args: false,
            store_args_hash: true,
            store_results: StoreResults::Sampled,
            result_sample_rate: 0.01,
            store_error_messages: false,
            hash_key_env: None,
            redact_fields: ["email", "phone", "token", "authorization", "cookie"]
                .map(String::from)
                .to_vec(),
            stop_reasons_enabled: true,
            alert_tool_calls_p95: t(10.0, 20.0),
            alert_timeout_rate: t(0.02, 0.05),
            alert_validation_fail_rate: t(0.02, 0.05),
            alert_window_s: 300.0,
            max_tool_calls: None,
            max_steps: None,
            max_duration_s: None,
            max_spend_usd: None,
            loop_guard: None,
            otlp: None,
        }
    }
}

/// One mapping being read; remembers which keys were used so that the rest
/// can be reported as unknown.
pub(crate) struct Section<'a> {
    path: String,
    members: &'a [(String, Value)],
    used: Vec<bool>,
}

impl<'a> Section<'a> {
    fn new(path: &str, value: &'a Value) -> Result<Self, ConfigError> {
        match value {
            Value::Object(members) => Ok(Self {
                path: path.into(),
                members,
                used: vec![false; members.len()],
            }),
            _ => Err(err(path, "must be a mapping")),
        }
    }

    pub(crate) fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.into()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    pub(crate) fn get(&mut self, name: &str) -> Option<&'a Value> {
        let i = self.members.iter().position(|(k, _)| k == name)?;
        self.used[i] = true;
        match &self.members[i].1 {
            Value::Null => None,
            v => Some(v),
        }
    }

    pub(crate) fn section(&mut self, name: &str) -> Result<Option<Section<'a>>, ConfigError> {
        let key = self.key(name);
        self.get(name).map(|v| Section::new(&key, v)).transpose()
    }

    pub(crate) fn bool(&mut self, name: &str, out: &mut bool) -> Result<(), ConfigError> {
        match self.get(name) {
            None => Ok(()),
            Some(Value::Bool(b)) => {
                *out = *b;
                Ok(())
            }
            Some(_) => Err(err(&self.key(name), "must be true or false")),
        }
    }

    pub(crate) fn number(
        &mut self,
        name: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if (min..=max).contains(n) => Ok(Some(*n)),
            Some(other) => Err(err(
                &self.key(name),
                &format!("must be a number from {min} to {max}, got {}", show(other)),
            )),
        }
    }

    pub(crate) fn count(&mut self, name: &str) -> Result<Option<u64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 1.0 => Ok(Some(*n as u64)),
            Some(other) => Err(err(
                &self.key(name),
                &format!("must be a whole number of at least 1, got {}", show(other)),
            )),
        }
    }

    fn choice(&mut self, name: &str, options: &[&str]) -> Result<Option<&'a str>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if options.contains(&s.as_str()) => Ok(Some(s)),
            Some(other) => Err(err(
                &self.key(name),
                &format!(
                    "must be one of {}, got {}",
                    options.join(" | "),
                    show(other)
                ),
            )),
        }
    }

    pub(crate) fn string(&mut self, name: &str) -> Result<Option<String>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(other) => Err(err(
                &self.key(name),
                &format!("must be a non-empty string, got {}", show(other)),
            )),
        }
    }

    fn thresholds(&mut self, name: &str, out: &mut Option<Thresholds>) -> Result<(), ConfigError> {
        // An explicit null turns the rule off; an absent key keeps the default.
        if self
            .members
            .iter()
            .any(|(k, v)| k == name && *v == Value::Null)
        {
            *out = None;
        }
        let Some(mut s) = self.section(name)? else {
            return Ok(());
        };
        let warn = s.number("warn", 0.0, f64::MAX)?;
        let critical = s.number("critical", 0.0, f64::MAX)?;
        s.finish()?;
        let (Some(warn), Some(critical)) = (warn, critical) else {
            return Err(err(&self.key(name), "needs both warn and critical"));
        };
        if warn > critical {
            return Err(err(&self.key(name), "warn must not exceed critical"));
        }
        *out = Some(Thresholds { warn, critical });
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<(), ConfigError> {
        match self.used.iter().position(|u| !u) {
            Some(i) => Err(err(&self.key(&self.members[i].0), "unknown key")),
            None => Ok(()),
        }
    }
}

pub(crate) fn err(key: &str, message: &str) -> ConfigError {
    ConfigError {
        key: if key.is_empty() {
            "(root)".into()
        } else {
            key.into()
        },
        message: message.into(),
    }
}

fn show(v: &Value) -> String {
    crate::canonical::canonical_json(v).unwrap_or_else(|_| "?".into())
}

impl Config {
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
        if key.is_empty() {
            // An empty HMAC key is a keyed hash anyone can recompute.
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
        let docs = YamlLoader::load_from_str(text).map_err(|e| err("(yaml)", &e.to_string()))?;
        match docs.as_slice() {
            [] => Ok(Self::default()),
            [doc] => Self::from_value(&yaml_to_value(doc, "")?),
            _ => Err(err("(yaml)", "expected one YAML document")),
        }
    }

    /// Reads a configuration from a value (a host dict/object or parsed YAML).
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        let mut root = Section::new("", value)?;
        if let Some(mut logging) = root.section("logging")? {
            if let Some(mut ids) = logging.section("ids")? {
                for (name, slot) in [
                    ("run_id", &mut c.run_id),
                    ("trace_id", &mut c.trace_id),
                    ("request_id", &mut c.request_id),
                ] {
                    if let Some(v) = ids.choice(name, &["required", "optional"])? {
                        *slot = if v == "required" {
                            Requirement::Required
                        } else {
                            Requirement::Optional
                        };
                    }
                }
                ids.finish()?;
            }
            c.agent_id = logging.string("agent_id")?;
            if let Some(mut t) = logging.section("tool_calls")? {
                t.bool("enabled", &mut c.tool_calls_enabled)?;
                t.bool("store_args", &mut c.store_args)?;
                t.bool("store_args_hash", &mut c.store_args_hash)?;
                t.bool("store_error_messages", &mut c.store_error_messages)?;
                if let Some(v) = t.choice("store_results", &["none", "sampled", "full"])? {
                    c.store_results = match v {
                        "none" => StoreResults::None,
                        "full" => StoreResults::Full,
                        _ => StoreResults::Sampled,
                    };
                }
                if let Some(rate) = t.number("result_sample_rate", 0.0, 1.0)? {
                    c.result_sample_rate = rate;
                }
                c.hash_key_env = t.string("hash_key_env")?;
                t.finish()?;
            }
            if let Some(mut pii) = logging.section("pii")? {
                let key = pii.key("redact_fields");
                if let Some(v) = pii.get("redact_fields") {
                    c.redact_fields = match v {
                        Value::Array(items) => items
                            .iter()
                            .map(|i| match i {
                                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                                _ => Err(err(&key, "must be a list of non-empty strings")),
                            })
                            .collect::<Result<_, _>>()?,
                        _ => return Err(err(&key, "must be a list of non-empty strings")),
                    };
                }
                pii.finish()?;
            }
            if let Some(mut s) = logging.section("stop_reasons")? {
                s.bool("enabled", &mut c.stop_reasons_enabled)?;
                s.finish()?;
            }
            if let Some(mut a) = logging.section("alerts")? {
                a.thresholds("tool_calls_per_run_p95", &mut c.alert_tool_calls_p95)?;
                a.thresholds("timeout_rate", &mut c.alert_timeout_rate)?;
                a.thresholds("validation_fail_rate", &mut c.alert_validation_fail_rate)?;
                if let Some(w) = a.number("window_s", 1.0, 86_400.0)? {
                    c.alert_window_s = w;
                }
                a.finish()?;
            }
            logging.finish()?;
        }
        if let Some(mut b) = root.section("budgets")? {
            c.max_tool_calls = b.count("max_tool_calls")?;
            c.max_steps = b.count("max_steps")?;
            c.max_duration_s = b.number("max_duration_s", 0.0, f64::MAX)?;
            c.max_spend_usd = b.number("max_spend_usd", 0.0, f64::MAX)?;
            if let Some(mut lg) = b.section("loop_guard")? {
                let warn_after = lg.count("warn_after")?;
                let block_after = lg.count("block_after")?;
                let key = lg.key("block_after");
                lg.finish()?;
                let block_after = block_after.ok_or_else(|| err(&key, "is required"))?;
                let warn_after = warn_after.unwrap_or(block_after);
                if warn_after > block_after {
                    return Err(err(&key, "must be at least warn_after"));
                }
                c.loop_guard = Some(LoopGuard {
                    warn_after,
                    block_after,
                });
            }
            b.finish()?;
        }
        if let Some(mut sinks) = root.section("sinks")? {
            if let Some(otlp) = sinks.section("otlp")? {
                c.otlp = Some(crate::otlp::parse_otlp_section(otlp)?);
            }
            sinks.finish()?;
        }
        root.finish()?;
        Ok(c)
    }
}

/// YAML → [`Value`]; keys must be strings, aliases and odd tags are refused.
fn yaml_to_value(y: &Yaml, path: &str) -> Result<Value, ConfigError> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::Number(*i as f64),
        Yaml::Real(r) => Value::Number(
            r.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| err(path, &format!("{r} is not a finite number")))?,
        ),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| yaml_to_value(i, path))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Hash(h) => {
            let mut members = Vec::with_capacity(h.len());
            for (k, v) in h {
                let Yaml::String(k) = k else {
                    return Err(err(path, "keys must be strings"));
                };
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                members.push((k.clone(), yaml_to_value(v, &child)?));
            }
            Value::Object(members)
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err(err(path, "unsupported YAML value (alias or bad value)"));
        }
    })
}
