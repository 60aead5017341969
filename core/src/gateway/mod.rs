//! The tool-call gateway: everything about a call except running the tool.
//!
//! A binding calls [`Gateway::begin`] (ids, `seq`, hashing, redaction, the
//! `tool_call` event), runs the user's tool, and hands the outcome to
//! [`Gateway::finish`] (latency, `ok`, `error_class`, sampled result, the
//! `tool_result` event). Events come back as [`Event`]s for the binding's
//! logger; field order is fixed here (SPEC §4), so both languages write the
//! same bytes.

mod ids;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64};

pub use ids::{Clock, IdSource, TraceParent, sampled};

use crate::config::{Config, Requirement, StoreResults};
use crate::error::CanonError;
use crate::error_class::{FailureFacts, classify};
use crate::hash::{HashScheme, stable_hash_with};
use crate::redact::Redactor;
use crate::value::Value;

/// Most characters of an error message kept (after redaction).
pub const ERROR_MESSAGE_MAX_CHARS: usize = 500;

/// The ids a call runs under (SPEC §6 `RunCtx`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCtx {
    /// The run.
    pub run_id: Option<String>,
    /// The W3C trace (32 hex).
    pub trace_id: Option<String>,
    /// The end user, if known.
    pub user_id: Option<String>,
    /// The incoming request.
    pub request_id: Option<String>,
    /// The span the calls are children of (the run's, or an incoming `traceparent`'s).
    pub parent_span_id: Option<String>,
}

impl RunCtx {
    /// Takes the trace id and parent span from a W3C `traceparent` header
    /// (an incoming request's); false, changing nothing, if it is malformed.
    pub fn apply_traceparent(&mut self, header: &str) -> bool {
        match TraceParent::parse(header) {
            Some(tp) => {
                self.trace_id = Some(tp.trace_id);
                self.parent_span_id = Some(tp.parent_id);
                true
            }
            None => false,
        }
    }
}

/// One event for the logger: its name and its fields in SPEC order (with `ts`).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `tool_call`, `tool_result`, …
    pub name: &'static str,
    /// The fields, `ts` first.
    pub fields: Value,
}

/// Errors the gateway raises on purpose (principle 1: only these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// No implementation registered under this name.
    UnknownTool(String),
    /// A required id is missing from the context.
    MissingId(&'static str),
    /// The tool's validator rejected its result.
    ValidationFailed {
        /// The tool.
        tool: String,
        /// Why.
        message: String,
    },
}

impl GatewayError {
    /// The `error_class` string.
    pub fn error_class(&self) -> &'static str {
        match self {
            GatewayError::UnknownTool(_) => "unknown_tool",
            GatewayError::MissingId(_) => "missing_id",
            GatewayError::ValidationFailed { .. } => "validation_failed",
        }
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatewayError::UnknownTool(t) => write!(f, "unknown tool {t:?}"),
            GatewayError::MissingId(id) => write!(
                f,
                "missing required id `{id}` (configure logging.ids.{id}: optional to allow it)"
            ),
            GatewayError::ValidationFailed { tool, message } => {
                write!(f, "result of tool {tool:?} failed validation: {message}")
            }
        }
    }
}

impl std::error::Error for GatewayError {}

/// A call in flight, returned by `begin` and consumed by `finish`.
#[derive(Debug, Clone)]
pub struct CallHandle {
    common: Vec<(String, Value)>,
    tool: String,
    seq: u64,
    start_us: i64,
    store_result: bool,
}

/// How a tool call ended, as the binding saw it.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It returned; the value, or why it has no JSON form.
    Returned(Result<Value, CanonError>),
    /// It raised / rejected.
    Failed {
        /// Facts for [`classify`].
        facts: FailureFacts,
        /// The error's message (redacted and truncated before logging).
        message: String,
    },
    /// It returned, but the validator rejected the result.
    Invalid {
        /// The validator's reason.
        message: String,
    },
}

/// Deterministic ids and clock for replays and cross-language tests.
#[derive(Debug, Clone, Copy)]
pub struct Deterministic {
    /// Where the manual clock starts (µs since the epoch).
    pub start_us: i64,
}

/// The gateway core shared by the bindings.
#[derive(Debug)]
pub struct Gateway {
    config: Arc<Config>,
    tools: HashSet<String>,
    redactor: Redactor,
    hash_key: Option<Vec<u8>>,
    ids: IdSource,
    clock: Clock,
    seqs: Mutex<HashMap<String, u64>>,
}

fn s(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |x| Value::String(x.clone()))
}

impl Gateway {
    /// A gateway for the named tools. `hash_key` comes from the environment
    /// variable named by `logging.tool_calls.hash_key_env`, never the file.
    pub fn new(
        config: Config,
        tools: impl IntoIterator<Item = String>,
        hash_key: Option<Vec<u8>>,
        deterministic: Option<Deterministic>,
    ) -> Self {
        let (ids, clock) = match deterministic {
            Some(d) => (
                IdSource::Sequential(AtomicU64::new(0)),
                Clock::Manual(Arc::new(AtomicI64::new(d.start_us))),
            ),
            None => (IdSource::random(), Clock::System),
        };
        Self {
            redactor: Redactor::new(&config.redact_fields),
            config: Arc::new(config),
            tools: tools.into_iter().collect(),
            hash_key,
            ids,
            clock,
            seqs: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The clock (tests advance a manual one).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The redactor built from the configuration.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    fn scheme(&self) -> HashScheme {
        if self.hash_key.is_some() {
            HashScheme::HmacSha256
        } else {
            HashScheme::Sha256
        }
    }

    /// Starts a call: checks ids and the tool name, assigns `seq` and a span,
    /// hashes and (if configured) stores redacted args. Returns the handle and
    /// the `tool_call` event, or the error to raise plus the event recording
    /// the refusal (none when ids are missing: there is nothing to log under).
    pub fn begin(
        &self,
        ctx: &RunCtx,
        tool: &str,
        args: Result<Value, CanonError>,
    ) -> Result<(CallHandle, Option<Event>), (GatewayError, Option<Event>)> {
        let c = &self.config;
        for (name, value, rule) in [
            ("run_id", &ctx.run_id, c.run_id),
            ("trace_id", &ctx.trace_id, c.trace_id),
            ("request_id", &ctx.request_id, c.request_id),
        ] {
            if rule == Requirement::Required && value.as_deref().is_none_or(str::is_empty) {
                return Err((GatewayError::MissingId(name), None));
            }
        }
        let span_id = self.ids.span_id();
        let seq = {
            let mut seqs = self.seqs.lock().unwrap_or_else(|e| e.into_inner());
            let n = seqs
                .entry(ctx.run_id.clone().unwrap_or_default())
                .or_insert(0);
            *n += 1;
            *n
        };
        let mut common = vec![
            ("run_id".to_owned(), s(&ctx.run_id)),
            ("trace_id".to_owned(), s(&ctx.trace_id)),
            ("span_id".to_owned(), Value::String(span_id)),
            ("request_id".to_owned(), s(&ctx.request_id)),
            ("user_id".to_owned(), s(&ctx.user_id)),
        ];
        if let Some(agent) = &c.agent_id {
            common.push(("agent_id".into(), Value::String(agent.clone())));
        }
        let store_result = match c.store_results {
            StoreResults::None => false,
            StoreResults::Full => true,
            StoreResults::Sampled => {
                sampled(ctx.run_id.as_deref().unwrap_or(""), c.result_sample_rate)
            }
        };
        let handle = CallHandle {
            common,
            tool: tool.to_owned(),
            seq,
            start_us: self.clock.now_us(),
            store_result,
        };

        let mut f = self.head(&handle);
        f.push(("parent_span_id".into(), s(&ctx.parent_span_id)));
        if c.store_args_hash {
            match &args {
                Ok(v) => {
                    let hash = stable_hash_with(v, self.hash_key.as_deref());
                    match hash {
                        Ok(h) => f.push(("args_hash".into(), Value::String(h))),
                        Err(e) => push_unhashable(&mut f, &e),
                    }
                }
                Err(e) => push_unhashable(&mut f, e),
            }
            f.push(("hash_alg".into(), Value::from(self.scheme().as_str())));
        }
        if c.store_args
            && let Ok(v) = &args
        {
            f.push(("args".into(), self.redactor.redact(v)));
        }
        let known = self.tools.contains(tool);
        f.push((
            "decision".into(),
            Value::from(if known { "allow" } else { "block" }),
        ));
        if !known {
            f.push(("ok".into(), Value::Bool(false)));
            f.push(("error_class".into(), Value::from("unknown_tool")));
        }
        let event = c.tool_calls_enabled.then_some(Event {
            name: "tool_call",
            fields: Value::Object(f),
        });
        if known {
            Ok((handle, event))
        } else {
            Err((GatewayError::UnknownTool(tool.to_owned()), event))
        }
    }

    /// `ts`, the common ids, `tool`, `seq`.
    fn head(&self, h: &CallHandle) -> Vec<(String, Value)> {
        let mut f = Vec::with_capacity(16);
        f.push(("ts".into(), Value::String(self.clock.timestamp())));
        f.extend(h.common.iter().cloned());
        f.push(("tool".into(), Value::String(h.tool.clone())));
        f.push(("seq".into(), Value::Number(h.seq as f64)));
        f
    }

    /// Ends a call: latency, `ok`, `error_class`, and the redacted error
    /// message and result where configured. Returns the `tool_result` event.
    pub fn finish(&self, handle: CallHandle, outcome: Outcome) -> Option<Event> {
        let c = &self.config;
        let elapsed_us = (self.clock.now_us() - handle.start_us).max(0);
        let mut f = self.head(&handle);
        // Microsecond precision, printed as a decimal number of milliseconds.
        f.push((
            "latency_ms".into(),
            Value::Number(elapsed_us as f64 / 1000.0),
        ));
        let (class, message) = match &outcome {
            Outcome::Returned(_) => (None, None),
            Outcome::Failed { facts, message } => (Some(classify(facts)), Some(message.as_str())),
            Outcome::Invalid { message } => {
                (Some("validation_failed".to_owned()), Some(message.as_str()))
            }
        };
        f.push(("ok".into(), Value::Bool(class.is_none())));
        if let Some(class) = class {
            f.push(("error_class".into(), Value::String(class)));
        }
        if c.store_error_messages
            && let Some(m) = message
        {
            let redacted = self.redactor.redact_text(m, 0);
            f.push((
                "error_message".into(),
                Value::String(redacted.chars().take(ERROR_MESSAGE_MAX_CHARS).collect()),
            ));
        }
        if handle.store_result
            && let Outcome::Returned(result) = &outcome
        {
            match result {
                Ok(v) => f.push(("result".into(), self.redactor.redact(v))),
                Err(e) => f.push(("result_error".into(), error_value(e))),
            }
        }
        c.tool_calls_enabled.then_some(Event {
            name: "tool_result",
            fields: Value::Object(f),
        })
    }
}

fn error_value(e: &CanonError) -> Value {
    Value::object([
        ("kind", Value::from(e.kind().as_str())),
        ("path", Value::String(e.path().to_string())),
    ])
}

/// Principle 1: an unhashable argument never fails the call; the event says
/// why there is no hash.
fn push_unhashable(f: &mut Vec<(String, Value)>, e: &CanonError) {
    f.push(("args_hash".into(), Value::Null));
    f.push(("args_error".into(), error_value(e)));
}
