//! [`ErrorCode`] and [`Attr`]: the stable codes and extra fields of every
//! error tooltrail raises, below the modules that raise them (the gateway
//! refuses with a code; [`Error`](crate::Error) gathers every module's error).

use std::fmt;

use tooltrail_json::ErrorKind;

/// The stable code of an [`Error`]: `err.code` in Node, `.code` in Python.
/// The canonicalization kinds come first, in the documented order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A canonicalization error of this kind.
    Canon(ErrorKind),
    /// A configuration key is unknown or has a bad value (`key` names it).
    ConfigError,
    /// The event sink cannot be opened.
    WriterError,
    /// No tool is registered under the name.
    UnknownTool,
    /// A required id is missing from the context.
    MissingId,
    /// A tool's result was rejected by its validator.
    ValidationFailed,
    /// A run budget is used up.
    BudgetExceeded,
    /// The loop guard refused an identical repeated call.
    LoopDetected,
    /// An argument of the wrong shape or value (`key` names it).
    InvalidArgument,
    /// A log query failed.
    QueryError,
    /// A log query asked for a run with no events in the logs (`run_id`).
    UnknownRun,
    /// Recorded events differ from a golden-run snapshot (docs/testing.md).
    SnapshotMismatch,
    /// A bug in tooltrail (a caught panic); never a user's mistake.
    Internal,
}

impl ErrorCode {
    /// Every code, in a fixed order (the `.pyi` / `.d.ts` lists are
    /// generated from it).
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::Canon(ErrorKind::NonFinite),
        ErrorCode::Canon(ErrorKind::IntegerOutOfRange),
        ErrorCode::Canon(ErrorKind::LoneSurrogate),
        ErrorCode::Canon(ErrorKind::DuplicateKey),
        ErrorCode::Canon(ErrorKind::NonStringKey),
        ErrorCode::Canon(ErrorKind::UnsupportedType),
        ErrorCode::Canon(ErrorKind::DepthExceeded),
        ErrorCode::Canon(ErrorKind::InvalidJson),
        ErrorCode::ConfigError,
        ErrorCode::WriterError,
        ErrorCode::UnknownTool,
        ErrorCode::MissingId,
        ErrorCode::ValidationFailed,
        ErrorCode::BudgetExceeded,
        ErrorCode::LoopDetected,
        ErrorCode::InvalidArgument,
        ErrorCode::QueryError,
        ErrorCode::UnknownRun,
        ErrorCode::SnapshotMismatch,
        ErrorCode::Internal,
    ];

    /// The wire name, e.g. `"config_error"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Canon(kind) => kind.as_str(),
            ErrorCode::ConfigError => "config_error",
            ErrorCode::WriterError => "writer_error",
            ErrorCode::UnknownTool => "unknown_tool",
            ErrorCode::MissingId => "missing_id",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::BudgetExceeded => "budget_exceeded",
            ErrorCode::LoopDetected => "loop_detected",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::QueryError => "query_error",
            ErrorCode::UnknownRun => "unknown_run",
            ErrorCode::SnapshotMismatch => "snapshot_mismatch",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An extra field an error carries besides its code and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    /// Canonicalization errors: the kind.
    Kind,
    /// Canonicalization errors: the JSON path of the offending value.
    Path,
    /// Canonicalization errors: the message without kind and path.
    Detail,
    /// The configuration key, argument or id at fault.
    Key,
    /// The tool.
    Tool,
    /// `budget_exceeded`: the budget's configuration key.
    Budget,
    /// `budget_exceeded`: the stop reason the run gets.
    StopReason,
    /// `unknown_run`: the run asked for.
    RunId,
}

impl Attr {
    /// The attribute's name in Python (`err.stop_reason`).
    pub const fn py_name(self) -> &'static str {
        match self {
            Attr::Kind => "kind",
            Attr::Path => "path",
            Attr::Detail => "detail",
            Attr::Key => "key",
            Attr::Tool => "tool",
            Attr::Budget => "budget",
            Attr::StopReason => "stop_reason",
            Attr::RunId => "run_id",
        }
    }

    /// The property's name in JavaScript (`err.stopReason`).
    pub const fn js_name(self) -> &'static str {
        match self {
            Attr::StopReason => "stopReason",
            Attr::RunId => "runId",
            other => other.py_name(),
        }
    }
}
