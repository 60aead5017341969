//! `load_config` and the `config=` argument: a YAML path, a dict, or a
//! `Config` from `load_config`, all read and validated by the core.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use tooltrail_core::{Config, ConfigError};

use crate::convert::{path_arg, to_value};
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

/// Reads and validates a configuration: a YAML file's path, or the
/// equivalent dict (as Node's `loadConfig` takes an object).
#[pyfunction]
pub fn load_config(config: Bound<'_, PyAny>) -> PyResult<PyConfig> {
    if config.is_none() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "load_config takes a path to a YAML file or a dict of settings, not None",
        ));
    }
    Ok(PyConfig {
        inner: config_from(Some(config))?,
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
    if c.is_instance_of::<PyString>() || c.is_instance_of::<PyBytes>() || c.hasattr("__fspath__")? {
        return Config::from_path(&path_arg(&c)?).py();
    }
    // A dict, or anything else: the core says what it expected, as for Node.
    Config::load(&to_value(&c).map_err(ConfigError::from).py()?).py()
}
