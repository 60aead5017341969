//! The raw Node-API calls the binding makes, each behind a safe wrapper:
//! the one place where `napi::sys` is called, so the place to audit.
//!
//! Every wrapper is one Node-API call, `#[inline(always)]`, with no
//! allocation, so it costs what the call written inline would (the hot paths
//! in `convert.rs`, `host.rs` and `tape.rs` are tuned per call).
//!
//! Why the calls are sound, once for all (each `SAFETY:` below adds what is
//! particular to its call):
//! - **The environment.** A [`RawEnv`] is only made from a [`napi::Env`],
//!   which napi-rs hands to a `#[napi]` function for the callback it runs
//!   in. It is `!Send` and `!Sync` (it holds a raw pointer), and the binding
//!   keeps it on the stack of that callback (in a `Converter` or `Host` at
//!   most), so it is used on the environment's own thread while the
//!   environment is alive.
//! - **The handles.** The binding only passes `napi_value`s it got in the
//!   same callback: an argument's `.raw()`, or a result of these wrappers.
//!   They stay valid for the callback's handle scope, and no wrapper outlives
//!   it. A handle passed directly may also be null: Node-API checks every
//!   direct handle parameter (`CHECK_ARG`) and answers `napi_invalid_arg`.
//!   Handles inside an argument list (`call_function`, `new_instance`) are
//!   not checked and must be live.
//! - **The out-pointers** point to locals of the wrapper (or to a slice the
//!   caller lends for the call), live and of the type Node-API writes.
//! - **Strings passed in** are `&CStr` (NUL-terminated) or `&str` with its
//!   byte length (UTF-8, as `napi_create_string_utf8` expects).
//!
//! A failed call returns [`CallFailed`] with its status and writes nothing
//! the caller reads: the caller decides what a failure means (the converter
//! makes it an error, `Host` treats the fact as absent).

use std::ffi::{CStr, c_void};
use std::ptr;

use napi::{Env, sys};

/// A Node-API call that did not return `napi_ok`, with its status.
#[derive(Clone, Copy, Debug)]
pub struct CallFailed(pub sys::napi_status);

/// What a wrapper returns: the call's result, or its failed status.
pub type Raw<T> = Result<T, CallFailed>;

#[inline(always)]
fn status(status: sys::napi_status) -> Raw<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(CallFailed(status))
    }
}

/// The environment of the current Node-API callback (see the module docs).
#[derive(Clone, Copy)]
pub struct RawEnv(sys::napi_env);

impl RawEnv {
    /// The environment napi-rs gave the current callback.
    #[inline(always)]
    pub fn of(env: &Env) -> Self {
        Self(env.raw())
    }

    /// `typeof v`, as Node-API's `napi_valuetype`.
    #[inline(always)]
    pub fn type_of(self, v: sys::napi_value) -> Raw<sys::napi_valuetype> {
        let mut t = sys::ValueType::napi_undefined;
        // SAFETY: env and `v` as in the module docs; `t` is a live local.
        status(unsafe { sys::napi_typeof(self.0, v, &mut t) })?;
        Ok(t)
    }

    /// A new empty object.
    #[inline(always)]
    pub fn create_object(self) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_create_object(self.0, &mut out) })?;
        Ok(out)
    }

    /// A new array of length `len`.
    #[inline(always)]
    pub fn create_array_with_length(self, len: usize) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_create_array_with_length(self.0, len, &mut out) })?;
        Ok(out)
    }

    /// A JS string holding `s`.
    #[inline(always)]
    pub fn create_string_utf8(self, s: &str) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `s` is `s.len()` bytes of UTF-8
        // read during the call only; `out` is a live local.
        status(unsafe {
            sys::napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize, &mut out)
        })?;
        Ok(out)
    }

    /// A JS number.
    #[inline(always)]
    pub fn create_double(self, f: f64) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_create_double(self.0, f, &mut out) })?;
        Ok(out)
    }

    /// `null`.
    #[inline(always)]
    pub fn get_null(self) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_null(self.0, &mut out) })?;
        Ok(out)
    }

    /// `undefined`.
    #[inline(always)]
    pub fn get_undefined(self) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_undefined(self.0, &mut out) })?;
        Ok(out)
    }

    /// `true` or `false`.
    #[inline(always)]
    pub fn get_boolean(self, b: bool) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_boolean(self.0, b, &mut out) })?;
        Ok(out)
    }

    /// `globalThis`.
    #[inline(always)]
    pub fn get_global(self) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_global(self.0, &mut out) })?;
        Ok(out)
    }

    /// The value of a JS boolean.
    #[inline(always)]
    pub fn get_value_bool(self, v: sys::napi_value) -> Raw<bool> {
        let mut b = false;
        // SAFETY: env and `v` as in the module docs; `b` is a live local.
        status(unsafe { sys::napi_get_value_bool(self.0, v, &mut b) })?;
        Ok(b)
    }

    /// The value of a JS number.
    #[inline(always)]
    pub fn get_value_double(self, v: sys::napi_value) -> Raw<f64> {
        let mut f = 0.0;
        // SAFETY: env and `v` as in the module docs; `f` is a live local.
        status(unsafe { sys::napi_get_value_double(self.0, v, &mut f) })?;
        Ok(f)
    }

    /// The length of a JS string in UTF-16 units (no copy).
    #[inline(always)]
    pub fn string_utf16_len(self, v: sys::napi_value) -> Raw<usize> {
        let mut len = 0;
        // SAFETY: env and `v` as in the module docs; a null buffer asks for
        // the length only; `len` is a live local.
        status(unsafe {
            sys::napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0, &mut len)
        })?;
        Ok(len)
    }

    /// Copies a JS string's UTF-16 units into `buf` (at most `buf.len() - 1`
    /// units, then a NUL); returns how many units were written.
    #[inline(always)]
    pub fn get_value_string_utf16(self, v: sys::napi_value, buf: &mut [u16]) -> Raw<usize> {
        let mut written = 0;
        // SAFETY: env and `v` as in the module docs; Node-API writes at most
        // `buf.len()` units into `buf`, exclusively borrowed for the call;
        // `written` is a live local.
        status(unsafe {
            sys::napi_get_value_string_utf16(self.0, v, buf.as_mut_ptr(), buf.len(), &mut written)
        })?;
        Ok(written)
    }

    /// The length of a JS string in UTF-8 bytes (no copy).
    #[inline(always)]
    pub fn string_utf8_len(self, v: sys::napi_value) -> Raw<usize> {
        let mut len = 0;
        // SAFETY: env and `v` as in the module docs; a null buffer asks for
        // the length only; `len` is a live local.
        status(unsafe {
            sys::napi_get_value_string_utf8(self.0, v, ptr::null_mut(), 0, &mut len)
        })?;
        Ok(len)
    }

    /// Copies a JS string's UTF-8 bytes into `buf` (at most `buf.len() - 1`
    /// bytes, then a NUL); returns how many bytes were written.
    #[inline(always)]
    pub fn get_value_string_utf8(self, v: sys::napi_value, buf: &mut [u8]) -> Raw<usize> {
        let mut written = 0;
        // SAFETY: env and `v` as in the module docs; Node-API writes at most
        // `buf.len()` bytes into `buf`, exclusively borrowed for the call;
        // `written` is a live local.
        status(unsafe {
            sys::napi_get_value_string_utf8(
                self.0,
                v,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut written,
            )
        })?;
        Ok(written)
    }

    /// How many 64-bit words a BigInt's magnitude takes.
    #[inline(always)]
    pub fn bigint_word_count(self, v: sys::napi_value) -> Raw<usize> {
        let mut count = 0;
        // SAFETY: env and `v` as in the module docs; with sign and words both
        // null, Node-API only writes the count, to a live local.
        status(unsafe {
            sys::napi_get_value_bigint_words(
                self.0,
                v,
                ptr::null_mut(),
                &mut count,
                ptr::null_mut(),
            )
        })?;
        Ok(count)
    }

    /// A BigInt's sign (non-zero: negative) and magnitude words, written to
    /// `words`; returns the sign and the word count.
    #[inline(always)]
    pub fn bigint_words(self, v: sys::napi_value, words: &mut [u64]) -> Raw<(i32, usize)> {
        let (mut sign, mut count) = (0, words.len());
        // SAFETY: env and `v` as in the module docs; Node-API writes at most
        // `count` (= `words.len()`) words into `words`, exclusively borrowed
        // for the call; `sign` and `count` are live locals.
        status(unsafe {
            sys::napi_get_value_bigint_words(self.0, v, &mut sign, &mut count, words.as_mut_ptr())
        })?;
        Ok((sign, count))
    }

    /// `String(v)` (runs JS: may throw).
    #[inline(always)]
    pub fn coerce_to_string(self, v: sys::napi_value) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_coerce_to_string(self.0, v, &mut out) })?;
        Ok(out)
    }

    /// `Object.getPrototypeOf(v)` as Node-API sees it (null for a Proxy).
    #[inline(always)]
    pub fn get_prototype(self, v: sys::napi_value) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_prototype(self.0, v, &mut out) })?;
        Ok(out)
    }

    /// `v[name]` (runs getters and traps: may throw).
    #[inline(always)]
    pub fn get_named_property(self, v: sys::napi_value, name: &CStr) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; `name` is NUL-terminated
        // and read during the call only; `out` is a live local.
        status(unsafe { sys::napi_get_named_property(self.0, v, name.as_ptr(), &mut out) })?;
        Ok(out)
    }

    /// `v[key]` (runs getters and traps: may throw).
    #[inline(always)]
    pub fn get_property(self, v: sys::napi_value, key: sys::napi_value) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env, `v` and `key` as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_property(self.0, v, key, &mut out) })?;
        Ok(out)
    }

    /// `Object.hasOwn(v, key)` (runs traps: may throw).
    #[inline(always)]
    pub fn has_own_property(self, v: sys::napi_value, key: sys::napi_value) -> Raw<bool> {
        let mut own = false;
        // SAFETY: env, `v` and `key` as in the module docs; `own` is a live local.
        status(unsafe { sys::napi_has_own_property(self.0, v, key, &mut own) })?;
        Ok(own)
    }

    /// `v[name] = value`.
    #[inline(always)]
    pub fn set_named_property(
        self,
        v: sys::napi_value,
        name: &CStr,
        value: sys::napi_value,
    ) -> Raw<()> {
        // SAFETY: env, `v` and `value` as in the module docs; `name` is
        // NUL-terminated and read during the call only.
        status(unsafe { sys::napi_set_named_property(self.0, v, name.as_ptr(), value) })
    }

    /// `v[key] = value`.
    #[inline(always)]
    pub fn set_property(
        self,
        v: sys::napi_value,
        key: sys::napi_value,
        value: sys::napi_value,
    ) -> Raw<()> {
        // SAFETY: env, `v`, `key` and `value` as in the module docs.
        status(unsafe { sys::napi_set_property(self.0, v, key, value) })
    }

    /// The property names of `v` selected by `mode`, `filter` and `conversion`,
    /// as an array (runs traps: may throw).
    #[inline(always)]
    pub fn get_all_property_names(
        self,
        v: sys::napi_value,
        mode: sys::napi_key_collection_mode,
        filter: sys::napi_key_filter,
        conversion: sys::napi_key_conversion,
    ) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; the enums are passed by
        // value; `out` is a live local.
        status(unsafe {
            sys::napi_get_all_property_names(self.0, v, mode, filter, conversion, &mut out)
        })?;
        Ok(out)
    }

    /// `Array.isArray(v)` as Node-API sees it (false for a Proxy).
    #[inline(always)]
    pub fn is_array(self, v: sys::napi_value) -> Raw<bool> {
        let mut yes = false;
        // SAFETY: env and `v` as in the module docs; `yes` is a live local.
        status(unsafe { sys::napi_is_array(self.0, v, &mut yes) })?;
        Ok(yes)
    }

    /// The length of an array.
    #[inline(always)]
    pub fn get_array_length(self, v: sys::napi_value) -> Raw<u32> {
        let mut len = 0;
        // SAFETY: env and `v` as in the module docs; `len` is a live local.
        status(unsafe { sys::napi_get_array_length(self.0, v, &mut len) })?;
        Ok(len)
    }

    /// `v[i]` (runs getters and traps: may throw).
    #[inline(always)]
    pub fn get_element(self, v: sys::napi_value, i: u32) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_element(self.0, v, i, &mut out) })?;
        Ok(out)
    }

    /// `i in v` (runs traps: may throw).
    #[inline(always)]
    pub fn has_element(self, v: sys::napi_value, i: u32) -> Raw<bool> {
        let mut present = false;
        // SAFETY: env and `v` as in the module docs; `present` is a live local.
        status(unsafe { sys::napi_has_element(self.0, v, i, &mut present) })?;
        Ok(present)
    }

    /// `v[i] = value`.
    #[inline(always)]
    pub fn set_element(self, v: sys::napi_value, i: u32, value: sys::napi_value) -> Raw<()> {
        // SAFETY: env, `v` and `value` as in the module docs.
        status(unsafe { sys::napi_set_element(self.0, v, i, value) })
    }

    /// `a === b`.
    #[inline(always)]
    pub fn strict_equals(self, a: sys::napi_value, b: sys::napi_value) -> Raw<bool> {
        let mut equal = false;
        // SAFETY: env, `a` and `b` as in the module docs; `equal` is a live local.
        status(unsafe { sys::napi_strict_equals(self.0, a, b, &mut equal) })?;
        Ok(equal)
    }

    /// `f.apply(recv, args)` (runs JS: may throw). Every handle in `args`
    /// must be live (Node-API does not check them for null).
    #[inline(always)]
    pub fn call_function(
        self,
        recv: sys::napi_value,
        f: sys::napi_value,
        args: &[sys::napi_value],
    ) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env, `recv`, `f` and the handles in `args` as in the module
        // docs; `args` points to `args.len()` handles, read during the call
        // only; `out` is a live local.
        status(unsafe {
            sys::napi_call_function(self.0, recv, f, args.len(), args.as_ptr(), &mut out)
        })?;
        Ok(out)
    }

    /// `new ctor(...args)` (runs JS: may throw). Every handle in `args` must
    /// be live (Node-API does not check them for null).
    #[inline(always)]
    pub fn new_instance(
        self,
        ctor: sys::napi_value,
        args: &[sys::napi_value],
    ) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env, `ctor` and the handles in `args` as in the module
        // docs; `args` points to `args.len()` handles, read during the call
        // only; `out` is a live local.
        status(unsafe {
            sys::napi_new_instance(self.0, ctor, args.len(), args.as_ptr(), &mut out)
        })?;
        Ok(out)
    }

    /// Whether `v` is a typed array (of any element type).
    #[inline(always)]
    pub fn is_typedarray(self, v: sys::napi_value) -> Raw<bool> {
        let mut yes = false;
        // SAFETY: env and `v` as in the module docs; `yes` is a live local.
        status(unsafe { sys::napi_is_typedarray(self.0, v, &mut yes) })?;
        Ok(yes)
    }

    /// A typed array's element type, length (in elements) and data pointer
    /// (at its first element, the view's offset applied; null or dangling
    /// when detached or empty). Reading through the pointer is the caller's
    /// `unsafe`: it is valid only until JS runs again.
    #[inline(always)]
    pub fn typedarray_info(
        self,
        v: sys::napi_value,
    ) -> Raw<(sys::napi_typedarray_type, usize, *mut c_void)> {
        let (mut kind, mut len, mut data) = (0, 0, ptr::null_mut());
        // SAFETY: env and `v` as in the module docs; `kind`, `len` and `data`
        // are live locals; the buffer and offset outputs are null (not asked for).
        status(unsafe {
            sys::napi_get_typedarray_info(
                self.0,
                v,
                &mut kind,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        })?;
        Ok((kind, len, data))
    }

    /// A strong reference to `v` (count 1), to keep it past this callback.
    /// It is never deleted by the binding (it lives as long as the
    /// environment).
    #[inline(always)]
    pub fn create_reference(self, v: sys::napi_value) -> Raw<sys::napi_ref> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `v` as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_create_reference(self.0, v, 1, &mut out) })?;
        Ok(out)
    }

    /// The value a reference holds.
    ///
    /// # Safety
    /// `r` must be a reference that [`create_reference`](Self::create_reference)
    /// made in this same environment and that was not deleted (a stale or
    /// foreign `napi_ref` is a dangling pointer to Node-API).
    #[inline(always)]
    pub unsafe fn get_reference_value(self, r: sys::napi_ref) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `r` is a live reference of this
        // environment (the caller's contract); `out` is a live local.
        status(unsafe { sys::napi_get_reference_value(self.0, r, &mut out) })?;
        Ok(out)
    }

    /// A new `Error` with message `msg` (no code).
    #[inline(always)]
    pub fn create_error(self, msg: sys::napi_value) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env and `msg` as in the module docs; a null code means no
        // code; `out` is a live local.
        status(unsafe { sys::napi_create_error(self.0, ptr::null_mut(), msg, &mut out) })?;
        Ok(out)
    }

    /// Throws `error` (it becomes the pending exception).
    #[inline(always)]
    pub fn throw(self, error: sys::napi_value) -> Raw<()> {
        // SAFETY: env and `error` as in the module docs.
        status(unsafe { sys::napi_throw(self.0, error) })
    }

    /// Throws a new `TypeError` with `code` and `msg`.
    #[inline(always)]
    pub fn throw_type_error(self, code: &CStr, msg: &CStr) -> Raw<()> {
        // SAFETY: env as in the module docs; both strings are NUL-terminated
        // and read during the call only.
        status(unsafe { sys::napi_throw_type_error(self.0, code.as_ptr(), msg.as_ptr()) })
    }

    /// Whether an exception is pending.
    #[inline(always)]
    pub fn is_exception_pending(self) -> Raw<bool> {
        let mut pending = false;
        // SAFETY: env as in the module docs; `pending` is a live local.
        status(unsafe { sys::napi_is_exception_pending(self.0, &mut pending) })?;
        Ok(pending)
    }

    /// Clears the pending exception and returns it (`undefined` if none).
    #[inline(always)]
    pub fn get_and_clear_last_exception(self) -> Raw<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env as in the module docs; `out` is a live local.
        status(unsafe { sys::napi_get_and_clear_last_exception(self.0, &mut out) })?;
        Ok(out)
    }
}
