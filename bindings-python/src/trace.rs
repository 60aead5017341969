//! W3C `traceparent` helpers, so a tool calling another service can pass the
//! trace on (the logic is the core's `gateway::traceparent`).

use pyo3::prelude::*;

use crate::errors::ResultExt;

/// The `traceparent` header value for an outgoing call made from `span_id`.
#[pyfunction]
#[pyo3(signature = (trace_id, span_id, sampled=true))]
pub fn traceparent(trace_id: &str, span_id: &str, sampled: bool) -> PyResult<String> {
    tooltrail_core::gateway::outgoing_traceparent(trace_id, span_id, sampled).py()
}

/// `(trace_id, parent_span_id, sampled)` of a header, or None if invalid.
#[pyfunction]
pub fn parse_traceparent(header: &str) -> Option<(String, String, bool)> {
    tooltrail_core::gateway::parse_traceparent(header)
}
