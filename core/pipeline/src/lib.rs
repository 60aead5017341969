//! # tooltrail-core
//!
//! tooltrail's event pipeline, the one implementation behind the Python and
//! Node bindings and the CLI: the event schema (names, the event table, stop
//! reasons), the error type and `error_class` rules, configuration from YAML
//! or a host object, redaction, the [`Gateway`] (a tool call's life: ids,
//! budgets, loop guard, hashing, `tool_call` / `tool_result` lines, runs,
//! alerts, the incident window) and the non-blocking batched [`EventWriter`].
//!
//! Canonical JSON and hashing live below, in `tooltrail-json`; readers
//! (queries, the report), the OTLP exporter, the MCP relay and the CLI live
//! above, each in a crate of its own that depends on this one.
//!
//! ```
//! use tooltrail_core::{Config, Gateway, RunCtx};
//! use tooltrail_core::gateway::CallArgs;
//!
//! let gw = Gateway::new(Config::default(), ["search".to_owned()], None, None);
//! let ctx = RunCtx {
//!     run_id: Some("r-1".into()),
//!     trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
//!     request_id: Some("q-1".into()),
//!     ..RunCtx::default()
//! };
//! let args = CallArgs::json(r#"{"q":"refund"}"#).unwrap();
//! let (_call, events) = gw.begin(&ctx, "search", args).unwrap();
//! assert!(String::from_utf8_lossy(&events[0].line()).contains(r#""event":"tool_call""#));
//! ```

#![warn(unreachable_pub)]

pub mod config;
mod error;
mod error_class;
mod error_code;
mod event;
mod fork;
pub mod gateway;
mod hash_key;
pub mod pricing;
pub mod redact;
pub mod reference;
pub mod schema;
pub mod signals;
mod time;
pub mod warnings;
pub mod writer;

pub use config::{Config, ConfigError};
pub use error::{Attr, Error, ErrorCode, panic_message};
pub use error_class::{
    CAUSE_PATHS, CODE_PATHS, ERROR_CLASSES, ERROR_RESULT_CLASS, FailureFacts, RESULT_ERROR_PATHS,
    RESULT_STATUS_PATHS, ResultFacts, STATUS_PATHS, classify, failed_result,
};
pub use event::{MAX_LINE_BYTES, write_event_line};
pub use gateway::{CallHandle, Event, Gateway, GatewayError, Outcome, RunCtx};
pub use hash_key::check_hash_key;
pub use redact::{RedactPattern, Redactor};
pub use schema::SCHEMA_VERSION;
pub use time::{
    TIMESTAMP_LEN, format_timestamp, now_timestamp, parse_timestamp_nanos, push_timestamp,
};
pub use writer::{EventWriter, WriterConfig, WriterError, WriterStats};

/// The version shared by every tooltrail crate, the Python package and the
/// Node package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
