//! [`Error`]: every error tooltrail raises to a host, one type for all
//! bindings. Each binding maps it in one place (Python `errors.rs`, Node
//! `errors.rs`) by its [`ErrorCode`], with an exhaustive match, and copies
//! [`Error::attributes`] onto the exception, so both languages raise the same
//! code, message and fields for the same failure.

use std::fmt;

use crate::config::ConfigError;
use crate::gateway::GatewayError;
use crate::writer::WriterError;
use tooltrail_json::CanonError;

pub use crate::error_code::{Attr, ErrorCode};

/// Every error tooltrail raises to a host.
#[derive(Debug)]
pub enum Error {
    /// A value has no canonical JSON form.
    Canon(CanonError),
    /// A bad configuration.
    Config(ConfigError),
    /// The writer cannot start (its sink cannot be opened, or a setting is bad).
    Writer(WriterError),
    /// An error the gateway raises on purpose (a logging failure never reaches the caller).
    Gateway(GatewayError),
    /// A log query failed.
    Query {
        /// What went wrong.
        message: String,
    },
    /// A query for one run (`show`, `Logs.timeline`) found no event of it.
    UnknownRun {
        /// The run asked for.
        run_id: String,
        /// The logs read (a directory or a file).
        path: String,
        /// What the record is missing ([`crate::query::Gaps::note`]), if
        /// anything: the run's events may be among what was lost.
        incomplete: Option<String>,
    },
    /// An argument of the wrong shape or value.
    InvalidArgument {
        /// The argument (`timeout`, `ctx.run_id`, `traceparent`, …).
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// Recorded events differ from a golden-run snapshot.
    SnapshotMismatch {
        /// The snapshot file.
        path: String,
        /// Where they differ, both sides.
        diff: String,
    },
    /// A bug in tooltrail, caught at the binding boundary (a panic).
    Internal(String),
}

impl Error {
    /// An [`Error::InvalidArgument`] naming `key`.
    pub fn invalid_argument(key: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            key: key.into(),
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Canon(e) => ErrorCode::Canon(e.kind()),
            Error::Config(_) => ErrorCode::ConfigError,
            Error::Writer(WriterError::Open { .. }) => ErrorCode::WriterError,
            Error::Writer(WriterError::InvalidConfig { .. }) => ErrorCode::ConfigError,
            Error::Gateway(e) => e.code(),
            Error::Query { .. } => ErrorCode::QueryError,
            Error::UnknownRun { .. } => ErrorCode::UnknownRun,
            Error::SnapshotMismatch { .. } => ErrorCode::SnapshotMismatch,
            Error::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The extra fields this error carries, for the host exception.
    pub fn attributes(&self) -> Vec<(Attr, String)> {
        match self {
            Error::Canon(e) => vec![
                (Attr::Kind, e.kind().as_str().to_owned()),
                (Attr::Path, e.path().to_string()),
                (Attr::Detail, e.detail().to_owned()),
            ],
            Error::Config(e) => vec![(Attr::Key, e.key.clone())],
            Error::Writer(WriterError::InvalidConfig { key, .. }) => {
                vec![(Attr::Key, (*key).to_owned())]
            }
            Error::Writer(WriterError::Open { .. }) => Vec::new(),
            Error::Gateway(e) => e.attributes(),
            Error::Query { .. } | Error::Internal(_) => Vec::new(),
            Error::UnknownRun { run_id, .. } => vec![(Attr::RunId, run_id.clone())],
            Error::SnapshotMismatch { path, .. } => vec![(Attr::Path, path.clone())],
            Error::InvalidArgument { key, .. } => vec![(Attr::Key, key.clone())],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Canon(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
            Error::Writer(e) => e.fmt(f),
            Error::Gateway(e) => e.fmt(f),
            Error::Query { message } => f.write_str(message),
            Error::UnknownRun {
                run_id,
                path,
                incomplete,
            } => {
                write!(f, "no events for run {run_id:?} in the logs at {path}")?;
                match incomplete {
                    Some(note) => write!(f, " ({note})"),
                    None => Ok(()),
                }
            }
            Error::SnapshotMismatch { path, diff } => write!(
                f,
                "recorded events differ from the snapshot {path}: {diff}\n\
                 (if the change is intended, rerun with TOOLTRAIL_UPDATE_SNAPSHOTS=1 and commit the file)"
            ),
            Error::InvalidArgument { key, message } => write!(f, "invalid `{key}`: {message}"),
            Error::Internal(message) => write!(
                f,
                "internal error in tooltrail (a bug; please report it): {message}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Canon(e) => Some(e),
            Error::Config(e) => Some(e),
            Error::Writer(e) => Some(e),
            Error::Gateway(e) => Some(e),
            Error::Query { .. }
            | Error::UnknownRun { .. }
            | Error::InvalidArgument { .. }
            | Error::SnapshotMismatch { .. }
            | Error::Internal(_) => None,
        }
    }
}

impl From<CanonError> for Error {
    fn from(e: CanonError) -> Self {
        Error::Canon(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<WriterError> for Error {
    fn from(e: WriterError) -> Self {
        Error::Writer(e)
    }
}

impl From<GatewayError> for Error {
    fn from(e: GatewayError) -> Self {
        match e {
            // The gateway's argument checks raise what every other check does.
            GatewayError::InvalidArgument { key, message } => {
                Error::InvalidArgument { key, message }
            }
            e => Error::Gateway(e),
        }
    }
}

/// The message of a caught panic payload (for [`Error::Internal`]).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tooltrail_json::ErrorKind;

    #[test]
    fn codes_are_unique_and_canon_kinds_come_first() {
        let names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        let kinds: Vec<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(&names[..kinds.len()], &kinds[..]);
    }
}
