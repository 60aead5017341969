//! OTLP export: every event as an OpenTelemetry log record, every tool call
//! as an `execute_tool {tool}` span and every model step as a `chat {model}`
//! span under its run's span, sent as OTLP/HTTP JSON to `/v1/logs` and
//! `/v1/traces`. See `docs/otlp.md`.
//!
//! The exporter is a second writer fed the same line bytes as the file sink
//! (a fan-out in [`tooltrail_core::writer::EventWriter::write_line`]): its own bounded
//! queue and its own worker thread, so a slow or dead collector drops export
//! events (counted) and never stalls producers or the file sink. HTTP is a
//! synchronous client on that worker thread; no async runtime.

#![warn(unreachable_pub)]

mod encode;
mod exporter;
mod http;
mod spans;

pub use exporter::{Exporter, OtlpSinkSpec};
pub use tooltrail_core::config::{OtlpConfig, without_credentials};
pub use tooltrail_core::writer::{OtlpDropReason, OtlpStats};

/// Makes OTLP export available to every writer of this process (call it once
/// at start; later calls do nothing). A configuration with `sinks.otlp` in a
/// program that never called it is refused with an error naming the key.
pub fn install() {
    tooltrail_core::writer::register_exporter(|config, close_timeout| {
        Ok(Box::new(Exporter::start(config, close_timeout)?))
    });
}
