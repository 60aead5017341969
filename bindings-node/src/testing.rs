//! `tooltrail/testing`'s native half (`bindings-node/testing.js`): a
//! recorder's questions and the gateway's public `deterministic` option,
//! answered by `core::testing`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_json::Value;
use tooltrail_query::KeyCase;

use crate::errors::ResultExt;
use crate::writer::JsEventWriter;

fn value_or_null(env: &Env, v: Option<Unknown<'_>>) -> Result<Value> {
    match v {
        Some(v) if !matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) => {
            crate::to_value(env, &v)
        }
        _ => Ok(Value::Null),
    }
}

/// `command` over what `writer` (an `EventWriter({ sink: 'memory' })`)
/// recorded, with `options` (`runId`, `tool`, `event`, `path`).
#[napi(
    js_name = "_recorded",
    ts_args_type = "writer: EventWriter, command: string, options?: Record<string, unknown> | null",
    ts_return_type = "unknown"
)]
pub fn recorded<'e>(
    env: &'e Env,
    writer: &JsEventWriter,
    command: String,
    options: Option<Unknown<'e>>,
) -> Result<Unknown<'e>> {
    let options = value_or_null(env, options)?;
    let value =
        tooltrail_query::testing::recorded_value(writer.core(), &command, &options, KeyCase::Camel)
            .js(env)?;
    crate::to_unknown(env, &value)
}

/// Forgets what `writer` (a recorder) holds.
#[napi(js_name = "_recorderClear")]
pub fn recorder_clear(env: Env, writer: &JsEventWriter) -> Result<()> {
    tooltrail_query::testing::clear(writer.core()).js(&env)
}

/// The start (µs since the epoch) of a deterministic clock for the
/// gateway's `deterministic` option (`undefined` / `false`: off; `true`; an
/// RFC 3339 time).
#[napi(
    js_name = "_deterministicStartUs",
    ts_args_type = "value: boolean | string | null | undefined"
)]
pub fn deterministic_start_us(env: Env, value: Option<Unknown<'_>>) -> Result<Option<f64>> {
    let value = value_or_null(&env, value)?;
    let d = tooltrail_query::testing::deterministic(&value).js(&env)?;
    Ok(d.map(|d| d.start_us as f64))
}
