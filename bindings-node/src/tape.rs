//! The tape `lib/tape.js` records for plain data (codes in an `Int32Array`,
//! every key, string and number in one string), read for the core
//! (`tooltrail_json::tape`, which checks it and makes it JSON text): how a
//! call's arguments and `stableHash`'s value reach Rust without
//! `JSON.stringify`.

use std::cell::RefCell;
use std::ptr;

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, ValueType, sys};

/// Units read before asking for the text's length (a tool call's arguments
/// usually fit); the buffer keeps its size between calls.
const FIRST_UNITS: usize = 1024;
/// Past this many units the buffer is given back after the call: one huge
/// argument must not pin its size for the thread's life.
const KEEP_UNITS: usize = 1 << 16;

thread_local! {
    /// Where a tape's text is read, kept between calls so a call allocates
    /// nothing for it.
    static UNITS: RefCell<Vec<u16>> = RefCell::default();
}

/// Runs `f` with the tape `text` and `ops` (the codes and the UTF-16 units),
/// or with `None` when there is none (`text` is not a string: the value was
/// not plain data) or it cannot be read. `f` must not run JavaScript while
/// it holds them (the codes are the `Int32Array`'s own memory; no JS runs
/// between `lib/tape.js` writing the tape and `f`).
pub fn with_tape<R>(
    env: &Env,
    text: Unknown<'_>,
    ops: Unknown<'_>,
    f: impl FnOnce(Option<(&[i32], &[u16])>) -> R,
) -> R {
    if text.get_type().ok() != Some(ValueType::String) {
        return f(None);
    }
    // SAFETY: both values belong to `env`, the current call's, and no JS
    // runs while the slices are in use.
    let Some(codes) = (unsafe { int32s(env.raw(), ops.raw()) }) else {
        return f(None);
    };
    let read = |buf: &mut Vec<u16>| {
        f(unsafe { utf16(env.raw(), text.raw(), buf) }.map(|units| (codes, units)))
    };
    UNITS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            let out = read(&mut buf);
            if buf.len() > KEEP_UNITS {
                *buf = Vec::new();
            }
            out
        }
        // Not reached (nothing here calls back into JS); a fresh buffer if it were.
        Err(_) => read(&mut Vec::new()),
    })
}

/// The elements of an `Int32Array`, borrowed from its buffer.
///
/// # Safety
/// `v` must be a value of the live environment `env`, and no JS may run
/// while the slice is in use (it could detach the buffer).
unsafe fn int32s<'a>(env: sys::napi_env, v: sys::napi_value) -> Option<&'a [i32]> {
    let (mut kind, mut len, mut data) = (0, 0, ptr::null_mut());
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            v,
            &mut kind,
            &mut len,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    let usable = status == sys::Status::napi_ok
        && kind == sys::TypedarrayType::int32_array
        && (len == 0 || (!data.is_null() && data.align_offset(align_of::<i32>()) == 0));
    if !usable {
        return None;
    }
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: V8 gave the array's live elements: `len` aligned i32s at `data`.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<i32>(), len) })
}

/// A JS string's UTF-16 units, read into `buf` (grown when it does not fit).
///
/// # Safety
/// `v` must be a string of the live environment `env`.
unsafe fn utf16(env: sys::napi_env, v: sys::napi_value, buf: &mut Vec<u16>) -> Option<&[u16]> {
    if buf.len() < FIRST_UNITS {
        buf.resize(FIRST_UNITS, 0);
    }
    let mut written = 0;
    let read = |buf: &mut Vec<u16>, written: &mut usize| unsafe {
        sys::napi_get_value_string_utf16(env, v, buf.as_mut_ptr(), buf.len(), written)
            == sys::Status::napi_ok
    };
    if !read(buf, &mut written) {
        return None;
    }
    // Node-API writes at most len - 1 units, then a NUL: a full buffer may have cut it.
    if written + 1 == buf.len() {
        let mut len = 0;
        // SAFETY: a null buffer asks for the length only.
        let status =
            unsafe { sys::napi_get_value_string_utf16(env, v, ptr::null_mut(), 0, &mut len) };
        if status != sys::Status::napi_ok {
            return None;
        }
        buf.resize(len + 1, 0);
        if !read(buf, &mut written) {
            return None;
        }
    }
    Some(&buf[..written])
}
