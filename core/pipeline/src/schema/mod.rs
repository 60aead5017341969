//! The event schema, defined once: every event tooltrail writes,
//! its fields in line order, their JSON types and value sets ([`EVENTS`]),
//! and the names as constants ([`event`], [`field`]) for code that writes or
//! reads events.
//!
//! Everything else is derived from the table and drift-tested against it
//! (`core/pipeline/tests/generated.rs`): the JSON Schema `schema/event.schema.json`
//! ([`json_schema`]), the Python TypedDicts `tooltrail/events.py`
//! ([`python_typeddicts`]), the TypeScript types `bindings-node/events.d.ts`
//! ([`typescript_types`]), and the validator every produced line and golden
//! vector is checked with ([`validate_line`]).
//!
//! ```
//! use tooltrail_core::schema::{self, field, validate_line};
//! assert_eq!(field::STOP_REASON, "stop_reason");
//! let line = r#"{"v":1,"ts":"2026-11-24T19:57:40.000000Z","event":"writer_dropped","run_id":null,"trace_id":null,"span_id":null,"request_id":null,"user_id":null,"count":3,"reason":"queue_full"}"#;
//! assert_eq!(validate_line(line.as_bytes()).unwrap().name, schema::event::WRITER_DROPPED);
//! let bad = line.replace("queue_full", "full");
//! assert_eq!(validate_line(bad.as_bytes()).unwrap_err().path, "$.reason");
//! ```

mod json_schema;
mod names;
mod stop_reason;
mod table;
mod types;
mod typings;
mod validate;
mod values;

/// Schema version written as `"v"` on every line.
pub const SCHEMA_VERSION: u32 = 1;

pub use json_schema::json_schema;
pub use names::{
    ALERT_LEVELS, ALERT_RULES, DECISION_ALLOW, DECISION_BLOCK, DECISIONS, DROP_REASONS,
    ERROR_KINDS, HASH_ALGS, LEVEL_CRITICAL, LEVEL_RESOLVED, LEVEL_WARN, MODEL_ERROR, event, field,
};
pub use stop_reason::{STOP_REASONS, StopReason, UnknownStopReason};
pub use table::{COMMON, EVENTS, event_spec};
pub use types::{Enum, EventSpec, Field, Lit, Object, Rule, Ty};
pub use typings::{python_typeddicts, typescript_types};
pub use validate::{SchemaError, validate_event, validate_line};
pub use values::ENUMS;

/// A generated file: its path from the repository root, and its generator.
pub type Generated = (&'static str, fn() -> String);

/// Every file generated from the schema (`core/pipeline/tests/generated.rs`
/// checks them, with the reference pages of `crate::reference::GENERATED`).
pub const GENERATED: [Generated; 3] = [
    ("schema/event.schema.json", json_schema),
    (
        "bindings-python/python/tooltrail/events.py",
        python_typeddicts,
    ),
    ("bindings-node/events.d.ts", typescript_types),
];
