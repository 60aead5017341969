//! The event schema, defined once: stop reasons (and, with them, the names
//! every writer and reader of events agrees on). The `.pyi` / `.d.ts` types
//! and the JSON Schema are generated from or drift-tested against this module.

mod stop_reason;

pub use stop_reason::{STOP_REASONS, StopReason};
