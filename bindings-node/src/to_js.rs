//! Core `Value` → JS value, the way back (events for loggers written in JS,
//! redacted copies).

use std::ptr;

use napi::sys;
use tooltrail_json::Value;

use crate::convert::{Fail, check};

/// Core `Value` → JS value (events for loggers written in JS).
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn to_js(env: sys::napi_env, v: &Value) -> Result<sys::napi_value, Fail> {
    let mut out = ptr::null_mut();
    unsafe {
        match v {
            Value::Null => check(sys::napi_get_null(env, &mut out))?,
            Value::Bool(b) => check(sys::napi_get_boolean(env, *b, &mut out))?,
            Value::Number(n) => check(sys::napi_create_double(env, *n, &mut out))?,
            Value::String(s) => check(sys::napi_create_string_utf8(
                env,
                s.as_ptr().cast(),
                s.len() as isize,
                &mut out,
            ))?,
            Value::Array(items) => {
                check(sys::napi_create_array_with_length(
                    env,
                    items.len(),
                    &mut out,
                ))?;
                for (i, item) in items.iter().enumerate() {
                    check(sys::napi_set_element(env, out, i as u32, to_js(env, item)?))?;
                }
            }
            Value::Object(members) => {
                check(sys::napi_create_object(env, &mut out))?;
                for (k, item) in members {
                    let mut key = ptr::null_mut();
                    check(sys::napi_create_string_utf8(
                        env,
                        k.as_ptr().cast(),
                        k.len() as isize,
                        &mut key,
                    ))?;
                    check(sys::napi_set_property(env, out, key, to_js(env, item)?))?;
                }
            }
        }
    }
    Ok(out)
}
