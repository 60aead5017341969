//! The CLI and the log queries (`tooltrail.Logs` in `_logs.py`).

use std::path::PathBuf;

use pyo3::prelude::*;
use tooltrail_json::Value;
use tooltrail_query::{KeyCase, query_answer, unconvertible_options};

use crate::errors::ResultExt;

/// Runs the `tooltrail` CLI with `argv` (without the program name); returns
/// the exit code. The console script `tooltrail` calls it.
#[pyfunction]
pub fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| tooltrail_cli::run(&argv, &mut std::io::stdin(), &mut std::io::stdout()))
}

/// A query over the logs at `path`: `command` (`runs`, `show`, `stats`,
/// `loops`, `alerts`, `tail`) with `options` (a dict with snake_case keys,
/// `None` values and `None` itself meaning the core's defaults), answered as
/// the CLI's `--json` value, with the core's sentence saying what the record
/// is missing (`None` when complete; `_logs.py` warns with it). The core
/// checks the options; `tooltrail.Logs` only names them.
#[pyfunction]
#[pyo3(signature = (path, command, options = None))]
pub fn query<'py>(
    py: Python<'py>,
    path: PathBuf,
    command: &str,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Option<String>)> {
    let options = match options {
        // A value with no JSON form (a `datetime` as `since`) is a wrong
        // type like any other: it names its option.
        Some(o) => crate::convert::to_value(o)
            .map_err(unconvertible_options)
            .py()?,
        None => Value::Null,
    };
    let (value, note) = py
        .detach(|| query_answer(&path, command, &options, KeyCase::Snake))
        .py()?;
    Ok((crate::convert::to_py(py, &value)?, note))
}
