//! `tooltrail.testing`'s native half: a recorder's questions and the
//! gateway's public `deterministic` option, answered by `core::testing`.

use pyo3::prelude::*;
use tooltrail_json::Value;
use tooltrail_query::{KeyCase, unconvertible_options};

use crate::convert::{to_py, to_value};
use crate::errors::ResultExt;
use crate::writer::PyEventWriter;

/// `command` over what `writer` (an `EventWriter(sink="memory")`) recorded,
/// with `options` (`run_id`, `tool`, `event`, `path`; None: the defaults).
#[pyfunction]
#[pyo3(signature = (writer, command, options = None))]
pub fn recorded<'py>(
    py: Python<'py>,
    writer: &Bound<'py, PyEventWriter>,
    command: &str,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = match options {
        Some(o) => to_value(o).map_err(unconvertible_options).py()?,
        None => Value::Null,
    };
    let w = writer.get().core().clone();
    let value = py
        .detach(|| tooltrail_query::testing::recorded_value(&w, command, &options, KeyCase::Snake))
        .py()?;
    to_py(py, &value)
}

/// Forgets what `writer` (a recorder) holds.
#[pyfunction]
pub fn recorder_clear(py: Python<'_>, writer: &Bound<'_, PyEventWriter>) -> PyResult<()> {
    let w = writer.get().core().clone();
    py.detach(|| tooltrail_query::testing::clear(&w)).py()
}

/// The start (µs since the epoch) of a deterministic clock for the
/// gateway's `deterministic` option (None / False: off; True; an RFC 3339 time).
#[pyfunction]
pub fn deterministic_start_us(value: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    let value = to_value(value)
        .map_err(|e| tooltrail_core::Error::invalid_argument("deterministic", e.to_string()))
        .py()?;
    Ok(tooltrail_query::testing::deterministic(&value)
        .py()?
        .map(|d| d.start_us))
}
