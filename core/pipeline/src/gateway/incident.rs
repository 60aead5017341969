//! The incident window  ("flip raw args on only for short
//! incident windows, with redaction, then turn it off again"): tool calls
//! store their args, redacted as with `store_args`, until an instant, then
//! stop by themselves. Opened by `logging.tool_calls.store_args_until` or at
//! run time by [`Gateway::incident_window`]; an `incident_window_open` event
//! marks the start and an `incident_window_close` the end.
//!
//! Nothing runs in the background: the close is noticed (and its event
//! written) by the first gateway activity at or after the instant (a call, a
//! run's start or end, `check_alerts`). The instant itself is exact: a call
//! at or after it never stores args. With no window the per-call cost is one
//! atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use super::line::{Event, Line};
use super::{Gateway, GatewayError, RunCtx, lock};
use crate::schema::{event, field};
use tooltrail_json::CanonError;
use tooltrail_json::Value;

/// `until` when no window is set.
const NONE: i64 = i64::MIN;

pub use crate::config::MAX_WINDOW_S;

/// The window's end and whether its opening was written.
#[derive(Debug)]
pub(crate) struct IncidentWindow {
    /// µs since the epoch; [`NONE`] without a window. Read without the lock
    /// on every call (the fast path), written under it.
    until: AtomicI64,
    /// Whether `incident_window_open` was written for the current window (a
    /// configured one is announced by the first activity inside it).
    announced: Mutex<bool>,
}

impl IncidentWindow {
    /// A window from the configuration: none, or one ending at `until_us`
    /// (a configured instant already past at `now_us` is no window).
    pub(crate) fn new(until_us: Option<i64>, now_us: i64) -> Self {
        Self {
            until: AtomicI64::new(until_us.filter(|u| *u > now_us).unwrap_or(NONE)),
            announced: Mutex::new(false),
        }
    }
}

/// RFC 3339 text of an instant, as the events write `ts`.
fn timestamp(us: i64) -> String {
    let mut out = Vec::with_capacity(crate::time::TIMESTAMP_LEN);
    crate::time::push_timestamp(us, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

impl Gateway {
    fn window_event(&self, name: &'static str, now_us: i64, until_us: i64) -> Event {
        let mut line = Line::new(name, now_us);
        self.common(&RunCtx::default(), None, None)
            .with_parts(|p| line.raw_parts(&p))
            .str(field::UNTIL, &timestamp(until_us));
        line.finish()
    }

    /// Whether a call at `now_us` stores its args by the incident window,
    /// and the window's event if one is due (its opening, first seen; its
    /// close, first seen past the instant).
    pub(super) fn incident_at(&self, now_us: i64) -> (bool, Option<Event>) {
        let w = &self.incident;
        if w.until.load(Ordering::Acquire) == NONE {
            return (false, None);
        }
        let mut announced = lock(&w.announced);
        let until = w.until.load(Ordering::Acquire);
        if until == NONE {
            return (false, None);
        }
        if now_us < until {
            let open = !*announced;
            *announced = true;
            return (
                true,
                open.then(|| self.window_event(event::INCIDENT_WINDOW_OPEN, now_us, until)),
            );
        }
        w.until.store(NONE, Ordering::Release);
        // A configured window no call ever saw open closes silently.
        let close = std::mem::take(&mut *announced);
        (
            false,
            close.then(|| self.window_event(event::INCIDENT_WINDOW_CLOSE, now_us, until)),
        )
    }

    /// The incident window's event due at `now_us`, if any (for activities
    /// other than calls: run start and end, `check_alerts`).
    pub(super) fn incident_events(&self, now_us: i64) -> Option<Event> {
        self.incident_at(now_us).1
    }

    /// [`incident_window`](Self::incident_window) of what a host's converter
    /// made of its arguments (None or null: not given). Anything but a
    /// number, including a value with no JSON form (NaN), is `BadWindow`
    /// naming the argument: the bindings decide nothing.
    pub fn incident_window_of(
        &self,
        minutes: Option<Result<Value, CanonError>>,
        seconds: Option<Result<Value, CanonError>>,
    ) -> Result<(String, Vec<Event>), GatewayError> {
        fn length(
            key: &'static str,
            v: Option<Result<Value, CanonError>>,
        ) -> Result<Option<f64>, GatewayError> {
            match v {
                None | Some(Ok(Value::Null)) => Ok(None),
                Some(Ok(Value::Number(n))) => Ok(Some(n)),
                Some(_) => Err(GatewayError::BadWindow(key)),
            }
        }
        self.incident_window(length("minutes", minutes)?, length("seconds", seconds)?)
    }

    /// Opens an incident window of `minutes` + `seconds` from now (at least
    /// one given; either may be fractional): calls store their args,
    /// redacted, until then. A window already open is moved to the new end;
    /// a length of 0 closes it now. Returns the closing instant (RFC 3339)
    /// and the events to log (`incident_window_open`, or the close).
    pub fn incident_window(
        &self,
        minutes: Option<f64>,
        seconds: Option<f64>,
    ) -> Result<(String, Vec<Event>), GatewayError> {
        let mut total_s = 0.0;
        for (key, v) in [("minutes", minutes.map(|m| m * 60.0)), ("seconds", seconds)] {
            match v {
                Some(s) if s.is_finite() && s >= 0.0 => total_s += s,
                None => {}
                Some(_) => return Err(GatewayError::BadWindow(key)),
            }
        }
        if (minutes.is_none() && seconds.is_none()) || total_s > MAX_WINDOW_S {
            return Err(GatewayError::BadWindow(
                if minutes.is_some() || seconds.is_none() {
                    "minutes"
                } else {
                    "seconds"
                },
            ));
        }
        let now = self.clock.now_us();
        let w = &self.incident;
        let mut announced = lock(&w.announced);
        let old = w.until.load(Ordering::Acquire);
        let mut events = Vec::new();
        if old != NONE && *announced && (total_s == 0.0 || old <= now) {
            events.push(self.window_event(event::INCIDENT_WINDOW_CLOSE, now, old));
        }
        if total_s == 0.0 {
            w.until.store(NONE, Ordering::Release);
            *announced = false;
            return Ok((timestamp(now), events));
        }
        let until = now.saturating_add((total_s * 1e6) as i64);
        w.until.store(until, Ordering::Release);
        *announced = true;
        events.push(self.window_event(event::INCIDENT_WINDOW_OPEN, now, until));
        Ok((timestamp(until), events))
    }
}
