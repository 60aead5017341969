//! A Python object as the core's [`HostValue`]: its canonical bytes written
//! without a `Value` (every tool call's arguments, `stable_hash`), by the
//! same type rules as [`to_value`](super::to_value), which the core falls
//! back to for anything the walk stops at (so errors keep their paths).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tooltrail_json::walk::{HostValue, HostWriter};
use tooltrail_json::{CanonError, Value};

/// `obj`, read as plain data.
pub struct Plain<'a, 'py>(pub &'a Bound<'py, PyAny>);

impl HostValue for Plain<'_, '_> {
    fn write_canonical(&self, w: &mut HostWriter<'_>) -> Option<()> {
        put(self.0, w)
    }

    fn to_value(&self) -> Result<Value, CanonError> {
        super::to_value(self.0)
    }
}

/// The checks in `convert`'s order (bool before int: bool is an int
/// subclass in Python but not in JSON).
fn put(obj: &Bound<'_, PyAny>, w: &mut HostWriter<'_>) -> Option<()> {
    if obj.is_none() {
        return w.null();
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return w.bool(b.is_true());
    }
    if obj.is_instance_of::<PyInt>() {
        return w.integer(obj.extract::<i64>().ok()?);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return w.float(f.value());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return w.string(text(s)?);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return w.object(|w| {
            for (k, v) in d.iter() {
                w.member(text(k.cast::<PyString>().ok()?)?, |w| put(&v, w))?;
            }
            Some(())
        });
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return w.array(|w| l.iter().try_for_each(|item| w.item(|w| put(&item, w))));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return w.array(|w| t.iter().try_for_each(|item| w.item(|w| put(&item, w))));
    }
    None
}

/// The str's UTF-8 as CPython caches it; `None` for a lone surrogate, or
/// where the interpreter lacks the function (the converter copies then).
fn text<'a>(s: &'a Bound<'_, PyString>) -> Option<&'a str> {
    super::utf8::cached(s).flatten()
}
