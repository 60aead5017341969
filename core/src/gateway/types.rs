//! The gateway's value types: contexts, events, outcomes, errors.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::TraceParent;
use super::run::{Budget, RunState};
use crate::error::CanonError;
use crate::error_class::FailureFacts;
use crate::value::Value;

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
    /// A budget of the run is used up; the call was refused.
    BudgetExceeded(Budget),
    /// The loop guard refused the n-th identical call.
    LoopDetected {
        /// The tool.
        tool: String,
        /// How many identical calls this would have been.
        count: u64,
    },
    /// `stop_reason` is not one of SPEC §4's.
    UnknownStopReason(String),
    /// No open run has this id.
    UnknownRun(String),
}

impl GatewayError {
    /// The `error_class` string.
    pub fn error_class(&self) -> &'static str {
        match self {
            GatewayError::UnknownTool(_) => "unknown_tool",
            GatewayError::MissingId(_) => "missing_id",
            GatewayError::ValidationFailed { .. } => "validation_failed",
            GatewayError::BudgetExceeded(_) => "budget_exceeded",
            GatewayError::LoopDetected { .. } => "loop_detected",
            GatewayError::UnknownStopReason(_) | GatewayError::UnknownRun(_) => "invalid_argument",
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
                super::run::STOP_REASONS.join(", ")
            ),
            GatewayError::UnknownRun(r) => write!(f, "no open run with run_id {r:?}"),
        }
    }
}

impl std::error::Error for GatewayError {}

/// A call in flight, returned by `begin` and consumed by `finish`.
#[derive(Debug, Clone)]
pub struct CallHandle {
    /// The call's ids, serialized once for both of its events.
    pub(crate) common: Vec<u8>,
    pub(crate) tool: String,
    pub(crate) seq: u64,
    pub(crate) start_us: i64,
    pub(crate) store_result: bool,
    pub(crate) run: Option<Arc<Mutex<RunState>>>,
}

impl CallHandle {
    /// Whether `finish` logs the result: a binding converts the tool's
    /// return value only then (it is sampled, 1% of runs by default).
    pub fn stores_result(&self) -> bool {
        self.store_result
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
