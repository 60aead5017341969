//! Core `Value` → JS value, the way back (events for loggers written in JS,
//! redacted copies).

use napi::sys;
use tooltrail_json::Value;

use crate::convert::Fail;
use crate::napi_raw::RawEnv;

/// Core `Value` → JS value of `env`, the current call's environment (events
/// for loggers written in JS).
pub fn to_js(env: RawEnv, v: &Value) -> Result<sys::napi_value, Fail> {
    Ok(match v {
        Value::Null => env.get_null()?,
        Value::Bool(b) => env.get_boolean(*b)?,
        Value::Number(n) => env.create_double(*n)?,
        Value::String(s) => env.create_string_utf8(s)?,
        Value::Array(items) => {
            let out = env.create_array_with_length(items.len())?;
            for (i, item) in items.iter().enumerate() {
                env.set_element(out, i as u32, to_js(env, item)?)?;
            }
            out
        }
        Value::Object(members) => {
            let out = env.create_object()?;
            for (k, item) in members {
                let key = env.create_string_utf8(k)?;
                env.set_property(out, key, to_js(env, item)?)?;
            }
            out
        }
    })
}
