//! The ONE mapping from core errors to thrown JS errors.
//!
//! Every error is an instance of the JS `TooltrailError` class (registered by
//! `index.js` once per environment, main thread and each worker) with
//! `err.code` (the core's [`ErrorCode`](tooltrail_core::ErrorCode)),
//! `err.errorClass` (the same string) and the error's attributes (`key`,
//! `kind`, `path`, `detail`, `tool`, `budget`, `stopReason`). The native side
//! throws the object itself and returns `PendingException`, which napi-rs
//! passes through untouched. Call sites write `core_call().js(&env)?`
//! ([`ResultExt`]); the one throw is here.

use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::ptr;

use napi::{Env, sys};
use tooltrail_core::{ConfigError, Error, GatewayError, WriterError};
use tooltrail_json::CanonError;

use crate::convert::Fail;
use crate::napi_raw::RawEnv;

thread_local! {
    /// The `TooltrailError` constructor of the JS environment on this thread.
    static ERROR_CLASS: Cell<sys::napi_ref> = const { Cell::new(ptr::null_mut()) };
}

/// Remembers `ctor` (a value of `env`, the current call's) as this
/// environment's error class.
pub fn set_error_class(env: RawEnv, ctor: sys::napi_value) -> napi::Result<()> {
    let Ok(reference) = env.create_reference(ctor) else {
        return Err(napi::Error::from_reason(
            "cannot keep the TooltrailError class",
        ));
    };
    ERROR_CLASS.with(|c| c.set(reference));
    Ok(())
}

/// `s` as a JS string; null if it cannot be made (Node-API then refuses it
/// wherever it is passed directly).
fn js_string(env: RawEnv, s: &str) -> sys::napi_value {
    env.create_string_utf8(s).unwrap_or(ptr::null_mut())
}

/// Throws `e` as a `TooltrailError` in `env`, the current call's
/// environment; returns the `PendingException` marker.
fn throw(env: RawEnv, e: &Error) -> napi::Error {
    let code = e.code().as_str();
    let props = [("code", code), ("errorClass", code)];
    let attrs = e.attributes();
    let msg = js_string(env, &e.to_string());
    let class = ERROR_CLASS.with(Cell::get);
    // `msg` goes in an argument list, which Node-API does not check for null.
    let made = if class.is_null() || msg.is_null() {
        None
    } else {
        // SAFETY: a non-null `ERROR_CLASS` was made by `set_error_class` in
        // this thread's environment, the only one on the thread (the main
        // thread's or a Worker's), which `env` is; it is never deleted.
        unsafe { env.get_reference_value(class) }
            .ok()
            .filter(|ctor| !ctor.is_null())
            .and_then(|ctor| env.new_instance(ctor, &[msg]).ok())
    };
    let error = made.unwrap_or_else(|| env.create_error(msg).unwrap_or(ptr::null_mut()));
    let extra = attrs.iter().map(|(a, v)| (a.js_name(), v.as_str()));
    for (name, value) in props.into_iter().chain(extra) {
        let name = CString::new(name).expect("property names have no NUL");
        let _ = env.set_named_property(error, &name, js_string(env, value));
    }
    let _ = env.throw(error);
    napi::Error::from_status(napi::Status::PendingException)
}

/// A wrong argument type (misuse, not a value out of policy): a plain
/// `TypeError` with Node's own `ERR_INVALID_ARG_TYPE` code, thrown in `env`,
/// the current call's environment.
pub fn arg_type_err(env: RawEnv, message: &CStr) -> napi::Error {
    let _ = env.throw_type_error(c"ERR_INVALID_ARG_TYPE", message);
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
            Failure::Core(e) => throw(RawEnv::of(env), &e),
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
