//! `sinks.otlp` in the configuration file (validated like the rest of SPEC §5:
//! unknown keys and bad values are errors naming the full key).

use std::time::Duration;

use super::OtlpConfig;
use crate::config::{ConfigError, Section, err};
use crate::value::Value;

/// Reads the `sinks.otlp` mapping.
pub(crate) fn parse_otlp_section(mut s: Section<'_>) -> Result<OtlpConfig, ConfigError> {
    let mut c = OtlpConfig::default();
    let key = s.key("endpoint");
    let endpoint = s
        .string("endpoint")?
        .ok_or_else(|| err(&key, "is required (e.g. \"http://127.0.0.1:4318\")"))?;
    c.endpoint = check_endpoint(&key, &endpoint)?;
    let key = s.key("headers");
    if let Some(v) = s.get("headers") {
        c.headers = headers(&key, v)?;
    }
    s.bool("logs", &mut c.logs)?;
    s.bool("traces", &mut c.traces)?;
    if let Some(name) = s.string("service_name")? {
        c.service_name = name;
    }
    let secs = |v: f64| Duration::from_secs_f64(v);
    if let Some(t) = s.number("timeout_s", 0.001, 300.0)? {
        c.timeout = secs(t);
    }
    let key = s.key("max_retries");
    if let Some(n) = s.number("max_retries", 0.0, 100.0)? {
        if n.fract() != 0.0 {
            return Err(err(&key, "must be a whole number from 0 to 100"));
        }
        c.max_retries = n as u32;
    }
    if let Some(b) = s.number("backoff_s", 0.0, 60.0)? {
        c.backoff = secs(b);
    }
    if let Some(b) = s.number("max_backoff_s", 0.0, 600.0)? {
        c.max_backoff = secs(b);
    }
    if let Some(n) = s.count("queue_events")? {
        c.queue_events = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(n) = s.count("batch_events")? {
        c.batch_events = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(f) = s.number("flush_interval_s", 0.0, 1.0)? {
        c.flush_interval = secs(f);
    }
    let key = s.key("logs");
    s.finish()?;
    if !c.logs && !c.traces {
        return Err(err(
            &key,
            "logs and traces are both false: nothing to export",
        ));
    }
    Ok(c)
}

fn check_endpoint(key: &str, endpoint: &str) -> Result<String, ConfigError> {
    let trimmed = endpoint.trim_end_matches('/');
    let rest = if let Some(rest) = trimmed.strip_prefix("http://") {
        rest
    } else if let Some(rest) = trimmed.strip_prefix("https://") {
        if !cfg!(feature = "otlp-https") {
            return Err(err(
                key,
                "https needs tooltrail-core built with the `otlp-https` feature; \
                 use http:// (e.g. a local collector) or rebuild",
            ));
        }
        rest
    } else {
        return Err(err(
            key,
            &format!(
                "must start with http:// or https://, got {:?}",
                super::without_credentials(endpoint)
            ),
        ));
    };
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(err(
            key,
            &format!("is not a URL: {:?}", super::without_credentials(endpoint)),
        ));
    }
    Ok(trimmed.to_owned())
}

/// `headers: { name: value }`; names are HTTP tokens, values one line.
fn headers(key: &str, v: &Value) -> Result<Vec<(String, String)>, ConfigError> {
    let Value::Object(members) = v else {
        return Err(err(key, "must be a mapping of header names to strings"));
    };
    members
        .iter()
        .map(|(name, value)| {
            let at = format!("{key}.{name}");
            let token = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                return Err(err(&at, "is not a valid HTTP header name"));
            }
            match value {
                Value::String(s) if !s.contains(['\r', '\n']) => Ok((name.clone(), s.clone())),
                _ => Err(err(&at, "must be a string on one line")),
            }
        })
        .collect()
}
