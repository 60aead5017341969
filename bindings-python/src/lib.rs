//! `tooltrail._native`: the Python face of tooltrail-core. Registration only;
//! conversion lives in `convert.rs`, error mapping in `errors.rs`.

/// Small, short-lived allocations on every call, many freed by the writer
/// thread: mimalloc handles both far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod config;
mod convert;
mod ctx;
mod errors;
mod gateway;
mod host;
mod query;
mod testing;
mod trace;
mod writer;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use tooltrail_json::{ErrorKind, canonical_json as core_canonical, parse_json, stable_hash_with};

use crate::convert::{to_string, to_value};
use crate::errors::ResultExt;

/// Key bytes from `str` (UTF-8) or `bytes`.
fn key_bytes(key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<u8>>> {
    let Some(key) = key else { return Ok(None) };
    let bytes = if let Ok(b) = key.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(s) = key.cast::<PyString>() {
        to_string(s).py()?.into_bytes()
    } else if let Ok(b) = key.cast::<pyo3::types::PyByteArray>() {
        b.to_vec()
    } else if key.is_instance_of::<pyo3::types::PyMemoryView>() {
        key.call_method0("tobytes")?
            .cast::<PyBytes>()?
            .as_bytes()
            .to_vec()
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "key must be str or bytes-like (bytes, bytearray, memoryview)",
        ));
    };
    tooltrail_core::check_hash_key(&bytes, "key").py()?;
    Ok(Some(bytes))
}

/// Lowercase hex SHA-256 of the canonical JSON of `obj` (HMAC-SHA256 with `key`).
#[pyfunction]
#[pyo3(signature = (obj, key=None))]
fn stable_hash(obj: &Bound<'_, PyAny>, key: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let key = key_bytes(key)?;
    tooltrail_json::walk::stable_hash(&convert::Plain(obj), key.as_deref()).py()
}

/// JSON text (str, or UTF-8 bytes) → parsed strictly → core value.
fn text_value(text: &Bound<'_, PyAny>) -> PyResult<tooltrail_json::Value> {
    let parsed = if let Ok(b) = text.cast::<PyBytes>() {
        parse_json(b.as_bytes())
    } else if let Ok(s) = text.cast::<PyString>() {
        to_string(s).and_then(|s| parse_json(s.as_bytes()))
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "text must be str or bytes",
        ));
    };
    parsed.py()
}

/// `stable_hash` of JSON text, parsed by the core's strict parser.
#[pyfunction]
#[pyo3(signature = (text, key=None))]
fn stable_hash_json(text: &Bound<'_, PyAny>, key: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let key = key_bytes(key)?;
    let value = text_value(text)?;
    stable_hash_with(&value, key.as_deref()).py()
}

/// The RFC 8785 canonical JSON text of `obj`.
#[pyfunction]
fn canonical_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = to_value(obj).py()?;
    core_canonical(&value).py()
}

/// Canonical JSON of JSON text (used by tests; not in `__all__`).
#[pyfunction]
fn canonical_json_text(text: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = text_value(text)?;
    core_canonical(&value).py()
}

/// A redacted copy of `obj`. `redact_fields` adds sensitive keys
/// (default: the config default, `email`, `phone`, `token`, …).
#[pyfunction]
#[pyo3(signature = (obj, redact_fields=None))]
fn redact<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    redact_fields: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let value = to_value(obj).py()?;
    let redactor = tooltrail_core::Redactor::for_fields(redact_fields.as_deref());
    convert::to_py(py, &redactor.redact(&value))
}

/// The `error_class` of an MCP `tools/call` answered with a JSON-RPC error
/// (the proxy's rule, for the client adapter).
#[pyfunction]
fn _mcp_error_class(code: i64, message: &str) -> &'static str {
    tooltrail_mcp::error_class(code, message)
}

/// The message of an MCP `tools/call` result that reports a tool failure
/// (`isError: true`), or None (the proxy's rule, for the client adapter).
#[pyfunction]
fn _mcp_result_error(result: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let value = to_value(result).py()?;
    Ok(tooltrail_mcp::result_error(&value).map(str::to_owned))
}

/// The JSON-RPC error `(code, message, data)` a call refused by a budget or
/// the loop guard is answered with (the proxy's), from tooltrail's error.
#[pyfunction]
fn _mcp_refusal<'py>(
    py: Python<'py>,
    err: &Bound<'py, PyAny>,
) -> PyResult<(i64, String, Bound<'py, PyAny>)> {
    let class: String = err.getattr("error_class")?.extract()?;
    let attr = |a: tooltrail_core::Attr| {
        err.getattr(a.py_name())
            .ok()
            .and_then(|v| v.extract::<String>().ok())
    };
    let (code, message, data) = tooltrail_mcp::refusal(&class, &err.str()?.to_cow()?, attr);
    Ok((code, message, convert::to_py(py, &data)?))
}

#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // OTLP export (`sinks.otlp`) for every writer this module makes.
    tooltrail_otlp::install();
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(stable_hash, m)?)?;
    m.add_function(wrap_pyfunction!(stable_hash_json, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_json, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_json_text, m)?)?;
    m.add_class::<writer::PyEventWriter>()?;
    m.add_function(wrap_pyfunction!(writer::_wait_for_dropped, m)?)?;
    m.add_class::<gateway::PyToolGateway>()?;
    m.add_function(wrap_pyfunction!(gateway::_first_warning, m)?)?;
    m.add_function(wrap_pyfunction!(gateway::_reset_warnings, m)?)?;
    m.add_class::<ctx::PyRunCtx>()?;
    m.add_class::<gateway::PyCall>()?;
    m.add_class::<gateway::PyJsonArgs>()?;
    m.add_class::<config::PyConfig>()?;
    m.add_function(wrap_pyfunction!(config::load_config, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(_mcp_error_class, m)?)?;
    m.add_function(wrap_pyfunction!(_mcp_result_error, m)?)?;
    m.add_function(wrap_pyfunction!(_mcp_refusal, m)?)?;
    m.add_function(wrap_pyfunction!(query::cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(query::query, m)?)?;
    m.add_function(wrap_pyfunction!(testing::recorded, m)?)?;
    // The test helpers' constants, from the core (tooltrail.testing).
    m.add(
        "_DETERMINISTIC_START",
        tooltrail_query::testing::DETERMINISTIC_START,
    )?;
    m.add(
        "_UPDATE_SNAPSHOTS_ENV",
        tooltrail_query::testing::UPDATE_ENV,
    )?;
    m.add_function(wrap_pyfunction!(testing::recorder_clear, m)?)?;
    m.add_function(wrap_pyfunction!(testing::deterministic_start_us, m)?)?;
    m.add_function(wrap_pyfunction!(trace::traceparent, m)?)?;
    m.add_function(wrap_pyfunction!(trace::parse_traceparent, m)?)?;
    m.add(
        "ERROR_CODES",
        pyo3::types::PyTuple::new(m.py(), tooltrail_core::ErrorCode::ALL.map(|c| c.as_str()))?,
    )?;
    m.add(
        "ERROR_CLASSES",
        pyo3::types::PyTuple::new(m.py(), tooltrail_core::ERROR_CLASSES)?,
    )?;
    m.add(
        "STOP_REASONS",
        pyo3::types::PyTuple::new(m.py(), tooltrail_core::gateway::STOP_REASONS)?,
    )?;
    let kinds: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    m.add("ERROR_KINDS", pyo3::types::PyTuple::new(m.py(), kinds)?)?;
    m.add("__version__", tooltrail_core::VERSION)?;
    Ok(())
}
