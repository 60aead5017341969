//! The per-call functions: `begin`, `finishOk` / `finishOkValidated`,
//! `finishErr`, `callIds`.
//! Free functions taking the gateway's `External` handle (see
//! `JsGateway::handle`), not methods: a method finds its Rust half through
//! a private property of `this`, the largest binding cost of a call.
//! Convert, call core, map errors, as everywhere else.

use std::sync::Arc;

use napi::JsValue;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_core::gateway::{CallArgs, CallHandle, Events, GatewayError, Validation};
use tooltrail_core::{Outcome, failed_result};
use tooltrail_json::{CanonError, ErrorKind};

use crate::convert::Converter;
use crate::errors::{ResultExt, guard};
use crate::gateway::{Link, Shared, logged_value};
use crate::host::Host;
use crate::tape::with_tape;

/// Starts a call under the context last set: seq, args hash; throws for
/// unknown tools and missing ids (after logging the refusal). Returns the
/// call's id. `text` and `ops` are the tape `lib/tape.js` recorded when
/// `args` is plain data (else `text` is undefined): the core checks it and
/// keeps it for the writer, and `args` itself is converted only when there
/// is no tape or the core refuses it (then the converter names the
/// offending path).
/// `tool`: the tool's index in the constructor's list, or -1 when `name`
/// is not one of them (then `name` is read, for the refusal).
#[allow(dead_code)]
#[napi(js_name = "_begin")]
pub fn begin(
    env: Env,
    gateway: &External<Arc<Shared>>,
    tool: i32,
    name: Unknown<'_>,
    args: Unknown<'_>,
    text: Unknown<'_>,
    ops: Unknown<'_>,
) -> Result<f64> {
    let gw: &Shared = gateway;
    guard(&env, || {
        let ctx = Arc::clone(&gw.ctx.lock().unwrap_or_else(|e| e.into_inner()));
        let given;
        let name = match usize::try_from(tool).ok().and_then(|i| gw.tools.get(i)) {
            Some(known) => known.as_str(),
            None => {
                // SAFETY: `name` is a live handle of `env`, this call's, read
                // within the call (a non-string is an error, not UB).
                given = unsafe { String::from_napi_value(env.raw(), name.raw()) }?;
                given.as_str()
            }
        };
        // The tape is used while it is borrowed; the converter (which may
        // run getters, so JS) only after, when there was no usable tape.
        let link = gw.take_link();
        let link = link.as_ref().map(Link::as_core).unwrap_or_default();
        let began = with_tape(&env, text, ops, |tape| {
            match tape.map(|(o, t)| CallArgs::tape(o, t)) {
                Some(Ok(args)) => Some(gw.core.begin_linked(&ctx, name, args, link)),
                _ => None,
            }
        });
        let began = match began {
            Some(began) => began,
            None => {
                // `args` belongs to `env`, this call's.
                let converter = Converter::new(&env).js(&env)?;
                let args = CallArgs::Value(logged_value(&converter, &env, &args));
                gw.core.begin_linked(&ctx, name, args, link)
            }
        };
        started(&env, gw, began)
    })
}

/// Emits a begun call's events; the call's id, or the refusal thrown.
fn started(
    env: &Env,
    gw: &Shared,
    began: std::result::Result<(CallHandle, Events), (GatewayError, Events)>,
) -> Result<f64> {
    match began {
        Ok((handle, event)) => {
            gw.emit(event);
            Ok(gw.lock_calls().put(handle))
        }
        Err((error, event)) => {
            gw.emit(event);
            Err(error).js(env)
        }
    }
}

/// [`begin`] with the arguments as JSON text, exactly as the model sent them
/// (a framework adapter's call): the core parses and hashes the text, so the
/// same model output gives the same `args_hash` or the same `args_error` in
/// both languages (`JSON.parse` would round an integer beyond 2^53 that
/// Python's `json.loads` keeps). Read as UTF-8: text that came from a model
/// API was decoded from UTF-8 and holds no lone surrogate (an escaped one,
/// `\ud800`, is ASCII here and the core's parser names it).
#[allow(dead_code)]
#[napi(js_name = "_beginJson")]
pub fn begin_json(
    env: Env,
    gateway: &External<Arc<Shared>>,
    tool: i32,
    name: String,
    text: String,
) -> Result<f64> {
    let gw: &Shared = gateway;
    guard(&env, || {
        let ctx = Arc::clone(&gw.ctx.lock().unwrap_or_else(|e| e.into_inner()));
        let name = match usize::try_from(tool).ok().and_then(|i| gw.tools.get(i)) {
            Some(known) => known.as_str(),
            None => name.as_str(),
        };
        let args = CallArgs::json(text.as_str()).unwrap_or_else(|e| CallArgs::Value(Err(e)));
        let link = gw.take_link();
        let link = link.as_ref().map(Link::as_core).unwrap_or_default();
        started(&env, gw, gw.core.begin_linked(&ctx, name, args, link))
    })
}

/// Ends a call that returned `result`, for a tool without a validator (the
/// usual call passes no fourth argument: reading an optional one measured
/// ~150 instructions a call).
#[allow(dead_code)]
#[napi(js_name = "_finishOk")]
pub fn finish_ok(
    env: Env,
    gateway: &External<Arc<Shared>>,
    call: f64,
    result: Unknown<'_>,
) -> Result<()> {
    finish_returned(&env, gateway, call, result, None)
}

/// Ends a call that returned `result`: runs `validator` (the tool's) and
/// throws `validation_failed` if it rejects the result.
#[allow(dead_code)]
#[napi(js_name = "_finishOkValidated")]
pub fn finish_ok_validated(
    env: Env,
    gateway: &External<Arc<Shared>>,
    call: f64,
    result: Unknown<'_>,
    validator: Unknown<'_>,
) -> Result<()> {
    finish_returned(&env, gateway, call, result, Some(validator))
}

fn finish_returned(
    env: &Env,
    gateway: &External<Arc<Shared>>,
    call: f64,
    result: Unknown<'_>,
    validator: Option<Unknown<'_>>,
) -> Result<()> {
    let gw: &Shared = gateway;
    guard(env, || {
        let Some(handle) = gw.lock_calls().take(call) else {
            return Ok(());
        };
        // `validator` and `result` belong to `env`, this call's.
        let host = Host::new(env);
        let validation = match validator {
            Some(v) => host.validate(v.raw(), result.raw()),
            None => Validation::Passed,
        };
        let (events, outcome) = gw.core.finish_returned(handle, validation, || {
            let converter = Converter::new(env).map_err(|_| {
                CanonError::new(ErrorKind::UnsupportedType, "cannot read the result")
            })?;
            logged_value(&converter, env, &result)
        });
        gw.emit(events);
        outcome.js(env)
    })
}

/// Ends a call whose tool (a framework's, through an adapter) returned
/// `result`: an error result (the core's rule: `isError`, an HTTP status from
/// 400) is logged as a failure and true returned; anything else as
/// `_finishOk` / `_finishOkValidated` (`validator` may be undefined). The
/// caller gets `result` either way.
#[allow(dead_code)]
#[napi(js_name = "_finishChecked")]
pub fn finish_checked(
    env: Env,
    gateway: &External<Arc<Shared>>,
    call: f64,
    result: Unknown<'_>,
    validator: Unknown<'_>,
) -> Result<bool> {
    let gw: &Shared = gateway;
    // `result` belongs to `env`, this call's.
    let facts = Host::new(&env).result_facts(result.raw());
    if let Some((facts, message)) = failed_result(&facts) {
        if let Some(handle) = gw.lock_calls().take(call) {
            gw.emit(gw.core.finish(handle, Outcome::Failed { facts, message }));
        }
        return Ok(true);
    }
    let validator = match validator.get_type()? {
        ValueType::Function => Some(validator),
        _ => None,
    };
    finish_returned(&env, gateway, call, result, validator).map(|()| false)
}

/// Ends a call whose tool threw or rejected with `error`.
#[allow(dead_code)]
#[napi(js_name = "_finishErr")]
pub fn finish_err(env: Env, gateway: &External<Arc<Shared>>, call: f64, error: Unknown<'_>) {
    let gw: &Shared = gateway;
    let Some(handle) = gw.lock_calls().take(call) else {
        return;
    };
    // `error` belongs to `env`, this call's.
    let (facts, message) = Host::new(&env).failure(error.raw());
    gw.emit(gw.core.finish(handle, Outcome::Failed { facts, message }));
}

/// An in-flight call's own ids (`callIds`).
#[napi(object)]
pub struct CallIds {
    pub span_id: String,
    pub seq: f64,
}

/// The span id and `seq` of call `call` while it is in flight, else null
/// (`currentCall()`; asked for by the wrappers only).
#[allow(dead_code)]
#[napi(js_name = "_callIds")]
pub fn call_ids(gateway: &External<Arc<Shared>>, call: f64) -> Option<CallIds> {
    let gw: &Shared = gateway;
    gw.lock_calls().get(call).map(|h| CallIds {
        span_id: h.span_id().to_owned(),
        seq: h.seq() as f64,
    })
}
