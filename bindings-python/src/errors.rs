//! The exception hierarchy and the ONE mapping from core errors to Python.
//!
//! `TooltrailError` and `CanonicalError` are plain `create_exception!` types;
//! the leaf classes also inherit a builtin (`ValueError`, `TypeError`,
//! `OSError`), which `create_exception!` cannot express, so they are built once
//! at import with `type(name, bases, ns)` and kept in `PyOnceLock`s.

use pyo3::exceptions::{
    PyException, PyLookupError, PyOSError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use tooltrail_core::{CanonError, ConfigError, ErrorKind, GatewayError, WriterError};

pyo3::create_exception!(
    tooltrail,
    TooltrailError,
    PyException,
    "Base of every tooltrail error."
);
pyo3::create_exception!(
    tooltrail,
    CanonicalError,
    TooltrailError,
    "A value cannot be canonicalized: see `.kind` and `.path`."
);

static CANONICAL_VALUE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CANONICAL_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static WRITER_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CONFIG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_TOOL_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static MISSING_ID_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VALIDATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BUDGET_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LOOP_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RUN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static QUERY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn subclass<'py>(
    py: Python<'py>,
    name: &str,
    bases: &[Bound<'py, PyType>],
    doc: &str,
) -> PyResult<Py<PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "tooltrail")?;
    ns.set_item("__doc__", doc)?;
    let bases = PyTuple::new(py, bases)?;
    let class = py.get_type::<PyType>().call1((name, bases, ns))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// Creates the classes and adds them to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<TooltrailError>();
    let canonical = py.get_type::<CanonicalError>();
    let made = [
        (
            &CANONICAL_VALUE_ERROR,
            "CanonicalValueError",
            canonical.clone(),
            py.get_type::<PyValueError>(),
            "A value is out of policy: non_finite, integer_out_of_range, lone_surrogate, duplicate_key, depth_exceeded, invalid_json.",
        ),
        (
            &CANONICAL_TYPE_ERROR,
            "CanonicalTypeError",
            canonical.clone(),
            py.get_type::<PyTypeError>(),
            "A value has no JSON form: unsupported_type, non_string_key.",
        ),
        (
            &WRITER_ERROR,
            "WriterError",
            base.clone(),
            py.get_type::<PyOSError>(),
            "The event writer cannot open its sink (e.g. an unwritable path).",
        ),
        (
            &CONFIG_ERROR,
            "ConfigError",
            base.clone(),
            py.get_type::<PyValueError>(),
            "A setting is unknown or out of range; `.key` names it.",
        ),
        (
            &UNKNOWN_TOOL_ERROR,
            "UnknownToolError",
            base.clone(),
            py.get_type::<PyLookupError>(),
            "No implementation is registered under the tool name (error_class unknown_tool).",
        ),
        (
            &MISSING_ID_ERROR,
            "MissingIdError",
            base.clone(),
            py.get_type::<PyValueError>(),
            "A required id (run_id, trace_id, request_id) is missing from the context.",
        ),
        (
            &VALIDATION_ERROR,
            "ToolValidationError",
            base.clone(),
            py.get_type::<PyValueError>(),
            "A tool's result was rejected by its validator (error_class validation_failed).",
        ),
        (
            &BUDGET_ERROR,
            "BudgetExceededError",
            base.clone(),
            py.get_type::<PyRuntimeError>(),
            "A run budget is used up; the call was refused (error_class budget_exceeded, `.budget`).",
        ),
        (
            &LOOP_ERROR,
            "LoopDetectedError",
            base.clone(),
            py.get_type::<PyRuntimeError>(),
            "The loop guard refused an identical repeated call (error_class loop_detected).",
        ),
        (
            &RUN_ERROR,
            "RunError",
            base.clone(),
            py.get_type::<PyValueError>(),
            "A run operation got a bad argument (unknown stop_reason, no such open run).",
        ),
        (
            &QUERY_ERROR,
            "QueryError",
            base.clone(),
            py.get_type::<PyValueError>(),
            "A log query failed: unreadable logs, an unknown run, a bad option.",
        ),
    ];
    m.add("TooltrailError", &base)?;
    m.add("CanonicalError", &canonical)?;
    for (cell, name, first, builtin, doc) in made {
        let class = cell.get_or_try_init(py, || subclass(py, name, &[first, builtin], doc))?;
        m.add(name, class.bind(py))?;
    }
    Ok(())
}

fn raise(
    py: Python<'_>,
    cell: &PyOnceLock<Py<PyType>>,
    message: String,
    attrs: &[(&str, Option<&str>)],
) -> PyErr {
    let class = cell.get(py).expect("registered at import").bind(py);
    match class.call1((message,)) {
        Ok(instance) => {
            for (name, value) in attrs {
                if let Err(e) = instance.setattr(*name, *value) {
                    return e;
                }
            }
            PyErr::from_value(instance)
        }
        Err(e) => e,
    }
}

/// Maps a canonicalization error to `CanonicalValueError` / `CanonicalTypeError`
/// with `.kind`, `.error_class`, `.path` and `.detail`.
pub fn canon_err(py: Python<'_>, e: CanonError) -> PyErr {
    let cell = match e.kind() {
        ErrorKind::NonStringKey | ErrorKind::UnsupportedType => &CANONICAL_TYPE_ERROR,
        ErrorKind::NonFinite
        | ErrorKind::IntegerOutOfRange
        | ErrorKind::LoneSurrogate
        | ErrorKind::DuplicateKey
        | ErrorKind::DepthExceeded
        | ErrorKind::InvalidJson => &CANONICAL_VALUE_ERROR,
    };
    let path = e.path().to_string();
    raise(
        py,
        cell,
        e.to_string(),
        &[
            ("kind", Some(e.kind().as_str())),
            ("error_class", Some(e.kind().as_str())),
            ("path", Some(&path)),
            ("detail", Some(e.detail())),
        ],
    )
}

/// Maps a writer construction error to `WriterError` (an `OSError`) or
/// `ConfigError` (a `ValueError`, with `.key`).
pub fn writer_err(py: Python<'_>, e: WriterError) -> PyErr {
    let message = e.to_string();
    match e {
        WriterError::Open { .. } => raise(
            py,
            &WRITER_ERROR,
            message,
            &[("error_class", Some("writer_error"))],
        ),
        WriterError::InvalidConfig { key, .. } => raise(
            py,
            &CONFIG_ERROR,
            message,
            &[("key", Some(key)), ("error_class", Some("config_error"))],
        ),
    }
}

/// A configuration error naming `key`.
pub fn config_err(py: Python<'_>, key: &str, message: &str) -> PyErr {
    let text = ConfigError {
        key: key.into(),
        message: message.into(),
    }
    .to_string();
    raise(
        py,
        &CONFIG_ERROR,
        text,
        &[("key", Some(key)), ("error_class", Some("config_error"))],
    )
}

/// Maps a core configuration error.
pub fn config_error(py: Python<'_>, e: ConfigError) -> PyErr {
    config_err(py, &e.key, &e.message)
}

/// Maps the errors the gateway raises on purpose.
pub fn gateway_err(py: Python<'_>, e: GatewayError) -> PyErr {
    let message = e.to_string();
    let class = e.error_class();
    match &e {
        GatewayError::UnknownTool(tool) => raise(
            py,
            &UNKNOWN_TOOL_ERROR,
            message,
            &[("error_class", Some(class)), ("tool", Some(tool))],
        ),
        GatewayError::MissingId(id) => raise(
            py,
            &MISSING_ID_ERROR,
            message,
            &[("error_class", Some(class)), ("key", Some(id))],
        ),
        GatewayError::ValidationFailed { tool, .. } => raise(
            py,
            &VALIDATION_ERROR,
            message,
            &[("error_class", Some(class)), ("tool", Some(tool))],
        ),
        GatewayError::BudgetExceeded(budget) => raise(
            py,
            &BUDGET_ERROR,
            message,
            &[
                ("error_class", Some(class)),
                ("budget", Some(budget.key())),
                ("stop_reason", Some(budget.stop_reason())),
            ],
        ),
        GatewayError::LoopDetected { tool, .. } => raise(
            py,
            &LOOP_ERROR,
            message,
            &[("error_class", Some(class)), ("tool", Some(tool))],
        ),
        GatewayError::UnknownStopReason(_) | GatewayError::UnknownRun(_) => {
            raise(py, &RUN_ERROR, message, &[("error_class", Some(class))])
        }
    }
}

/// A failed log query.
pub fn query_err(py: Python<'_>, message: String) -> PyErr {
    raise(
        py,
        &QUERY_ERROR,
        message,
        &[("error_class", Some("query_error"))],
    )
}
