//! What the core needs to know about a raised exception, read without ever
//! failing: a getter that raises counts as an absent fact.

use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyType};
use pyo3::types::{PyMapping, PyString};
use tooltrail_core::{
    CAUSE_PATHS, CODE_PATHS, FailureFacts, RESULT_ERROR_PATHS, RESULT_STATUS_PATHS, ResultFacts,
    STATUS_PATHS,
};

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

/// A member of a returned value: a mapping's key or an attribute (a dict
/// result, an `httpx.Response`, a pydantic `CallToolResult`); None if
/// absent or if reading it raised.
fn member<'py>(v: &Bound<'py, PyAny>, name: &str) -> Option<Bound<'py, PyAny>> {
    if let Ok(m) = v.cast::<PyMapping>() {
        return m.get_item(name).ok();
    }
    if v.is_instance_of::<PyString>() {
        return None;
    }
    v.getattr(name).ok()
}

/// What the core needs to tell an error result from a result (see
/// [`tooltrail_core::failed_result`]), read without ever failing.
pub fn result_facts(v: &Bound<'_, PyAny>) -> ResultFacts {
    let at = |path: &[&str]| {
        path.iter()
            .try_fold(v.clone(), |obj, name| member(&obj, name))
    };
    let is_error = RESULT_ERROR_PATHS.iter().any(|path| {
        at(path).is_some_and(|flag| {
            flag.is_instance_of::<PyBool>() && flag.is_truthy().unwrap_or(false)
        })
    });
    let http_status = RESULT_STATUS_PATHS.iter().find_map(|path| {
        let s = at(path)?;
        if s.is_instance_of::<PyBool>() {
            return None;
        }
        s.extract::<u16>().ok()
    });
    ResultFacts::read(is_error, http_status, || first_text(v))
}

/// The text of an MCP-style result's first content block, or its `message`.
fn first_text(v: &Bound<'_, PyAny>) -> Option<String> {
    let first = member(v, "content")
        .and_then(|c| c.get_item(0).ok())
        .and_then(|block| member(&block, "text"));
    first
        .or_else(|| member(v, "message"))
        .filter(|t| t.is_instance_of::<PyString>())
        .and_then(|t| t.extract::<String>().ok())
}
