//! The tape `lib/tape.js` records for plain data (codes in an `Int32Array`,
//! every key, string and number in one string), read for the core
//! (`tooltrail_json::tape`, which checks it and makes it JSON text): how a
//! call's arguments and `stableHash`'s value reach Rust without
//! `JSON.stringify`.

use std::cell::RefCell;

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, ValueType, sys};

use crate::napi_raw::RawEnv;

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
    let env = RawEnv::of(env);
    // SAFETY: `ops` belongs to `env`, the current call's, and no JS runs
    // while the slice is in use: only `utf16` (Node-API reads, no JS) and
    // `f` (which must not run JS, see above) see it before it is dropped.
    let Some(codes) = (unsafe { int32s(env, ops.raw()) }) else {
        return f(None);
    };
    let read = |buf: &mut Vec<u16>| f(utf16(env, text.raw(), buf).map(|units| (codes, units)));
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
/// `v` must be a value of `env`, and no JS may run while the slice is in
/// use (it could detach or shrink the buffer); the caller picks `'a` no
/// longer than that.
unsafe fn int32s<'a>(env: RawEnv, v: sys::napi_value) -> Option<&'a [i32]> {
    let Ok((kind, len, data)) = env.typedarray_info(v) else {
        return None;
    };
    let usable = kind == sys::TypedarrayType::int32_array
        && (len == 0 || (!data.is_null() && data.align_offset(align_of::<i32>()) == 0));
    if !usable {
        return None;
    }
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: Node-API gave the array's elements: `len` i32s at `data`,
    // checked non-null and aligned above; they stay in place while no JS
    // runs, which the caller's contract guarantees for `'a`.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<i32>(), len) })
}

/// A JS string's UTF-16 units, read into `buf` (grown when it does not fit).
/// `v` must be a string of `env`.
fn utf16(env: RawEnv, v: sys::napi_value, buf: &mut Vec<u16>) -> Option<&[u16]> {
    if buf.len() < FIRST_UNITS {
        buf.resize(FIRST_UNITS, 0);
    }
    let mut written = env.get_value_string_utf16(v, buf).ok()?;
    // Node-API writes at most len - 1 units, then a NUL: a full buffer may have cut it.
    if written + 1 == buf.len() {
        let len = env.string_utf16_len(v).ok()?;
        buf.resize(len + 1, 0);
        written = env.get_value_string_utf16(v, buf).ok()?;
    }
    Some(&buf[..written])
}
