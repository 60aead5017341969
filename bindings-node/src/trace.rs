//! W3C `traceparent` helpers, so a tool calling another service can pass the
//! trace on (the logic is the core's `gateway::traceparent`).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::errors::ResultExt;

/// The `traceparent` header value for an outgoing call made from `spanId`.
// Reached only through the #[napi] registration, which test builds omit.
#[allow(dead_code)]
#[napi]
pub fn traceparent(
    env: Env,
    trace_id: String,
    span_id: String,
    sampled: Option<bool>,
) -> Result<String> {
    tooltrail_core::gateway::outgoing_traceparent(&trace_id, &span_id, sampled.unwrap_or(true))
        .js(&env)
}

/// The parts of an incoming `traceparent` header.
#[napi(object)]
pub struct JsTraceParent {
    pub trace_id: String,
    pub parent_span_id: String,
    pub sampled: bool,
}

/// Parses a `traceparent` header; null if it is not valid.
#[allow(dead_code)]
#[napi]
pub fn parse_traceparent(header: String) -> Option<JsTraceParent> {
    tooltrail_core::gateway::parse_traceparent(&header).map(
        |(trace_id, parent_span_id, sampled)| JsTraceParent {
            trace_id,
            parent_span_id,
            sampled,
        },
    )
}
