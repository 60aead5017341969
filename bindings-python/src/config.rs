//! `load_config` and the `config=` argument: a YAML path, a dict, or a
//! `Config` from `load_config`, all read and validated by the core.

use pyo3::prelude::*;
use pyo3::types::PyString;
use tooltrail_core::{Config, ConfigError};

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
    if c.is_instance_of::<PyString>() || c.hasattr("__fspath__")? {
        return Config::from_path(&c.extract::<std::path::PathBuf>()?).py();
    }
    // A dict, or anything else: the core says what it expected, as for Node.
    Config::load(&to_value(&c).map_err(ConfigError::from).py()?).py()
}
