//! `sinks.otlp` in the configuration file: the collector to export to and how
//! (validated like every section: unknown keys and bad values are errors
//! naming the full key). The exporter itself is the `tooltrail-otlp` crate.

use std::fmt;
use std::time::Duration;

use crate::config::{ConfigError, Section, err};
use tooltrail_json::Value;

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
                without_credentials(endpoint)
            ),
        ));
    };
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(err(
            key,
            &format!("is not a URL: {:?}", without_credentials(endpoint)),
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

/// `sinks.otlp` of the configuration file.
#[derive(Clone, PartialEq)]
pub struct OtlpConfig {
    /// Base URL of the collector's OTLP/HTTP receiver, e.g.
    /// `http://127.0.0.1:4318`; `/v1/logs` and `/v1/traces` are appended.
    pub endpoint: String,
    /// Extra request headers (e.g. an API key for a hosted backend).
    pub headers: Vec<(String, String)>,
    /// Export log records (one per event).
    pub logs: bool,
    /// Export spans (runs and tool calls).
    pub traces: bool,
    /// `service.name` resource attribute.
    pub service_name: String,
    /// Per-request timeout (connect + send + response).
    pub timeout: Duration,
    /// Retries of one request after 429/502/503/504 (0: never retry).
    pub max_retries: u32,
    /// First retry delay; doubles per retry up to `max_backoff`.
    pub backoff: Duration,
    /// Longest single wait, also the cap on a server's `Retry-After`.
    pub max_backoff: Duration,
    /// Export queue bound, in events (overflow drops, counted `queue_full`).
    pub queue_events: usize,
    /// Most events per export request.
    pub batch_events: usize,
    /// Longest time an event waits for its batch to fill (at most 1 s).
    pub flush_interval: Duration,
}

impl Default for OtlpConfig {
    fn default() -> Self {
        Self {
            endpoint: "http://127.0.0.1:4318".into(),
            headers: Vec::new(),
            logs: true,
            traces: true,
            service_name: "tooltrail".into(),
            timeout: Duration::from_secs(10),
            max_retries: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            queue_events: 8192,
            batch_events: 512,
            flush_interval: Duration::from_millis(500),
        }
    }
}

impl fmt::Debug for OtlpConfig {
    // Header values are often credentials: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, _)| format!("{k}: [REDACTED]"))
            .collect();
        f.debug_struct("OtlpConfig")
            .field("endpoint", &without_credentials(&self.endpoint))
            .field("headers", &headers)
            .field("logs", &self.logs)
            .field("traces", &self.traces)
            .field("service_name", &self.service_name)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("queue_events", &self.queue_events)
            .field("batch_events", &self.batch_events)
            .field("flush_interval", &self.flush_interval)
            .finish()
    }
}

/// `url` with any `user:password@` replaced by `[REDACTED]@` and any query
/// string (`?api_key=…`) by `?[REDACTED]`: endpoints are printed (errors,
/// export failures on stderr, `Debug`), credentials never.
pub fn without_credentials(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    let mut shown = match url[scheme_end..authority_end].rfind('@') {
        Some(at) => format!(
            "{}[REDACTED]{}",
            &url[..scheme_end],
            &url[scheme_end + at..]
        ),
        None => url.to_owned(),
    };
    if let Some(q) = shown.find(['?', '#']) {
        shown.truncate(q);
        shown.push_str("?[REDACTED]");
    }
    shown
}

/// The parts of `url` that may hold a secret — `user:password` and the
/// query string — to scrub them from messages that quote the URL (an HTTP
/// client's errors).
pub fn secrets(url: &str) -> Vec<&str> {
    let mut found: Vec<&str> = credentials(url).into_iter().collect();
    if let Some(q) = url.find(['?', '#']) {
        found.push(&url[q + 1..]);
    }
    found.retain(|s| !s.is_empty());
    found
}

/// The `user:password` part of `url`, if any (to scrub it from messages
/// that quote the URL, such as an HTTP client's errors).
pub fn credentials(url: &str) -> Option<&str> {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    let at = url[scheme_end..authority_end].rfind('@')?;
    Some(&url[scheme_end..scheme_end + at]).filter(|c| !c.is_empty())
}

#[cfg(test)]
mod credential_tests {
    use super::{credentials, secrets, without_credentials};

    #[test]
    fn credentials_are_never_printed() {
        for (url, shown) in [
            ("http://u:hunter2@h:4318/v1", "http://[REDACTED]@h:4318/v1"),
            ("https://tok@h", "https://[REDACTED]@h"),
            ("u:hunter2@h:4318", "[REDACTED]@h:4318"),
            ("http://h:4318/a@b", "http://h:4318/a@b"),
            ("http://127.0.0.1:4318", "http://127.0.0.1:4318"),
            (
                "https://h/v1?api_key=sk-live-123&x=1",
                "https://h/v1?[REDACTED]",
            ),
            ("https://u:p@h/#tok", "https://[REDACTED]@h/?[REDACTED]"),
        ] {
            assert_eq!(without_credentials(url), shown);
        }
        assert_eq!(credentials("http://u:hunter2@h"), Some("u:hunter2"));
        assert_eq!(credentials("http://h/x@y"), None);
        assert_eq!(
            secrets("https://u:p@h/v1?api_key=sk"),
            ["u:p", "api_key=sk"]
        );
    }
}
