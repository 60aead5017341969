//! `load_config` and the `config=` argument: a YAML path, a dict, or a
//! `Config` from `load_config`, all read and validated by the core.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tooltrail_core::{Config, ConfigError, Value};

use crate::convert::to_value;
use crate::errors::ResultExt;

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

/// Reads and validates a YAML configuration file.
#[pyfunction]
pub fn load_config(path: std::path::PathBuf) -> PyResult<PyConfig> {
    Ok(PyConfig {
        inner: Config::from_path(&path).py()?,
    })
}

/// `config=`: None (defaults), a path, a dict, or a `Config`.
pub fn config_from(config: Option<Bound<'_, PyAny>>) -> PyResult<Config> {
    let Some(c) = config.filter(|c| !c.is_none()) else {
        return Ok(Config::default());
    };
    if let Ok(c) = c.cast::<PyConfig>() {
        return Ok(c.get().inner.clone());
    }
    let arg = if c.is_instance_of::<PyDict>() {
        to_value(&c).map_err(ConfigError::from).py()?
    } else if c.is_instance_of::<PyString>() || c.hasattr("__fspath__")? {
        let path: std::path::PathBuf = c.extract()?;
        Value::String(path.to_string_lossy().into_owned())
    } else {
        // Anything else is a type error the core reports like Node's.
        Value::Bool(false)
    };
    Config::load(&arg).py()
}
