//! # tooltrail-core
//!
//! The one implementation behind tooltrail's Python and Node bindings: canonical
//! JSON (RFC 8785 / JCS plus tooltrail's input policy), `stable_hash`, and the
//! strict JSON-text parser. Bindings convert host values into [`Value`] and map
//! [`CanonError`] into their own exception types; every rule lives here, so both
//! languages produce the same bytes.
//!
//! ```
//! use tooltrail_core::{stable_hash_json, canonical_json_from_text};
//! assert_eq!(canonical_json_from_text(r#"{"b":[true,null],"a":1.0}"#).unwrap(),
//!            r#"{"a":1,"b":[true,null]}"#);
//! assert_eq!(stable_hash_json(r#"{"a":1}"#).unwrap().len(), 64);
//! ```

mod canon_error;
mod canonical;
mod canonical_text;
pub mod cli;
pub mod config;
mod error;
mod error_class;
mod escape;
mod event;
mod fork;
pub mod gateway;
mod hash;
pub mod host;
pub mod mcp;
mod members;
mod number;
pub mod otlp;
mod parse;
pub mod query;
pub mod redact;
pub mod report;
pub mod schema;
pub mod tape;
pub mod testing;
mod value;
pub mod writer;

pub use canonical::{canonical_json, check_depth, write_canonical, write_ordered};
pub use canonical_text::{canonical_json_from_text, write_canonical_text};
pub use config::{Config, ConfigError};
pub use error::{
    Attr, CanonError, Error, ErrorCode, ErrorKind, JsonPath, PathSegment, panic_message,
};
pub use error_class::{
    CAUSE_PATHS, CODE_PATHS, ERROR_CLASSES, FailureFacts, STATUS_PATHS, classify,
};
pub use event::{SCHEMA_VERSION, format_timestamp, now_timestamp, write_event_line};
pub use gateway::{CallHandle, Event, Gateway, GatewayError, Outcome, RunCtx};
pub use hash::{
    HashScheme, hmac_sha256_hex, sha256_hex, stable_hash, stable_hash_json, stable_hash_keyed,
    stable_hash_text, stable_hash_with,
};
pub use number::{MAX_SAFE_INTEGER, check_float, check_integer, format_number};
pub use parse::{parse_json, parse_json_str};
pub use redact::Redactor;
pub use value::{MAX_DEPTH, Value};
pub use writer::{EventWriter, WriterConfig, WriterError, WriterStats};

/// The version shared by the core, the Python package and the Node package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
