//! Python objects → core `Value`, applying the canonical type rules directly (no
//! `json.dumps` round trip). Errors are core `CanonError`s with paths.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tooltrail_json::{CanonError, ErrorKind, Value, check_depth, check_float, check_integer};

mod plain;
mod utf8;

pub use plain::Plain;

/// Converts `obj` into a core value; `Err` is a canonicalization error.
pub fn to_value(obj: &Bound<'_, PyAny>) -> Result<Value, CanonError> {
    convert(obj, 0)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A `str` as UTF-8; lone surrogates (which UTF-8 cannot hold) are reported.
pub fn to_string(s: &Bound<'_, PyString>) -> Result<String, CanonError> {
    let lone = || {
        CanonError::new(
            ErrorKind::LoneSurrogate,
            "string holds an unpaired surrogate (not valid Unicode)",
        )
    };
    if let Some(text) = utf8::cached(s) {
        return text.map(str::to_owned).ok_or_else(lone);
    }
    s.to_cow().map(|c| c.into_owned()).map_err(|_| lone())
}

/// A `str` as UTF-8, borrowed from the str where CPython caches it (the
/// tool's name on every call); `Err` is the `UnicodeEncodeError` of a lone
/// surrogate.
pub fn borrow_str<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    match utf8::cached(s) {
        Some(Some(text)) => Ok(Cow::Borrowed(text)),
        // Raises the interpreter's own error for the lone surrogate.
        Some(None) | None => s.to_cow(),
    }
}

fn convert(obj: &Bound<'_, PyAny>, depth: usize) -> Result<Value, CanonError> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: bool is an int subclass in Python but not in JSON.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(i) => check_integer(i128::from(i)).map(Value::Number),
            Err(_) => Err(CanonError::new(
                ErrorKind::IntegerOutOfRange,
                format!("integer {} is outside ±(2^53-1)", repr(obj)),
            )),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return check_float(f.value()).map(Value::Number);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return to_string(s).map(Value::String);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        check_depth(depth)?;
        let mut members = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => to_string(s)?,
                Err(_) => {
                    return Err(CanonError::new(
                        ErrorKind::NonStringKey,
                        format!("key {} of type {} is not a str", repr(&k), type_name(&k)),
                    ));
                }
            };
            let value = convert(&v, depth + 1).map_err(|e| e.within_key(&key))?;
            members.push((key, value));
        }
        return Ok(Value::Object(members));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        check_depth(depth)?;
        return sequence(l.iter(), l.len(), depth);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        check_depth(depth)?;
        return sequence(t.iter(), t.len(), depth);
    }
    Err(CanonError::new(
        ErrorKind::UnsupportedType,
        format!("{} has no JSON form; convert it explicitly", type_name(obj)),
    ))
}

fn sequence<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    len: usize,
    depth: usize,
) -> Result<Value, CanonError> {
    let mut out = Vec::with_capacity(len);
    for (i, item) in items.enumerate() {
        out.push(convert(&item, depth + 1).map_err(|e| e.within_index(i))?);
    }
    Ok(Value::Array(out))
}

fn repr(obj: &Bound<'_, PyAny>) -> String {
    let text = obj
        .repr()
        .and_then(|r| r.to_cow().map(|c| c.into_owned()))
        .unwrap_or_else(|_| "<unrepresentable>".into());
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Core `Value` → Python object (for loggers written in Python).
pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.1e15 => {
            (*n as i64).into_pyobject(py)?.into_any()
        }
        Value::Number(n) => PyFloat::new(py, *n).into_any(),
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (k, item) in members {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A path argument as Python's own file APIs take one: `str`, `bytes` or
/// `os.PathLike` (`os.fsdecode`); anything else is its `TypeError`.
pub fn path_arg(path: &Bound<'_, PyAny>) -> PyResult<std::path::PathBuf> {
    let py = path.py();
    py.import("os")?
        .call_method1("fsdecode", (path,))?
        .extract::<std::path::PathBuf>()
}
