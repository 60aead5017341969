//! The CLI and the log queries (`tooltrail.Logs` in `_logs.py`).

use pyo3::prelude::*;

use crate::errors::ResultExt;

/// Runs the `tooltrail` CLI with `argv` (without the program name); returns
/// the exit code. The console script `tooltrail` calls it.
#[pyfunction]
pub fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| tooltrail_core::cli::run(&argv, &mut std::io::stdin(), &mut std::io::stdout()))
}

/// The CLI's `--json` value for a query (`runs`, `show`, `stats`, `loops`,
/// `alerts`), as Python objects; `tooltrail.Logs` builds the arguments.
#[pyfunction]
pub fn query<'py>(py: Python<'py>, args: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
    let value = py
        .detach(|| tooltrail_core::cli::query(&args))
        .map_err(|message| tooltrail_core::Error::Query { message })
        .py()?;
    crate::convert::to_py(py, &value)
}
