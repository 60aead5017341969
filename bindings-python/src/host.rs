//! What the core needs to know about a raised exception, read without ever
//! failing: a getter that raises counts as an absent fact.

use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyType};
use tooltrail_core::{CAUSE_PATHS, CODE_PATHS, FailureFacts, STATUS_PATHS};

/// The value at `path` (attribute after attribute); None if any is missing
/// or its getter raises: a failing error object never fails the call.
fn probe<'py>(v: &Bound<'py, PyAny>, path: &[&str]) -> Option<Bound<'py, PyAny>> {
    path.iter()
        .try_fold(v.clone(), |obj, name| obj.getattr(*name).ok())
}

/// [`probe`] without calling a `property` defined on a class along the way:
/// for the code fact, which Python errors keep as a plain attribute (openai's
/// `APIError.code`). aiohttp's `ClientResponseError.code` is a deprecated
/// property aliasing `.status` that warns on every read: reading it would put
/// a `DeprecationWarning` in the user's output for merely logging the call.
fn probe_plain<'py>(v: &Bound<'py, PyAny>, path: &[&str]) -> Option<Bound<'py, PyAny>> {
    path.iter().try_fold(v.clone(), |obj, name| {
        if is_class_property(&obj, name) {
            return None;
        }
        obj.getattr(*name).ok()
    })
}

/// Whether `name` resolves, on `obj`'s class, to a `property` (the first
/// class along the MRO whose `__dict__` has it decides, as attribute lookup
/// does). Any failure while looking counts as "not a property".
fn is_class_property(obj: &Bound<'_, PyAny>, name: &str) -> bool {
    let py = obj.py();
    let Ok(property) = py.import("builtins").and_then(|b| b.getattr("property")) else {
        return false;
    };
    obj.get_type()
        .mro()
        .iter()
        .find_map(|c| c.getattr("__dict__").ok()?.get_item(name).ok())
        .is_some_and(|attr| attr.is_instance(&property).unwrap_or(false))
}

/// What the core needs to classify a raised exception: its MRO's class
/// names and the first status / code at the core's probe paths.
pub fn failure_facts(v: &Bound<'_, PyAny>) -> FailureFacts {
    let class_names = mro_names(v);
    // The wrapped error: an exception (not a `reason` string) at a cause path.
    let cause_names = CAUSE_PATHS
        .iter()
        .filter_map(|path| probe(v, path))
        .find(|c| c.is_instance_of::<PyBaseException>())
        .map(|c| mro_names(&c))
        .unwrap_or_default();
    let http_status = STATUS_PATHS.iter().find_map(|path| {
        let s = probe(v, path)?;
        if s.is_instance_of::<PyBool>() {
            return None;
        }
        s.extract::<u16>().ok()
    });
    let code = CODE_PATHS
        .iter()
        .find_map(|path| probe_plain(v, path)?.extract::<String>().ok());
    FailureFacts {
        name: None,
        class_names,
        http_status,
        code,
        cause_names,
    }
}

/// The `__name__` of every class in `type(v).__mro__`, most specific first.
fn mro_names(v: &Bound<'_, PyAny>) -> Vec<String> {
    v.get_type()
        .mro()
        .iter()
        .filter_map(|c| Some(c.cast::<PyType>().ok()?.name().ok()?.to_string()))
        .collect()
}
