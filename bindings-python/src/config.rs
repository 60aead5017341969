//! `load_config` and the `config=` argument: a YAML path, a dict, or a
//! `Config` from `load_config`, all validated by the core.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tooltrail_core::Config;

use crate::convert::to_value;
use crate::errors::{config_err, config_error};

/// A validated configuration (from `load_config`).
#[pyclass(name = "Config", module = "tooltrail", frozen)]
pub struct PyConfig {
    inner: Config,
}

#[pymethods]
impl PyConfig {
    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

fn from_path(py: Python<'_>, path: &std::path::Path) -> PyResult<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        config_err(
            py,
            "(file)",
            &format!("cannot read {}: {e}", path.display()),
        )
    })?;
    Config::from_yaml(&text).map_err(|e| config_error(py, e))
}

/// Reads and validates a YAML configuration file.
#[pyfunction]
pub fn load_config(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyConfig> {
    Ok(PyConfig {
        inner: from_path(py, &path)?,
    })
}

/// `config=`: None (defaults), a path, a dict, or a `Config`.
pub fn config_from(py: Python<'_>, config: Option<Bound<'_, PyAny>>) -> PyResult<Config> {
    let Some(c) = config.filter(|c| !c.is_none()) else {
        return Ok(Config::default());
    };
    if let Ok(c) = c.cast::<PyConfig>() {
        return Ok(c.get().inner.clone());
    }
    if let Ok(d) = c.cast::<PyDict>() {
        let value = to_value(d.as_any()).map_err(|e| config_err(py, "(root)", &e.to_string()))?;
        return Config::from_value(&value).map_err(|e| config_error(py, e));
    }
    if c.is_instance_of::<PyString>() || c.hasattr("__fspath__")? {
        return from_path(py, &c.extract::<std::path::PathBuf>()?);
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "config must be a path, a dict or a tooltrail.Config",
    ))
}
