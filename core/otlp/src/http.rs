//! OTLP/HTTP delivery: a synchronous `ureq` client on the exporter's worker
//! thread. Retries only what OTLP calls retryable (429, 502, 503, 504),
//! with doubling backoff or the server's `Retry-After`, bounded by
//! `max_retries`, `max_backoff` and, once `close` was called, its deadline.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::OtlpConfig;
use tooltrail_json::Value;

/// How one export request ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    /// 2xx; `rejected` items named by a partial-success answer.
    Delivered { rejected: u64 },
    /// A status that is not retried (400, 401, 404, 500, …).
    Rejected(u16),
    /// Still 429/502/503/504 after every retry.
    RetriesExhausted(u16),
    /// No HTTP answer (refused, reset, timeout).
    Network(String),
    /// The close deadline passed before it could be delivered.
    Closed,
}

/// The close deadline, shared by the exporter handle and its worker, so a
/// close interrupts backoff sleeps and bounds request timeouts.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    deadline: Mutex<Option<Instant>>,
    wake: Condvar,
}

impl Stop {
    /// Sets (or moves earlier) the deadline and wakes a sleeping worker.
    pub(crate) fn set(&self, deadline: Instant) {
        let mut d = self.deadline.lock().unwrap_or_else(|e| e.into_inner());
        *d = Some(d.map_or(deadline, |old| old.min(deadline)));
        self.wake.notify_all();
    }

    fn deadline(&self) -> Option<Instant> {
        *self.deadline.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the deadline has passed.
    pub(crate) fn expired(&self) -> bool {
        self.deadline().is_some_and(|d| Instant::now() >= d)
    }

    /// `limit`, shortened to what is left before the deadline.
    fn clamp(&self, limit: Duration) -> Duration {
        self.deadline().map_or(limit, |d| {
            limit.min(d.saturating_duration_since(Instant::now()))
        })
    }

    /// Sleeps `wait`; false if the deadline comes first (then returns at it).
    fn sleep(&self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        let mut d = self.deadline.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            if d.is_some_and(|dl| dl <= until && now >= dl) {
                return false;
            }
            if now >= until {
                return true;
            }
            let next = d.map_or(until, |dl| dl.min(until));
            let (guard, _) = self
                .wake
                .wait_timeout(d, next.saturating_duration_since(now))
                .unwrap_or_else(|e| e.into_inner());
            d = guard;
        }
    }
}

/// What the caller counts per request.
pub(crate) trait Tally {
    /// One HTTP request made.
    fn request(&self);
    /// One retry scheduled.
    fn retry(&self);
}

/// A client for one collector.
pub(crate) struct Client {
    agent: ureq::Agent,
    config: OtlpConfig,
}

fn retryable(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds (the HTTP-date form falls back to backoff).
fn retry_after(value: Option<&str>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    Duration::try_from_secs_f64(secs).ok()
}

/// `partialSuccess.<field>` of a JSON answer (an int64, so maybe a string).
fn partial_rejected(body: &str, field: &str) -> u64 {
    let Ok(Value::Object(top)) = tooltrail_json::parse_json(body.as_bytes()) else {
        return 0;
    };
    let Some((_, Value::Object(partial))) = top.iter().find(|(k, _)| k == "partialSuccess") else {
        return 0;
    };
    match partial.iter().find(|(k, _)| k == field).map(|(_, v)| v) {
        Some(Value::Number(n)) if *n > 0.0 => *n as u64,
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

impl Client {
    pub(crate) fn new(config: &OtlpConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .max_redirects(0)
            .user_agent(format!("tooltrail/{}", tooltrail_core::VERSION))
            .build()
            .into();
        Self {
            agent,
            config: config.clone(),
        }
    }

    /// POSTs `body` to `endpoint + path`, retrying as configured.
    /// `partial_field` names the partial-success counter of this signal.
    pub(crate) fn export(
        &self,
        path: &str,
        body: &[u8],
        partial_field: &str,
        stop: &Stop,
        tally: &dyn Tally,
    ) -> Sent {
        let url = format!("{}{path}", self.config.endpoint);
        let mut delay = self.config.backoff;
        let mut retries = 0;
        loop {
            let timeout = stop.clamp(self.config.timeout);
            if stop.expired() || timeout.is_zero() {
                return Sent::Closed;
            }
            tally.request();
            let (status, after, answer) = match self.once(&url, body, timeout) {
                Ok(reply) => reply,
                Err(e) if stop.expired() => {
                    let _ = e; // cut short by close, not a collector fault
                    return Sent::Closed;
                }
                Err(e) => return Sent::Network(e.to_string()),
            };
            if (200..300).contains(&status) {
                let rejected = partial_rejected(&answer, partial_field);
                return Sent::Delivered { rejected };
            }
            if !retryable(status) {
                return Sent::Rejected(status);
            }
            if retries >= self.config.max_retries {
                return Sent::RetriesExhausted(status);
            }
            let wait = after.unwrap_or(delay).min(self.config.max_backoff);
            if !stop.sleep(wait) {
                return Sent::Closed;
            }
            delay = (delay * 2).min(self.config.max_backoff);
            retries += 1;
            tally.retry();
        }
    }

    fn once(
        &self,
        url: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<(u16, Option<Duration>, String), ureq::Error> {
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", "application/json");
        for (name, value) in &self.config.headers {
            request = request.header(name, value);
        }
        let mut response = request
            .config()
            .timeout_global(Some(timeout))
            .build()
            .send(body)?;
        let status = response.status().as_u16();
        let after = retry_after(
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
        );
        // The answer matters only for partial success; cap what is read.
        let answer = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Ok((status, after, answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_success_counts() {
        let body = r#"{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"x"}}"#;
        assert_eq!(partial_rejected(body, "rejectedLogRecords"), 3);
        assert_eq!(
            partial_rejected(r#"{"partialSuccess":{"rejectedSpans":2}}"#, "rejectedSpans"),
            2
        );
        assert_eq!(partial_rejected("{}", "rejectedSpans"), 0);
        assert_eq!(partial_rejected("not json", "rejectedSpans"), 0);
    }

    #[test]
    fn retry_after_seconds_only() {
        assert_eq!(retry_after(Some(" 2 ")), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after(None), None);
    }

    #[test]
    fn sleep_stops_at_the_deadline() {
        let stop = Stop::default();
        stop.set(Instant::now() + Duration::from_millis(20));
        let t = Instant::now();
        assert!(!stop.sleep(Duration::from_secs(10)));
        assert!(t.elapsed() < Duration::from_secs(5));
        assert!(Stop::default().sleep(Duration::from_millis(1)));
    }
}
