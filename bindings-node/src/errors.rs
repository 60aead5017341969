//! The ONE mapping from core errors to thrown JS errors.
//!
//! Every error is an instance of the JS `TooltrailError` class (registered by
//! `index.js` once per environment, main thread and each worker) with
//! `err.code` (= the kind / error class), and `kind`, `path`, `detail` or
//! `key` where they apply. The native side throws the object itself and
//! returns `PendingException`, which napi-rs passes through untouched.

use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::ptr;

use napi::sys;
use tooltrail_core::{CanonError, ErrorKind, WriterError};

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

/// Throws a `TooltrailError` with `code` and extra string properties.
unsafe fn throw(
    env: sys::napi_env,
    code: &str,
    message: &str,
    props: &[(&str, &str)],
) -> napi::Error {
    unsafe {
        let msg = js_string(env, message);
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
        for (name, value) in std::iter::once(&("code", code)).chain(props) {
            let name = CString::new(*name).expect("property names have no NUL");
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

/// A canonicalization error as a thrown `TooltrailError`.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn canon_err(env: sys::napi_env, e: &CanonError) -> napi::Error {
    let kind = match e.kind() {
        k @ (ErrorKind::NonFinite
        | ErrorKind::IntegerOutOfRange
        | ErrorKind::LoneSurrogate
        | ErrorKind::DuplicateKey
        | ErrorKind::NonStringKey
        | ErrorKind::UnsupportedType
        | ErrorKind::DepthExceeded
        | ErrorKind::InvalidJson) => k.as_str(),
    };
    let path = e.path().to_string();
    unsafe {
        throw(
            env,
            kind,
            &e.to_string(),
            &[("kind", kind), ("path", &path), ("detail", e.detail())],
        )
    }
}

/// A conversion failure: policy errors are thrown; JS exceptions stay pending.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn fail_err(env: sys::napi_env, f: Fail) -> napi::Error {
    match f {
        Fail::Canon(e) => unsafe { canon_err(env, &e) },
        Fail::Js(e) => e,
    }
}

/// A writer construction error: `code` `config_error` (with `key`) or
/// `writer_error`.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn writer_err(env: sys::napi_env, e: &WriterError) -> napi::Error {
    let message = e.to_string();
    match e {
        WriterError::Open { .. } => unsafe { throw(env, "writer_error", &message, &[]) },
        WriterError::InvalidConfig { key, .. } => unsafe {
            throw(env, "config_error", &message, &[("key", key)])
        },
    }
}

/// A config error for an option the binding itself rejects (unknown key,
/// wrong type), shaped like the core's.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn option_err(env: sys::napi_env, key: &str, message: &str) -> napi::Error {
    let text = format!("invalid writer setting `{key}`: {message}");
    unsafe { throw(env, "config_error", &text, &[("key", key)]) }
}

/// A configuration error (`code` `config_error`, `key`).
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn config_err(env: sys::napi_env, e: &tooltrail_core::ConfigError) -> napi::Error {
    unsafe { throw(env, "config_error", &e.to_string(), &[("key", &e.key)]) }
}

/// The errors the gateway raises on purpose; `code` is the error class.
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn gateway_err(env: sys::napi_env, e: &tooltrail_core::GatewayError) -> napi::Error {
    use tooltrail_core::GatewayError;
    let message = e.to_string();
    let class = e.error_class();
    match e {
        GatewayError::UnknownTool(tool)
        | GatewayError::LoopDetected { tool, .. }
        | GatewayError::ValidationFailed { tool, .. } => unsafe {
            throw(
                env,
                class,
                &message,
                &[("errorClass", class), ("tool", tool)],
            )
        },
        GatewayError::MissingId(id) => unsafe {
            throw(env, class, &message, &[("errorClass", class), ("key", id)])
        },
        GatewayError::BudgetExceeded(budget) => unsafe {
            throw(
                env,
                class,
                &message,
                &[
                    ("errorClass", class),
                    ("budget", budget.key()),
                    ("stopReason", budget.stop_reason()),
                ],
            )
        },
        GatewayError::UnknownStopReason(_) | GatewayError::UnknownRun(_) => unsafe {
            throw(env, class, &message, &[])
        },
    }
}

/// A failed log query (`code` `query_error`).
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn query_err(env: sys::napi_env, message: &str) -> napi::Error {
    unsafe { throw(env, "query_error", message, &[]) }
}
