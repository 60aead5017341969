//! The ONE mapping from core errors to thrown JS errors.
//!
//! Every error is an instance of the JS `TooltrailError` class (registered by
//! `index.js` once per environment, main thread and each worker) with
//! `err.code` (the core's [`ErrorCode`](tooltrail_core::ErrorCode)),
//! `err.errorClass` (the same string) and the error's attributes (`key`,
//! `kind`, `path`, `detail`, `tool`, `budget`, `stopReason`). The native side
//! throws the object itself and returns `PendingException`, which napi-rs
//! passes through untouched. Call sites write `core_call().js(&env)?`
//! ([`ResultExt`]); the one `unsafe` throw is here.

use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::ptr;

use napi::{Env, sys};
use tooltrail_core::{ConfigError, Error, GatewayError, WriterError};
use tooltrail_json::CanonError;

use crate::convert::Fail;

thread_local! {
    /// The `TooltrailError` constructor of the JS environment on this thread.
    static ERROR_CLASS: Cell<sys::napi_ref> = const { Cell::new(ptr::null_mut()) };
}

/// Remembers `ctor` as this environment's error class.
///
/// # Safety
/// `env` and `ctor` must be live values of the current call.
pub unsafe fn set_error_class(env: sys::napi_env, ctor: sys::napi_value) -> napi::Result<()> {
    let mut reference = ptr::null_mut();
    let status = unsafe { sys::napi_create_reference(env, ctor, 1, &mut reference) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason(
            "cannot keep the TooltrailError class",
        ));
    }
    ERROR_CLASS.with(|c| c.set(reference));
    Ok(())
}

unsafe fn js_string(env: sys::napi_env, s: &str) -> sys::napi_value {
    let mut out = ptr::null_mut();
    unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out) };
    out
}

/// Throws `e` as a `TooltrailError`; returns the `PendingException` marker.
///
/// # Safety
/// `env` must be the live environment of the current call.
unsafe fn throw(env: sys::napi_env, e: &Error) -> napi::Error {
    let code = e.code().as_str();
    let props = [("code", code), ("errorClass", code)];
    let attrs = e.attributes();
    unsafe {
        let msg = js_string(env, &e.to_string());
        let mut error = ptr::null_mut();
        let mut ctor = ptr::null_mut();
        let class = ERROR_CLASS.with(Cell::get);
        let made = !class.is_null()
            && sys::napi_get_reference_value(env, class, &mut ctor) == sys::Status::napi_ok
            && !ctor.is_null()
            && sys::napi_new_instance(env, ctor, 1, [msg].as_ptr(), &mut error)
                == sys::Status::napi_ok;
        if !made {
            sys::napi_create_error(env, ptr::null_mut(), msg, &mut error);
        }
        let extra = attrs.iter().map(|(a, v)| (a.js_name(), v.as_str()));
        for (name, value) in props.into_iter().chain(extra) {
            let name = CString::new(name).expect("property names have no NUL");
            sys::napi_set_named_property(env, error, name.as_ptr(), js_string(env, value));
        }
        sys::napi_throw(env, error);
    }
    napi::Error::from_status(napi::Status::PendingException)
}

/// A wrong argument type (misuse, not a value out of policy): a plain
/// `TypeError` with Node's own `ERR_INVALID_ARG_TYPE` code.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn arg_type_err(env: sys::napi_env, message: &CStr) -> napi::Error {
    unsafe { sys::napi_throw_type_error(env, c"ERR_INVALID_ARG_TYPE".as_ptr(), message.as_ptr()) };
    napi::Error::from_status(napi::Status::PendingException)
}

/// Why a native call failed: a core error to throw, or a JS exception that
/// is already pending (a throwing getter or Proxy trap).
pub enum Failure {
    /// Thrown as a `TooltrailError`.
    Core(Error),
    /// Passed through.
    Pending(napi::Error),
}

impl From<Fail> for Failure {
    fn from(f: Fail) -> Self {
        match f {
            Fail::Canon(e) => Failure::Core(Error::Canon(e)),
            Fail::Js(e) => Failure::Pending(e),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<CanonError> for Failure {
    fn from(e: CanonError) -> Self {
        Failure::Core(e.into())
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::Core(e.into())
    }
}

impl From<WriterError> for Failure {
    fn from(e: WriterError) -> Self {
        Failure::Core(e.into())
    }
}

impl From<GatewayError> for Failure {
    fn from(e: GatewayError) -> Self {
        Failure::Core(e.into())
    }
}

/// `.js(&env)` on a core (or conversion) result: the error thrown in `env`.
pub trait ResultExt<T> {
    /// Throws the error as a `TooltrailError` (or leaves a pending JS
    /// exception pending).
    fn js(self, env: &Env) -> napi::Result<T>;
}

impl<T, E: Into<Failure>> ResultExt<T> for Result<T, E> {
    fn js(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| match e.into() {
            // SAFETY: `env` is the environment of the call that got `env`.
            Failure::Core(e) => unsafe { throw(env.raw(), &e) },
            Failure::Pending(e) => e,
        })
    }
}

/// Runs `f`, turning a panic (a bug in tooltrail) into a thrown `internal`
/// `TooltrailError`: unwinding through Node-API's `extern "C"` frames would
/// abort the whole process instead.
pub fn guard<T>(env: &Env, f: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(tooltrail_core::panic_message(&*payload))).js(env),
    }
}
