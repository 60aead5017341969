//! W3C `traceparent` helpers, so a tool calling another service can pass the
//! trace on (the logic is the core's `gateway::traceparent`).

use pyo3::prelude::*;

/// The `traceparent` header value for an outgoing call made from `span_id`.
#[pyfunction]
#[pyo3(signature = (trace_id, span_id, sampled=true))]
pub fn traceparent(trace_id: &str, span_id: &str, sampled: bool) -> PyResult<String> {
    tooltrail_core::gateway::traceparent(trace_id, span_id, sampled).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "not W3C ids (32 and 16 lowercase hex digits, not all zero): \
             trace_id={trace_id:?}, span_id={span_id:?}"
        ))
    })
}

/// `(trace_id, parent_span_id, sampled)` of a header, or None if invalid.
#[pyfunction]
pub fn parse_traceparent(header: &str) -> Option<(String, String, bool)> {
    tooltrail_core::gateway::parse_traceparent(header)
}
