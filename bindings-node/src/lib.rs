//! Node.js face of tooltrail-core: registration and thin wrappers only;
//! conversion is in `convert.rs`, error mapping in `errors.rs`.
//!
//! The canonical-JSON entry points are `catch_unwind`: a panic (a bug) cannot
//! unwind through Node-API's `extern "C"` frames and would abort the whole
//! process, so it becomes a thrown `Error` instead.
//!
//! Raw Node-API calls live in `napi_raw.rs`, behind safe wrappers; every
//! other `unsafe` block says why it is sound (`// SAFETY:`; the workspace
//! denies `clippy::undocumented_unsafe_blocks`).

/// Small, short-lived allocations on every call, many freed by the writer
/// thread: mimalloc handles both far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod call_path;
mod calls;
mod convert;
mod errors;
mod gateway;
mod host;
mod napi_raw;
pub mod query;
pub mod signals;
mod tape;
pub mod testing;
mod to_js;
mod trace;
mod writer;

use std::ffi::CStr;

use napi::bindgen_prelude::*;
use napi::{JsValue, sys};
use napi_derive::napi;
use tooltrail_core::gateway::CallArgs;
use tooltrail_json::{
    ErrorKind, Value, canonical_json as core_canonical, parse_json, stable_hash_with,
};

use crate::convert::Converter;
use crate::errors::{ResultExt, arg_type_err};
use crate::napi_raw::RawEnv;

/// Converts any JS value under the canonical-JSON policy.
fn to_value(env: &Env, value: &Unknown<'_>) -> Result<Value> {
    Converter::new(env)
        .and_then(|c| c.value(value.raw()))
        .js(env)
}

/// A core value as a JS value of `env`.
fn to_unknown<'e>(env: &'e Env, value: &Value) -> Result<Unknown<'e>> {
    let raw = convert::to_js(RawEnv::of(env), value).js(env)?;
    // SAFETY: `raw` is a live handle that `to_js` just made in `env`, the
    // environment of the current call, and it is used within that call.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), raw) })
}

/// The bytes of a string (UTF-8; read as UTF-16 so that a lone surrogate is
/// a `lone_surrogate` error instead of a silent U+FFFD) or of a
/// Uint8Array/Buffer. Anything else is a `TypeError` naming the argument.
fn bytes_arg(env: &Env, v: &Unknown<'_>, what: &'static CStr) -> Result<Vec<u8>> {
    if v.get_type()? == ValueType::String {
        return Converter::new(env)
            .and_then(|c| c.string(v.raw()))
            .js(env)
            .map(String::into_bytes);
    }
    let raw_env = RawEnv::of(env);
    // `data` points at the view's first byte (offset applied).
    let view = if raw_env.is_typedarray(v.raw()).unwrap_or(false) {
        raw_env.typedarray_info(v.raw()).ok()
    } else {
        None
    };
    let Some((sys::TypedarrayType::uint8_array, len, data)) = view else {
        return Err(arg_type_err(raw_env, what));
    };
    // A detached or empty view has no data pointer.
    Ok(if len == 0 || data.is_null() {
        Vec::new()
    } else {
        // SAFETY: Node-API gave the Uint8Array's bytes: `len` bytes at the
        // non-null `data` (u8 needs no alignment), alive while no JS runs;
        // they are copied right away, before any JS can run.
        unsafe { std::slice::from_raw_parts(data as *const u8, len) }.to_vec()
    })
}

/// HMAC key bytes; `undefined`/`null` mean "no key" (plain SHA-256).
fn key_bytes(env: &Env, key: Option<Unknown<'_>>) -> Result<Option<Vec<u8>>> {
    match key {
        None => Ok(None),
        Some(k) if matches!(k.get_type()?, ValueType::Undefined | ValueType::Null) => Ok(None),
        Some(k) => {
            let bytes = bytes_arg(env, &k, c"key must be a string or a Uint8Array/Buffer")?;
            tooltrail_core::check_hash_key(&bytes, "key").js(env)?;
            Ok(Some(bytes))
        }
    }
}

/// JSON text (a string, or UTF-8 bytes) parsed by the core's strict parser.
fn text_value(env: &Env, text: Unknown<'_>) -> Result<Value> {
    let bytes = bytes_arg(env, &text, c"text must be a string or a Uint8Array/Buffer")?;
    parse_json(&bytes).js(env)
}

/// Lowercase hex SHA-256 of the canonical JSON of `value` (HMAC-SHA256 with `key`).
#[napi(
    catch_unwind,
    ts_args_type = "value: unknown, key?: string | Uint8Array"
)]
pub fn stable_hash(env: Env, value: Unknown<'_>, key: Option<Unknown<'_>>) -> Result<String> {
    let key = key_bytes(&env, key)?;
    let value = to_value(&env, &value)?;
    stable_hash_with(&value, key.as_deref()).js(&env)
}

/// `stableHash(value, key)` as `index.js` calls it: `text` and `ops` are the
/// tape `lib/tape.js` recorded when `value` is plain data (else `text` is
/// undefined). The core hashes the tape's JSON text; `value` is converted
/// only when there is no tape or the core refuses it (so errors name the
/// path within `value`, as without the tape).
#[napi(catch_unwind, js_name = "_stableHashPlain")]
pub fn stable_hash_plain(
    env: Env,
    value: Unknown<'_>,
    text: Unknown<'_>,
    ops: Unknown<'_>,
    key: Option<Unknown<'_>>,
) -> Result<String> {
    let key = key_bytes(&env, key)?;
    let hashed = tape::with_tape(&env, text, ops, |tape| {
        let args = CallArgs::tape(tape?.0, tape?.1).ok()?;
        args.hash(key.as_deref()).ok()
    });
    if let Some(hash) = hashed {
        return Ok(hash);
    }
    stable_hash_with(&to_value(&env, &value)?, key.as_deref()).js(&env)
}

/// The deepest nesting canonical JSON accepts (`lib/tape.js` stops there).
#[napi(js_name = "_maxDepth")]
pub fn max_depth() -> u32 {
    tooltrail_json::MAX_DEPTH as u32
}

/// The codes of `lib/tape.js`'s tape, as the core reads them.
#[napi(object)]
pub struct TapeCodes {
    /// `tape::OBJECT`.
    pub object: i32,
    /// `tape::END_OBJECT`.
    pub end_object: i32,
    /// `tape::ARRAY`.
    pub array: i32,
    /// `tape::END_ARRAY`.
    pub end_array: i32,
    /// `tape::TRUE`.
    #[napi(js_name = "true")]
    pub is_true: i32,
    /// `tape::FALSE`.
    #[napi(js_name = "false")]
    pub is_false: i32,
    /// `tape::NULL`.
    pub null: i32,
    /// `tape::NUMBER`.
    pub number: i32,
    /// `tape::END`.
    pub end: i32,
}

/// The JSON text the core reads from a tape, or null when it refuses it
/// (for tests: that a value took the tape route, not the converter's).
#[napi(js_name = "_tapeJson")]
pub fn tape_json(env: Env, text: Unknown<'_>, ops: Unknown<'_>) -> Option<String> {
    tape::with_tape(&env, text, ops, |tape| {
        let (ops, units) = tape?;
        tooltrail_json::tape::checked_json(ops, units).ok()
    })
}

/// The tape's codes (`lib/tape.js` reads them once, so the two cannot drift).
#[napi(js_name = "_tapeCodes")]
pub fn tape_codes() -> TapeCodes {
    use tooltrail_json::tape;
    TapeCodes {
        object: tape::OBJECT,
        end_object: tape::END_OBJECT,
        array: tape::ARRAY,
        end_array: tape::END_ARRAY,
        is_true: tape::TRUE,
        is_false: tape::FALSE,
        null: tape::NULL,
        number: tape::NUMBER,
        end: tape::END,
    }
}

/// `stableHash` of JSON text, parsed strictly by the core.
#[napi(
    catch_unwind,
    ts_args_type = "text: string | Uint8Array, key?: string | Uint8Array"
)]
pub fn stable_hash_json(env: Env, text: Unknown<'_>, key: Option<Unknown<'_>>) -> Result<String> {
    let key = key_bytes(&env, key)?;
    let value = text_value(&env, text)?;
    stable_hash_with(&value, key.as_deref()).js(&env)
}

/// The RFC 8785 canonical JSON text of `value`.
#[napi(catch_unwind, ts_args_type = "value: unknown")]
pub fn canonical_json(env: Env, value: Unknown<'_>) -> Result<String> {
    let value = to_value(&env, &value)?;
    core_canonical(&value).js(&env)
}

/// Canonical JSON of JSON text (tests; not documented API).
#[napi(catch_unwind, js_name = "_canonicalJsonText")]
pub fn canonical_json_text(env: Env, text: Unknown<'_>) -> Result<String> {
    let value = text_value(&env, text)?;
    core_canonical(&value).js(&env)
}

/// The `error_class` of an MCP `tools/call` answered with a JSON-RPC error
/// (the proxy's rule, for the client adapter).
#[napi(js_name = "_mcpErrorClass")]
pub fn mcp_error_class(code: f64, message: String) -> &'static str {
    let code = if code.fract() == 0.0 { code as i64 } else { 0 };
    tooltrail_mcp::error_class(code, &message)
}

/// The message of an MCP `tools/call` result that reports a tool failure
/// (`isError: true`), or null (the proxy's rule, for the client adapter).
#[napi(js_name = "_mcpResultError")]
pub fn mcp_result_error(env: Env, result: Unknown<'_>) -> Result<Option<String>> {
    let value = to_value(&env, &result)?;
    Ok(tooltrail_mcp::result_error(&value).map(str::to_owned))
}

/// The JSON-RPC error `[code, message, data]` a call refused by a budget or
/// the loop guard is answered with (the proxy's), from tooltrail's error.
#[napi(js_name = "_mcpRefusal")]
pub fn mcp_refusal<'e>(env: &'e Env, err: Object<'_>) -> Result<(i64, String, Unknown<'e>)> {
    let class: String = err.get("errorClass")?.unwrap_or_default();
    let message: String = err.get("message")?.unwrap_or_default();
    let attr = |a: tooltrail_core::Attr| err.get::<String>(a.js_name()).ok().flatten();
    let (code, message, data) = tooltrail_mcp::refusal(&class, &message, attr);
    Ok((code, message, to_unknown(env, &data)?))
}

/// The test helpers' constants, from the core (`tooltrail/testing`):
/// `[DETERMINISTIC_START, UPDATE_SNAPSHOTS_ENV]`.
#[napi(js_name = "_testingConstants")]
pub fn testing_constants() -> Vec<&'static str> {
    vec![
        tooltrail_query::testing::DETERMINISTIC_START,
        tooltrail_query::testing::UPDATE_ENV,
    ]
}

/// The canonicalization error kinds, in the core's order.
#[napi(js_name = "_errorKinds")]
pub fn error_kinds() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The one version of tooltrail.
#[napi(js_name = "_version")]
pub fn version() -> &'static str {
    tooltrail_core::VERSION
}

/// Registers the JS `TooltrailError` class for this environment.
#[napi(js_name = "_setErrorClass")]
pub fn set_error_class(env: Env, ctor: Unknown<'_>) -> Result<()> {
    errors::set_error_class(RawEnv::of(&env), ctor.raw())
}

/// A redacted copy of `value`; `redactFields` adds sensitive keys.
#[napi(
    ts_args_type = "value: unknown, redactFields?: string[]",
    ts_return_type = "unknown"
)]
pub fn redact<'e>(
    env: &'e Env,
    value: Unknown<'_>,
    redact_fields: Option<Vec<String>>,
) -> Result<Unknown<'e>> {
    let v = to_value(env, &value)?;
    let redactor = tooltrail_core::Redactor::for_fields(redact_fields.as_deref());
    to_unknown(env, &redactor.redact(&v))
}

/// The normalized error classes, in the core's order.
#[napi(js_name = "_errorClasses")]
pub fn error_classes() -> Vec<&'static str> {
    tooltrail_core::ERROR_CLASSES.to_vec()
}

/// The stop reasons, in the core's order.
#[napi(js_name = "_stopReasons")]
pub fn stop_reasons() -> Vec<&'static str> {
    tooltrail_core::gateway::STOP_REASONS.to_vec()
}

/// Every error code, in the core's order.
#[napi(js_name = "_errorCodes")]
pub fn error_codes() -> Vec<&'static str> {
    tooltrail_core::ErrorCode::ALL.map(|c| c.as_str()).to_vec()
}

/// Makes OTLP export (`sinks.otlp`) available to every writer this addon
/// makes; runs once when the addon is loaded.
#[napi_derive::module_init]
fn init() {
    tooltrail_otlp::install();
}
