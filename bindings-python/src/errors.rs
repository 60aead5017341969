//! The exception hierarchy and the ONE mapping from `tooltrail_core::Error`
//! to Python: [`to_py_err`] picks the class by the error's code (an
//! exhaustive match) and copies the code, message and attributes onto it.
//! Call sites write `core_call().py()?` ([`ResultExt`]).
//!
//! `TooltrailError` and `CanonicalError` are plain `create_exception!` types;
//! the leaf classes also inherit a builtin (`ValueError`, `TypeError`,
//! `OSError`, …), which `create_exception!` cannot express, so they are built
//! once at import with `type(name, bases, ns)` and kept in `PyOnceLock`s.

use pyo3::exceptions::{
    PyAssertionError, PyException, PyLookupError, PyOSError, PyRuntimeError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use tooltrail_core::{Error, ErrorCode};
use tooltrail_json::ErrorKind;

pyo3::create_exception!(
    tooltrail,
    TooltrailError,
    PyException,
    "Base of every tooltrail error; `.code` (= `.error_class`) says which."
);
pyo3::create_exception!(
    tooltrail,
    CanonicalError,
    TooltrailError,
    "A value cannot be canonicalized: see `.kind` and `.path`."
);

/// A leaf class: its cell, name, tooltrail parent, builtin parent, doc.
type Leaf = (
    &'static PyOnceLock<Py<PyType>>,
    &'static str,
    Parent,
    Builtin,
    &'static str,
);

#[derive(Clone, Copy)]
enum Parent {
    Base,
    Canonical,
    /// `QueryError` (made earlier in `LEAVES`).
    Query,
}

#[derive(Clone, Copy)]
enum Builtin {
    Value,
    Type,
    Os,
    Lookup,
    Runtime,
    Assertion,
}

static CANONICAL_VALUE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CANONICAL_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static WRITER_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CONFIG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_TOOL_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static MISSING_ID_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VALIDATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BUDGET_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LOOP_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_ARGUMENT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static QUERY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_RUN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SNAPSHOT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INTERNAL_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const LEAVES: [Leaf; 14] = [
    (
        &CANONICAL_VALUE_ERROR,
        "CanonicalValueError",
        Parent::Canonical,
        Builtin::Value,
        "A value is out of policy: non_finite, integer_out_of_range, lone_surrogate, duplicate_key, depth_exceeded, invalid_json.",
    ),
    (
        &CANONICAL_TYPE_ERROR,
        "CanonicalTypeError",
        Parent::Canonical,
        Builtin::Type,
        "A value has no JSON form: unsupported_type, non_string_key.",
    ),
    (
        &WRITER_ERROR,
        "WriterError",
        Parent::Base,
        Builtin::Os,
        "The event writer cannot open its sink (e.g. an unwritable path).",
    ),
    (
        &CONFIG_ERROR,
        "ConfigError",
        Parent::Base,
        Builtin::Value,
        "A setting is unknown or out of range; `.key` names it.",
    ),
    (
        &UNKNOWN_TOOL_ERROR,
        "UnknownToolError",
        Parent::Base,
        Builtin::Lookup,
        "No implementation is registered under the tool name (error_class unknown_tool).",
    ),
    (
        &MISSING_ID_ERROR,
        "MissingIdError",
        Parent::Base,
        Builtin::Value,
        "A required id (run_id, trace_id, request_id) is missing from the context.",
    ),
    (
        &VALIDATION_ERROR,
        "ToolValidationError",
        Parent::Base,
        Builtin::Value,
        "A tool's result was rejected by its validator (error_class validation_failed).",
    ),
    (
        &BUDGET_ERROR,
        "BudgetExceededError",
        Parent::Base,
        Builtin::Runtime,
        "A run budget is used up; the call was refused (error_class budget_exceeded, `.budget`).",
    ),
    (
        &LOOP_ERROR,
        "LoopDetectedError",
        Parent::Base,
        Builtin::Runtime,
        "The loop guard refused an identical repeated call (error_class loop_detected).",
    ),
    (
        &INVALID_ARGUMENT_ERROR,
        "InvalidArgumentError",
        Parent::Base,
        Builtin::Value,
        "An argument has the wrong shape or value; `.key` names it (ctx.user_id, traceparent, reason, …).",
    ),
    (
        &QUERY_ERROR,
        "QueryError",
        Parent::Base,
        Builtin::Value,
        "A log query failed: unreadable logs, a bad option.",
    ),
    (
        &UNKNOWN_RUN_ERROR,
        "UnknownRunError",
        Parent::Query,
        Builtin::Lookup,
        "A query for one run found no event of it (`.run_id`); the message says if the record is incomplete.",
    ),
    (
        &SNAPSHOT_ERROR,
        "SnapshotMismatchError",
        Parent::Base,
        Builtin::Assertion,
        "Recorded events differ from a golden-run snapshot (`.path`); an AssertionError, so a test fails.",
    ),
    (
        &INTERNAL_ERROR,
        "InternalError",
        Parent::Base,
        Builtin::Runtime,
        "A bug in tooltrail, never a user's mistake; please report it.",
    ),
];

/// The class for a code: one arm per code, no catch-all, so a new code in
/// the core does not compile until it has a class here.
fn class_cell(code: ErrorCode) -> &'static PyOnceLock<Py<PyType>> {
    match code {
        ErrorCode::Canon(ErrorKind::NonStringKey | ErrorKind::UnsupportedType) => {
            &CANONICAL_TYPE_ERROR
        }
        ErrorCode::Canon(
            ErrorKind::NonFinite
            | ErrorKind::IntegerOutOfRange
            | ErrorKind::LoneSurrogate
            | ErrorKind::DuplicateKey
            | ErrorKind::DepthExceeded
            | ErrorKind::InvalidJson,
        ) => &CANONICAL_VALUE_ERROR,
        ErrorCode::ConfigError => &CONFIG_ERROR,
        ErrorCode::WriterError => &WRITER_ERROR,
        ErrorCode::UnknownTool => &UNKNOWN_TOOL_ERROR,
        ErrorCode::MissingId => &MISSING_ID_ERROR,
        ErrorCode::ValidationFailed => &VALIDATION_ERROR,
        ErrorCode::BudgetExceeded => &BUDGET_ERROR,
        ErrorCode::LoopDetected => &LOOP_ERROR,
        ErrorCode::InvalidArgument => &INVALID_ARGUMENT_ERROR,
        ErrorCode::QueryError => &QUERY_ERROR,
        ErrorCode::UnknownRun => &UNKNOWN_RUN_ERROR,
        ErrorCode::SnapshotMismatch => &SNAPSHOT_ERROR,
        ErrorCode::Internal => &INTERNAL_ERROR,
    }
}

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

/// Creates the classes and adds them to the module (with `RunError`, the
/// former name of `InvalidArgumentError`, as an alias).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<TooltrailError>();
    let canonical = py.get_type::<CanonicalError>();
    m.add("TooltrailError", &base)?;
    m.add("CanonicalError", &canonical)?;
    for (cell, name, parent, builtin, doc) in LEAVES {
        let parent = match parent {
            Parent::Base => base.clone(),
            Parent::Canonical => canonical.clone(),
            Parent::Query => QUERY_ERROR
                .get(py)
                .expect("QueryError comes first in LEAVES")
                .bind(py)
                .clone(),
        };
        let builtin = match builtin {
            Builtin::Value => py.get_type::<PyValueError>(),
            Builtin::Type => py.get_type::<PyTypeError>(),
            Builtin::Os => py.get_type::<PyOSError>(),
            Builtin::Lookup => py.get_type::<PyLookupError>(),
            Builtin::Runtime => py.get_type::<PyRuntimeError>(),
            Builtin::Assertion => py.get_type::<PyAssertionError>(),
        };
        let class = cell.get_or_try_init(py, || subclass(py, name, &[parent, builtin], doc))?;
        m.add(name, class.bind(py))?;
    }
    m.add(
        "RunError",
        INVALID_ARGUMENT_ERROR.get(py).expect("made above").bind(py),
    )?;
    Ok(())
}

/// The Python exception for a core error: its class by code, with `.code`,
/// `.error_class` (the same string) and the error's attributes.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let code = e.code();
    let Some(class) = class_cell(code).get(py) else {
        // Only before `register` ran, i.e. never after import.
        return PyRuntimeError::new_err(e.to_string());
    };
    let instance = match class.bind(py).call1((e.to_string(),)) {
        Ok(instance) => instance,
        Err(err) => return err,
    };
    let attrs = [("code", code.as_str()), ("error_class", code.as_str())];
    for (name, value) in attrs {
        if let Err(err) = instance.setattr(name, value) {
            return err;
        }
    }
    for (attr, value) in e.attributes() {
        if let Err(err) = instance.setattr(attr.py_name(), value) {
            return err;
        }
    }
    PyErr::from_value(instance)
}

/// `.py()` on a core result: the error mapped by [`to_py_err`].
pub trait ResultExt<T> {
    /// Maps the error to its Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for Result<T, E> {
    fn py(self) -> PyResult<T> {
        // Every caller holds the GIL: attach only reads the thread state.
        self.map_err(|e| Python::attach(|py| to_py_err(py, e.into())))
    }
}

/// Runs `f`, turning a panic (a bug in tooltrail) into `InternalError`: no
/// Rust panic reaches a user as pyo3's `PanicException` (a `BaseException`
/// that `except Exception` does not catch).
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(tooltrail_core::panic_message(&*payload))).py(),
    }
}
