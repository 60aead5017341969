//! The native half of `ToolGateway`: convert, call core, map errors. The JS
//! half (`index.js`) runs the tool and settles Promises.

use std::sync::{Arc, Mutex};

use napi::JsValue;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_core::gateway::{
    CallArgs, Deterministic, IdArg, RunExit, TimeoutUnit, host_timeouts,
};
use tooltrail_core::{
    CallHandle, CanonError, Config, ErrorKind, Event, EventWriter, Gateway, Outcome, RunCtx, Value,
};

use crate::calls::Calls;
use crate::convert::{Converter, Fail};
use crate::errors::{ResultExt, guard};
use crate::host::Host;
use crate::writer::JsEventWriter;
use crate::{to_unknown, to_value};

/// Gateway core plus where its events go.
#[napi(js_name = "_NativeGateway")]
pub struct JsGateway {
    core: Arc<Gateway>,
    writer: Option<EventWriter>,
    pending: Mutex<Vec<Event>>,
    /// Calls between `begin` and `finish*`, by the id JS holds.
    calls: Mutex<Calls<CallHandle>>,
    /// The tool names, in the order `index.js` numbers them for `begin`.
    tools: Vec<String>,
    /// The context `begin` uses (see `set_ctx`).
    ctx: Mutex<Arc<RunCtx>>,
    /// Also hand alert events to JS (for the `onAlert` callback).
    forward_alerts: bool,
}

/// `config`: undefined/null (defaults), a YAML path or an object, read by the core.
fn config_from(env: &Env, config: Option<Unknown<'_>>) -> Result<Config> {
    let value = match config {
        Some(c) if !matches!(c.get_type()?, ValueType::Undefined | ValueType::Null) => {
            to_value(env, &c)?
        }
        _ => Value::Null,
    };
    Config::load(&value).js(env)
}

/// A context from a JS value (undefined/null: an empty one), by the core's rules.
fn ctx_from(env: &Env, ctx: Option<Unknown<'_>>) -> Result<RunCtx> {
    match ctx {
        Some(c) if !matches!(c.get_type()?, ValueType::Undefined | ValueType::Null) => {
            RunCtx::from_value(&to_value(env, &c)?).js(env)
        }
        _ => Ok(RunCtx::default()),
    }
}

/// A context as a plain JS object of its ids.
fn ctx_object<'e>(env: &'e Env, ctx: &RunCtx) -> Result<Unknown<'e>> {
    let opt = |v: &Option<String>| v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()));
    let value = Value::object([
        ("run_id", opt(&ctx.run_id)),
        ("trace_id", opt(&ctx.trace_id)),
        ("user_id", opt(&ctx.user_id)),
        ("request_id", opt(&ctx.request_id)),
        ("parent_span_id", opt(&ctx.parent_span_id)),
        ("agent_id", opt(&ctx.agent_id)),
    ]);
    to_unknown(env, &value)
}

/// A value read for logging only: a JS exception while reading it (a
/// throwing getter or Proxy trap) is cleared and logged as an
/// `unsupported_type` error, never thrown into the tool call (principle 1).
///
/// # Safety
/// `v` must belong to the converter's environment.
unsafe fn logged_value(
    c: &Converter,
    env: &Env,
    v: &Unknown<'_>,
) -> std::result::Result<Value, CanonError> {
    match unsafe { c.value(v.raw()) } {
        Ok(v) => Ok(v),
        Err(Fail::Canon(e)) => Err(e),
        Err(Fail::Js(_)) => {
            unsafe { Host::new(env.raw()) }.take_exception();
            Err(CanonError::new(
                ErrorKind::UnsupportedType,
                "reading the value threw (a getter or Proxy trap); it has no JSON form",
            ))
        }
    }
}

/// An optional argument the core checks itself (`timeouts`, a window's
/// length): `None` when undefined or null, else what the converter made of
/// it, a value or the reason it has none.
fn option_arg(
    env: &Env,
    v: Option<Unknown<'_>>,
) -> Result<Option<std::result::Result<Value, CanonError>>> {
    match v {
        Some(v) if !matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) => {
            // SAFETY: `v` belongs to `env`, the current call's.
            let converter = unsafe { Converter::new(env.raw()) }.js(env)?;
            Ok(Some(unsafe { logged_value(&converter, env, &v) }))
        }
        _ => Ok(None),
    }
}

/// Validates a configuration (path to YAML, or an object) the way
/// `ToolGateway` will.
// Reached only through the #[napi] registration, which test builds omit.
#[allow(dead_code)]
#[napi(js_name = "_checkConfig")]
pub fn check_config(env: Env, config: Unknown<'_>) -> Result<()> {
    config_from(&env, Some(config)).map(|_| ())
}

/// Checks a `ctx` argument the way `startRun` and `call` read it (throws
/// `invalid_argument` for anything but an object of ids).
#[allow(dead_code)]
#[napi(js_name = "_checkCtx")]
pub fn check_ctx(env: Env, ctx: Unknown<'_>) -> Result<()> {
    RunCtx::from_value(&to_value(&env, &ctx)?)
        .js(&env)
        .map(|_| ())
}

/// The W3C `traceparent` for outgoing calls under `ctx`; null unless its
/// trace and parent span ids are W3C ids.
#[allow(dead_code)]
#[napi(js_name = "_ctxTraceparent")]
pub fn ctx_traceparent(env: Env, ctx: Unknown<'_>) -> Result<Option<String>> {
    Ok(ctx_from(&env, Some(ctx))?.traceparent())
}

/// An in-flight call's own ids (`callIds`).
#[napi(object)]
pub struct CallIds {
    pub span_id: String,
    pub seq: f64,
}

#[napi]
impl JsGateway {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        tools: Vec<String>,
        config: Option<Unknown<'_>>,
        writer: Option<&JsEventWriter>,
        deterministic_start_us: Option<f64>,
        forward_alerts: Option<bool>,
        timeouts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let config = config_from(&env, config)?;
        let deterministic = deterministic_start_us.map(|us| Deterministic {
            start_us: us as i64,
        });
        let mut core = Gateway::from_config(config, tools.clone(), deterministic).js(&env)?;
        // Milliseconds, as `timeouts` takes them; the core checks them and
        // marks a call that returns late.
        let timeouts = option_arg(&env, timeouts)?;
        core.set_timeouts(host_timeouts(timeouts, TimeoutUnit::Millis).js(&env)?);
        Ok(Self {
            core: Arc::new(core),
            tools,
            writer: writer.map(|w| w.core().clone()),
            pending: Mutex::new(Vec::new()),
            calls: Mutex::new(Calls::default()),
            ctx: Mutex::new(Arc::new(RunCtx::default())),
            forward_alerts: forward_alerts.unwrap_or(false),
        })
    }

    fn lock_calls(&self) -> std::sync::MutexGuard<'_, Calls<CallHandle>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn emit(&self, events: Vec<Event>) {
        match &self.writer {
            // Core-built events arrive as finished lines; a full queue is
            // counted by the writer (principle 1: nothing to raise here).
            Some(w) => {
                for event in events {
                    if self.forward_alerts && event.name == "alert" {
                        w.write_line(event.line().into_owned());
                        self.pending
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(event);
                    } else {
                        event.write_to(w);
                    }
                }
            }
            None => self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(events),
        }
    }

    /// Sets the context the next `begin` calls use: `index.js` calls this
    /// only when a call's ids differ from the previous call's, so a run's
    /// calls convert and check their ids once, not on every call.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn set_ctx(
        &self,
        env: Env,
        run_id: Unknown<'_>,
        trace_id: Unknown<'_>,
        user_id: Unknown<'_>,
        request_id: Unknown<'_>,
        parent_span_id: Unknown<'_>,
        traceparent: Unknown<'_>,
        agent_id: Unknown<'_>,
    ) -> Result<()> {
        guard(&env, || {
            // SAFETY: every value converted below belongs to `env`, this call's.
            let converter = unsafe { Converter::new(env.raw()) }.js(&env)?;
            // Strings are read as UTF-16 so a lone surrogate is an error, not a
            // silent U+FFFD; other types are the core's to reject.
            let id = |v: Unknown<'_>| -> Result<IdArg> {
                Ok(match v.get_type()? {
                    ValueType::Undefined | ValueType::Null => IdArg::Absent,
                    ValueType::String => {
                        IdArg::Text(unsafe { converter.string(v.raw()) }.js(&env)?)
                    }
                    other => IdArg::Wrong(format!("{other}").to_lowercase()),
                })
            };
            let ctx = RunCtx::from_args([
                id(run_id)?,
                id(trace_id)?,
                id(user_id)?,
                id(request_id)?,
                id(parent_span_id)?,
                id(traceparent)?,
                id(agent_id)?,
            ])
            .js(&env)?;
            *self.ctx.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(ctx);
            Ok(())
        })
    }

    /// Starts a call under the context last set: seq, args hash; throws for
    /// unknown tools and missing ids (after logging the refusal). Returns the
    /// call's id. `text` is `JSON.stringify(args)` when `lib/plain_json.js`
    /// found `args` to be plain data: the core's strict parser reads it,
    /// and `args` itself is converted only when there is no text or the
    /// parser refuses it (then the converter names the offending path).
    /// `tool`: the tool's index in the constructor's list, or -1 when `name`
    /// is not one of them (then `name` is read, for the refusal).
    #[napi]
    pub fn begin(
        &self,
        env: Env,
        tool: i32,
        name: Unknown<'_>,
        args: Unknown<'_>,
        text: Option<Unknown<'_>>,
    ) -> Result<f64> {
        guard(&env, || {
            let ctx = Arc::clone(&self.ctx.lock().unwrap_or_else(|e| e.into_inner()));
            let given;
            let name = match usize::try_from(tool).ok().and_then(|i| self.tools.get(i)) {
                Some(known) => known.as_str(),
                None => {
                    // SAFETY: `name` belongs to `env`, this call's.
                    given = unsafe { String::from_napi_value(env.raw(), name.raw()) }?;
                    given.as_str()
                }
            };
            let text = crate::convert::plain_text(&env, text);
            let args = match text.map(CallArgs::json) {
                Some(Ok(args)) => args,
                _ => {
                    // SAFETY: `args` belongs to `env`, this call's.
                    let converter = unsafe { Converter::new(env.raw()) }.js(&env)?;
                    CallArgs::Value(unsafe { logged_value(&converter, &env, &args) })
                }
            };
            match self.core.begin(&ctx, name, args) {
                Ok((handle, event)) => {
                    self.emit(event);
                    Ok(self.lock_calls().put(handle))
                }
                Err((error, event)) => {
                    self.emit(event);
                    Err(error).js(&env)
                }
            }
        })
    }

    /// Ends a call that returned `result`: runs `validator` (the tool's, if
    /// any) and throws `validation_failed` if it rejects the result.
    #[napi]
    pub fn finish_ok(
        &self,
        env: Env,
        call: f64,
        result: Unknown<'_>,
        validator: Option<Unknown<'_>>,
    ) -> Result<()> {
        guard(&env, || {
            let Some(handle) = self.lock_calls().take(call) else {
                return Ok(());
            };
            // SAFETY: `validator` and `result` belong to `env`, this call's.
            let host = unsafe { Host::new(env.raw()) };
            let validation = match validator {
                Some(v) => host.validate(v.raw(), result.raw()),
                None => tooltrail_core::gateway::Validation::Passed,
            };
            let (events, outcome) = self.core.finish_returned(handle, validation, || {
                let converter = unsafe { Converter::new(env.raw()) }.map_err(|_| {
                    CanonError::new(ErrorKind::UnsupportedType, "cannot read the result")
                })?;
                unsafe { logged_value(&converter, &env, &result) }
            });
            self.emit(events);
            outcome.js(&env)
        })
    }

    /// The span id and `seq` of call `call` while it is in flight, else null
    /// (`currentCall()`; asked for by the wrappers only).
    #[napi]
    pub fn call_ids(&self, call: f64) -> Option<CallIds> {
        self.lock_calls().get(call).map(|h| CallIds {
            span_id: h.span_id().to_owned(),
            seq: h.seq() as f64,
        })
    }

    /// Adds tool `name` (`wrap` of a function the gateway was not built with).
    #[napi]
    pub fn add_tool(&self, name: String) {
        self.core.add_tool(&name);
    }

    /// Ends a call whose tool threw or rejected with `error`.
    #[napi]
    pub fn finish_err(&self, env: Env, call: f64, error: Unknown<'_>) {
        let Some(handle) = self.lock_calls().take(call) else {
            return;
        };
        // SAFETY: `error` belongs to `env`, this call's.
        let (facts, message) = unsafe { Host::new(env.raw()) }.failure(error.raw());
        self.emit(self.core.finish(handle, Outcome::Failed { facts, message }));
    }

    /// Events waiting for a JS logger, as `[name, fields]` pairs.
    #[napi(ts_return_type = "Array<[string, Record<string, unknown>]>")]
    pub fn drain<'e>(&self, env: &'e Env) -> Result<Vec<Unknown<'e>>> {
        let events = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        events
            .iter()
            .map(|ev| to_unknown(env, &Value::Array(vec![Value::from(ev.name), ev.fields()])))
            .collect()
    }

    /// Opens a run; returns the context its calls use.
    #[napi(ts_return_type = "Record<string, string | null>")]
    pub fn start_run<'e>(&self, env: &'e Env, ctx: Option<Unknown<'_>>) -> Result<Unknown<'e>> {
        guard(env, || {
            let ctx = ctx_from(env, ctx)?;
            let (run_ctx, events) = self.core.start_run(&ctx).js(env)?;
            self.emit(events);
            ctx_object(env, &run_ctx)
        })
    }

    /// Closes a run; `raised`: its block threw `error`.
    #[napi]
    pub fn end_run(
        &self,
        env: Env,
        run_id: String,
        raised: bool,
        error: Option<Unknown<'_>>,
    ) -> Result<()> {
        guard(&env, || {
            let facts = match (raised, error) {
                // SAFETY: `error` belongs to `env`, this call's.
                (true, Some(e)) => Some(unsafe { Host::new(env.raw()) }.failure(e.raw()).0),
                (true, None) => Some(tooltrail_core::FailureFacts::default()),
                (false, _) => None,
            };
            let events = self
                .core
                .end_run(&run_id, RunExit::after(facts.as_ref()))
                .js(&env)?;
            self.emit(events);
            Ok(())
        })
    }

    /// Marks one agent step; throws `budget_exceeded` past max_steps.
    #[napi]
    pub fn step(&self, env: Env, run_id: String) -> Result<f64> {
        self.core.step(&run_id).map(|n| n as f64).js(&env)
    }

    /// Adds spend (USD); returns the run's total.
    #[napi]
    pub fn add_spend(&self, env: Env, run_id: String, usd: f64) -> Result<f64> {
        self.core.add_spend(&run_id, usd).js(&env)
    }

    /// Sets the stop reason explicitly (first one wins).
    #[napi]
    pub fn stop_run(&self, env: Env, run_id: String, reason: String) -> Result<()> {
        self.core.stop_run(&run_id, &reason).js(&env)
    }

    /// Window values and alert levels.
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn metrics<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        to_unknown(env, &self.core.metrics())
    }

    /// Re-evaluates alert rules now.
    #[napi]
    pub fn check_alerts(&self) {
        let events = self.core.check_alerts();
        self.emit(events);
    }

    /// Opens an incident window of `minutes` (+ `seconds`) from now; 0
    /// closes it. Returns the closing instant (RFC 3339).
    #[napi]
    pub fn incident_window(
        &self,
        env: Env,
        minutes: Option<Unknown<'_>>,
        seconds: Option<Unknown<'_>>,
    ) -> Result<String> {
        // The core decides what is a length (a string is not, NaN has no
        // JSON form).
        let (minutes, seconds) = (option_arg(&env, minutes)?, option_arg(&env, seconds)?);
        let (until, events) = self.core.incident_window_of(minutes, seconds).js(&env)?;
        self.emit(events);
        Ok(until)
    }

    /// Moves a deterministic gateway's clock forward (tests, replays).
    #[napi]
    pub fn advance_clock(&self, us: f64) {
        self.core.clock().advance_us(us as i64);
    }

    /// Redacts `value` with this gateway's configured rules.
    #[napi(ts_return_type = "unknown")]
    pub fn redact<'e>(&self, env: &'e Env, value: Unknown<'_>) -> Result<Unknown<'e>> {
        let v = to_value(env, &value)?;
        to_unknown(env, &self.core.redactor().redact(&v))
    }
}
