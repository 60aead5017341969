//! The gateway's value types: contexts, events, outcomes, errors.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

use super::common_ids::{CommonIds, SpanId};
use super::ctx::RunCtx;
use super::run::{Budget, RunState};
use crate::error_class::FailureFacts;
use crate::error_code::{Attr, ErrorCode};
use crate::schema::StopReason;
use tooltrail_json::CanonError;
use tooltrail_json::Value;

/// Errors the gateway raises on purpose (only these: a logging failure never reaches the caller).
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
    /// A budget of the run is used up; the call was refused.
    BudgetExceeded(Budget),
    /// The loop guard refused the n-th identical call.
    LoopDetected {
        /// The tool.
        tool: String,
        /// How many identical calls this would have been.
        count: u64,
    },
    /// `stop_reason` is not one of the documented stop reasons.
    UnknownStopReason(String),
    /// No open run has this id.
    UnknownRun(String),
    /// `incident_window`: this argument (`minutes` or `seconds`) is missing,
    /// negative, not finite, or the window is longer than 366 days.
    BadWindow(&'static str),
    /// An argument of the wrong shape or value (the context's ids, a
    /// traceparent, per-tool timeouts); reaches hosts as
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
    InvalidArgument {
        /// The argument (`ctx.run_id`, `traceparent`, `timeouts.slow`, …).
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

impl GatewayError {
    /// A [`GatewayError::InvalidArgument`] naming `key`.
    pub fn invalid_argument(key: impl Into<String>, message: impl Into<String>) -> Self {
        GatewayError::InvalidArgument {
            key: key.into(),
            message: message.into(),
        }
    }

    /// The stable code (for the refusals, also the logged `error_class`).
    pub fn code(&self) -> ErrorCode {
        match self {
            GatewayError::UnknownTool(_) => ErrorCode::UnknownTool,
            GatewayError::MissingId(_) => ErrorCode::MissingId,
            GatewayError::ValidationFailed { .. } => ErrorCode::ValidationFailed,
            GatewayError::BudgetExceeded(_) => ErrorCode::BudgetExceeded,
            GatewayError::LoopDetected { .. } => ErrorCode::LoopDetected,
            GatewayError::UnknownStopReason(_)
            | GatewayError::UnknownRun(_)
            | GatewayError::BadWindow(_)
            | GatewayError::InvalidArgument { .. } => ErrorCode::InvalidArgument,
        }
    }

    /// The `error_class` string.
    pub fn error_class(&self) -> &'static str {
        self.code().as_str()
    }

    /// The extra fields the host exception carries.
    pub fn attributes(&self) -> Vec<(Attr, String)> {
        match self {
            GatewayError::UnknownTool(tool)
            | GatewayError::ValidationFailed { tool, .. }
            | GatewayError::LoopDetected { tool, .. } => vec![(Attr::Tool, tool.clone())],
            GatewayError::MissingId(id) => vec![(Attr::Key, (*id).to_owned())],
            GatewayError::BudgetExceeded(b) => vec![
                (Attr::Budget, b.key().to_owned()),
                (Attr::StopReason, b.stop_reason().as_str().to_owned()),
            ],
            GatewayError::UnknownStopReason(_) => vec![(Attr::Key, "reason".to_owned())],
            GatewayError::UnknownRun(_) => vec![(Attr::Key, "run_id".to_owned())],
            GatewayError::BadWindow(key) => vec![(Attr::Key, (*key).to_owned())],
            GatewayError::InvalidArgument { key, .. } => vec![(Attr::Key, key.clone())],
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
            GatewayError::BudgetExceeded(b) => {
                write!(f, "budget `{}` is used up; the call was refused", b.key())
            }
            GatewayError::LoopDetected { tool, count } => write!(
                f,
                "loop detected: call {count} of tool {tool:?} with identical arguments in this run was refused"
            ),
            GatewayError::UnknownStopReason(r) => write!(
                f,
                "unknown stop_reason {r:?}; expected one of {}",
                crate::schema::STOP_REASONS.join(", ")
            ),
            GatewayError::UnknownRun(r) => write!(f, "no open run with run_id {r:?}"),
            GatewayError::BadWindow(key) => write!(
                f,
                "incident_window: `{key}` must be a finite number >= 0 (give minutes or seconds; \
                 together at most 366 days; 0 closes the window)"
            ),
            GatewayError::InvalidArgument { key, message } => {
                write!(f, "invalid `{key}`: {message}")
            }
        }
    }
}

impl std::error::Error for GatewayError {}

/// A call in flight, returned by `begin` and consumed by `finish`.
#[derive(Debug, Clone)]
pub struct CallHandle {
    /// The call's ids, its span among them, serialized once for both of
    /// its events.
    pub(crate) common: CommonIds,
    pub(crate) tool: Arc<str>,
    pub(crate) seq: u64,
    pub(crate) start_us: i64,
    /// The tool's timeout (µs), if one is set (`Gateway::set_timeouts`).
    pub(crate) deadline_us: Option<i64>,
    pub(crate) store_result: bool,
    pub(crate) run: Option<Arc<Mutex<RunState>>>,
}

impl CallHandle {
    /// The call's span id (the parent of the tool's outgoing requests).
    pub fn span_id(&self) -> &str {
        self.common.span().map_or("", SpanId::as_str)
    }

    /// The tool's name, as the gateway registered it.
    pub fn tool(&self) -> &Arc<str> {
        &self.tool
    }

    /// The call's `seq` in its run.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Whether `finish` logs the result: a binding converts the tool's
    /// return value only then (it is sampled, 1% of runs by default).
    pub fn stores_result(&self) -> bool {
        self.store_result
    }
}

/// A call's arguments as a binding hands them to [`Gateway::begin`].
///
/// [`Gateway::begin`]: super::Gateway::begin
#[derive(Debug, Clone)]
pub enum CallArgs<'a> {
    /// Converted to a value, or why they have no JSON form.
    Value(Result<Value, CanonError>),
    /// JSON text of plain data ([`CallArgs::json`]): canonicalized and hashed
    /// when the `tool_call` line is built (on the writer's thread), parsed
    /// only if the call stores its arguments. Borrowed or owned: `begin`
    /// copies it into the call's event, so a binding may lend a buffer.
    Json {
        /// The text as the host serialized it.
        text: Cow<'a, str>,
    },
    /// A tape of plain data ([`CallArgs::tape`], Node's `lib/tape.js`):
    /// turned into JSON text, canonicalized and hashed when the `tool_call`
    /// line is built (on the writer's thread). Borrowed: `begin` copies it.
    Tape {
        /// The value's codes (only those it takes).
        ops: &'a [i32],
        /// Its keys, strings and numbers, as UTF-16 units.
        text: &'a [u16],
    },
    /// A host value the binding walks ([`crate::host`], Python's dicts and
    /// lists): written in canonical form by `begin` (no [`Value`] made),
    /// converted only if the call stores its arguments or they have none.
    Host(&'a dyn tooltrail_json::walk::HostValue),
}

impl<'a> CallArgs<'a> {
    /// Arguments as JSON text of plain data (Node's `JSON.stringify`), by
    /// the strict parser's rules. `Err` when the text breaks them (a lone
    /// surrogate escape, an integer beyond 2^53, nesting past the limit):
    /// the binding then converts the host value itself, which names the
    /// offending path. Only text that might break them is checked here
    /// ([`may_refuse`]); the rest is canonicalized later, and if it
    /// still failed (text with duplicate keys, say) the call would log the
    /// strict parser's error as its `args_error`.
    ///
    /// [`may_refuse`]: tooltrail_json::may_refuse
    pub fn json(text: impl Into<Cow<'a, str>>) -> Result<Self, CanonError> {
        let text = text.into();
        if tooltrail_json::may_refuse(&text) {
            tooltrail_json::write_canonical_text(&text, &mut Vec::new())?;
        }
        Ok(CallArgs::Json { text })
    }

    /// Arguments as a tape ([`crate::tape`]), checked now ([`tooltrail_json::tape::check`]):
    /// `Err` when its JSON text would break the strict rules in a way the
    /// binding's converter answers otherwise (a lone surrogate, an integer
    /// beyond 2^53); the binding then converts the host value itself. A
    /// tape that is not one whole value is refused when the line is built
    /// (the call's `args_error`).
    pub fn tape(ops: &'a [i32], text: &'a [u16]) -> Result<Self, CanonError> {
        let used = tooltrail_json::tape::check(ops, text)?;
        Ok(CallArgs::Tape {
            ops: &ops[..used],
            text,
        })
    }

    /// The arguments as a value: the converted one as is, or the text of
    /// [`CallArgs::Json`] parsed (only calls that store their args ask).
    pub fn value(&self) -> Result<Cow<'_, Value>, CanonError> {
        match self {
            CallArgs::Value(v) => v.as_ref().map(Cow::Borrowed).map_err(Clone::clone),
            CallArgs::Json { text } => tooltrail_json::parse_json_str(text).map(Cow::Owned),
            CallArgs::Tape { ops, text } => {
                tooltrail_json::parse_json_str(&tooltrail_json::tape::json_string(ops, text)?)
                    .map(Cow::Owned)
            }
            CallArgs::Host(host) => host.to_value().map(Cow::Owned),
        }
    }

    /// `stable_hash` of the arguments (HMAC-SHA256 under `key`), or why
    /// they have none.
    pub fn hash(&self, key: Option<&[u8]>) -> Result<String, CanonError> {
        match self {
            CallArgs::Value(Ok(v)) => tooltrail_json::stable_hash_with(v, key),
            CallArgs::Value(Err(e)) => Err(e.clone()),
            CallArgs::Json { text } => tooltrail_json::stable_hash_text(text, key),
            CallArgs::Tape { ops, text } => tooltrail_json::hash_canonical(
                |out| tooltrail_json::tape::write_canonical(ops, text, out),
                key,
            ),
            CallArgs::Host(host) => tooltrail_json::walk::stable_hash(*host, key),
        }
    }
}

impl From<Result<Value, CanonError>> for CallArgs<'_> {
    fn from(v: Result<Value, CanonError>) -> Self {
        CallArgs::Value(v)
    }
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

/// What a tool's result validator said about a returned value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// No validator, or it accepted the result.
    Passed,
    /// The validator returned false (logged as [`VALIDATOR_REJECTED`](super::VALIDATOR_REJECTED)).
    ReturnedFalse,
    /// The validator raised / threw; its message.
    Raised(String),
}

/// Deterministic ids and clock for replays and cross-language tests.
#[derive(Debug, Clone, Copy)]
pub struct Deterministic {
    /// Where the manual clock starts (µs since the epoch).
    pub start_us: i64,
}

/// How a run's block ended, as the binding saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunExit {
    /// The block finished normally.
    Normal,
    /// The block raised / rejected.
    Raised,
    /// The block was cancelled (asyncio cancellation, AbortError).
    Cancelled,
}

impl RunExit {
    /// How a block ended that raised `failure` (`None`: it did not raise):
    /// a cancellation by [`classify`](crate::classify)'s rules is `Cancelled`.
    pub fn after(failure: Option<&FailureFacts>) -> Self {
        match failure {
            None => RunExit::Normal,
            Some(f) if f.is_cancellation() => RunExit::Cancelled,
            Some(_) => RunExit::Raised,
        }
    }

    /// The stop reason a run gets from its exit when nothing else stopped it.
    pub const fn stop_reason(self) -> StopReason {
        match self {
            RunExit::Normal => StopReason::Completed,
            RunExit::Raised => StopReason::Error,
            RunExit::Cancelled => StopReason::Cancelled,
        }
    }
}

/// What a binding knows of a call beyond its run ([`Gateway::begin_linked`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallLink<'a> {
    /// The framework's or model's id of the call (`tool_call.call_id`).
    pub call_id: Option<&'a str>,
    /// The call in progress where this one was made: its run id and span.
    pub outer: Option<(&'a str, &'a str)>,
    /// When the call started, in µs since the epoch, if before now (a
    /// framework's traced span, logged when it ends).
    pub started_us: Option<i64>,
}

impl<'a> CallLink<'a> {
    /// The span a call under `ctx` is a child of: the outer call's when it
    /// belongs to the same run (a tool calling a tool), else `ctx`'s (the
    /// run's span, or an incoming `traceparent`'s).
    pub fn parent_span<'c>(&self, ctx: &'c RunCtx) -> Option<&'c str>
    where
        'a: 'c,
    {
        match self.outer {
            Some((run_id, span)) if ctx.run_id.as_deref() == Some(run_id) => Some(span),
            _ => ctx.parent_span_id.as_deref(),
        }
    }
}
