//! A `str`'s UTF-8 without a temporary `bytes` object.
//!
//! The module is built for the 3.9 stable ABI, where pyo3's `to_cow` has to
//! go through `PyUnicode_AsUTF8String` (a new bytes object per string, then a
//! copy). `PyUnicode_AsUTF8AndSize` returns the UTF-8 that CPython caches in
//! the str itself (for ASCII strings, their own storage); it is in the stable
//! ABI from 3.10 and has had the same signature since 3.3, so it is looked up
//! at run time and used when present. Converting the arguments and ids of
//! every tool call reads several strings.

use std::ffi::{c_char, c_void};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

type AsUtf8AndSize =
    unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::Py_ssize_t) -> *const c_char;

fn lookup() -> Option<AsUtf8AndSize> {
    static FOUND: OnceLock<Option<AsUtf8AndSize>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        #[cfg(unix)]
        {
            // SAFETY: a lookup by name in the process's global symbols; the
            // interpreter exports its C API there.
            let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"PyUnicode_AsUTF8AndSize".as_ptr()) };
            (!f.is_null()).then(|| {
                // SAFETY: CPython's PyUnicode_AsUTF8AndSize has this signature.
                unsafe { std::mem::transmute::<*mut c_void, AsUtf8AndSize>(f) }
            })
        }
        #[cfg(not(unix))]
        {
            None
        }
    })
}

/// `Some(Some(text))`: the str's UTF-8; `Some(None)`: it holds a lone
/// surrogate; `None`: the function is not available (use `to_cow`).
pub(super) fn cached<'a>(s: &'a Bound<'_, PyString>) -> Option<Option<&'a str>> {
    let f = lookup()?;
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live str and we hold the GIL; the returned buffer is
    // owned by `s` and lives as long as it (the borrow of `s` bounds it).
    let data = unsafe { f(s.as_ptr(), &mut len) };
    if data.is_null() {
        // UnicodeEncodeError (a lone surrogate): not the caller's exception.
        drop(PyErr::take(s.py()));
        return Some(None);
    }
    // SAFETY: CPython returns `len` bytes of valid UTF-8 at `data`.
    let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len as usize) };
    // SAFETY: CPython's UTF-8 cache of a str is valid UTF-8 (it refused
    // the lone surrogates above).
    Some(Some(unsafe { std::str::from_utf8_unchecked(bytes) }))
}
