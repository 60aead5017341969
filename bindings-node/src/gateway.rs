//! The native half of `ToolGateway`: convert, call core, map errors. The JS
//! half (`index.js`) runs the tool and settles Promises.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use napi::JsValue;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_core::gateway::{
    CallLink, Deterministic, IdArg, KeyStyle, ModelCall, RunExit, TimeoutUnit, host_timeouts,
};
use tooltrail_core::{CallHandle, Config, Event, EventWriter, Gateway, RunCtx};
use tooltrail_json::{CanonError, ErrorKind, Value};

use crate::calls::Calls;
use crate::convert::{Converter, Fail};
use crate::errors::{ResultExt, guard};
use crate::host::Host;
use crate::writer::JsEventWriter;
use crate::{to_unknown, to_value};

/// Gateway core plus where its events go.
#[napi(js_name = "_NativeGateway")]
pub struct JsGateway {
    shared: Arc<Shared>,
}

/// What the class and the per-call functions (`call_path.rs`) share: the
/// calls reach it through an `External` (see `JsGateway::handle`).
pub struct Shared {
    pub(crate) core: Arc<Gateway>,
    writer: Option<EventWriter>,
    pending: Mutex<Vec<Event>>,
    /// Calls between `begin` and `finish*`, by the id JS holds.
    pub(crate) calls: Mutex<Calls<CallHandle>>,
    /// The tool names, in the order `index.js` numbers them for `begin`.
    pub(crate) tools: Vec<String>,
    /// The context `begin` uses (see `set_ctx`).
    pub(crate) ctx: Mutex<Arc<RunCtx>>,
    /// What the next `begin` knows of its call beyond the run (see
    /// `set_link`); `has_link` spares the usual call the lock.
    link: Mutex<Option<Link>>,
    has_link: AtomicBool,
    /// Also hand alert events to JS (for the `onAlert` callback).
    forward_alerts: bool,
}

impl std::ops::Deref for JsGateway {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
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
/// `unsupported_type` error, never thrown into the tool call (a logging failure never reaches the caller).
/// `v` must belong to the converter's environment, `env`.
pub(crate) fn logged_value(
    c: &Converter,
    env: &Env,
    v: &Unknown<'_>,
) -> std::result::Result<Value, CanonError> {
    match c.value(v.raw()) {
        Ok(v) => Ok(v),
        Err(Fail::Canon(e)) => Err(e),
        Err(Fail::Js(_)) => {
            Host::new(env).take_exception();
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
            let converter = Converter::new(env).js(env)?;
            Ok(Some(logged_value(&converter, env, &v)))
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

#[napi]
impl JsGateway {
    #[napi(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        env: Env,
        tools: Vec<String>,
        config: Option<Unknown<'_>>,
        writer: Option<&JsEventWriter>,
        deterministic_start_us: Option<f64>,
        forward_alerts: Option<bool>,
        timeouts: Option<Unknown<'_>>,
        strict: Option<bool>,
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
        core.set_strict(strict.unwrap_or(false));
        let shared = Shared {
            core: Arc::new(core),
            tools,
            writer: writer.map(|w| w.core().clone()),
            pending: Mutex::new(Vec::new()),
            calls: Mutex::new(Calls::default()),
            ctx: Mutex::new(Arc::new(RunCtx::default())),
            link: Mutex::new(None),
            has_link: AtomicBool::new(false),
            forward_alerts: forward_alerts.unwrap_or(false),
        };
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The handle `index.js` passes to the per-call functions (`_begin`,
    /// `_finishOk`, `_finishErr`, `_callIds`): a method call on this class
    /// looks its Rust half up through a private property of `this`
    /// (`napi_unwrap`), which measured 1,500 instructions a call; an
    /// `External` argument is read directly.
    #[napi(ts_return_type = "unknown")]
    pub fn handle(&self) -> External<Arc<Shared>> {
        External::new(Arc::clone(&self.shared))
    }
}

impl Shared {
    /// The link `set_link` left for this call (consumed), if any.
    pub(crate) fn take_link(&self) -> Option<Link> {
        if !self.has_link.swap(false, Ordering::Relaxed) {
            return None;
        }
        self.link.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(crate) fn lock_calls(&self) -> std::sync::MutexGuard<'_, Calls<CallHandle>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn emit(&self, events: impl IntoIterator<Item = Event>) {
        match &self.writer {
            // Core-built events arrive as finished lines; a full queue is
            // counted by the writer (a logging failure is never raised).
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
}

#[napi]
impl JsGateway {
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
            // Every value converted below belongs to `env`, this call's.
            let converter = Converter::new(&env).js(&env)?;
            // Strings are read as UTF-16 so a lone surrogate is an error, not a
            // silent U+FFFD; other types are the core's to reject.
            let id = |v: Unknown<'_>| -> Result<IdArg> {
                Ok(match v.get_type()? {
                    ValueType::Undefined | ValueType::Null => IdArg::Absent,
                    ValueType::String => IdArg::Text(converter.string(v.raw()).js(&env)?),
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

    /// What the next `begin` knows of its call beyond the run: the
    /// framework's id for it and the call in progress where it is made (run
    /// id, span). `index.js` sets it right before `begin`, only for calls
    /// that have one, and `begin` consumes it.
    #[napi]
    pub fn set_link(
        &self,
        call_id: Option<String>,
        outer_run_id: Option<String>,
        outer_span_id: Option<String>,
        started_us: Option<f64>,
    ) {
        *self.link.lock().unwrap_or_else(|e| e.into_inner()) = Some(Link {
            call_id,
            outer: outer_run_id.zip(outer_span_id),
            started_us: started_us.filter(|us| us.is_finite()).map(|us| us as i64),
        });
        self.has_link.store(true, Ordering::Relaxed);
    }

    /// Adds tool `name` (`wrap` of a function the gateway was not built with).
    #[napi]
    pub fn add_tool(&self, name: String) {
        self.core.add_tool(&name);
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

    /// Opens a run; returns the context its calls use. Inside another run's
    /// scope, `parent` is that run's context and `outer_run_id` /
    /// `outer_span_id` the call in progress, if any.
    #[napi(ts_return_type = "Record<string, string | null>")]
    pub fn start_run<'e>(
        &self,
        env: &'e Env,
        ctx: Option<Unknown<'_>>,
        parent: Option<Unknown<'_>>,
        outer_run_id: Option<String>,
        outer_span_id: Option<String>,
    ) -> Result<Unknown<'e>> {
        guard(env, || {
            let ctx = ctx_from(env, ctx)?;
            let opened = match parent {
                Some(p) if !matches!(p.get_type()?, ValueType::Undefined | ValueType::Null) => {
                    let parent = ctx_from(env, Some(p))?;
                    let outer = outer_run_id.as_deref().zip(outer_span_id.as_deref());
                    self.core.start_run_within(&ctx, &parent, outer)
                }
                _ => self.core.start_run(&ctx),
            };
            let (run_ctx, events) = opened.js(env)?;
            self.emit(events);
            ctx_object(env, &run_ctx)
        })
    }

    /// Opens the run for a call with no ctx and no current run: null when
    /// the ids are optional (no run needed); throws `missing_id` on a strict
    /// gateway; else an implicit run's context (`run_start.implicit`).
    #[napi(ts_return_type = "Record<string, string | null> | null")]
    pub fn implicit_run<'e>(&self, env: &'e Env) -> Result<Option<Unknown<'e>>> {
        guard(env, || {
            let Some((run_ctx, events)) = self.core.implicit_run(&RunCtx::default()).js(env)?
            else {
                return Ok(None);
            };
            self.emit(events);
            ctx_object(env, &run_ctx).map(Some)
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
                // `error` belongs to `env`, this call's.
                (true, Some(e)) => Some(Host::new(&env).failure(e.raw()).0),
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

    /// Before a timed model call: the run's spend, token and duration
    /// budgets (throws `budget_exceeded`); returns the start instant (µs).
    #[napi]
    pub fn model_begin(&self, env: Env, run_id: String) -> Result<f64> {
        self.core.model_begin(&run_id).map(|us| us as f64).js(&env)
    }

    /// Records a model step: `args` are `run.modelCall`'s options (the core
    /// reads and checks them); `started_us` from `modelBegin` times it;
    /// `error` is what a timed call threw (the core classifies it).
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn model_call(
        &self,
        env: Env,
        run_id: String,
        args: Unknown<'_>,
        text: Unknown<'_>,
        ops: Unknown<'_>,
        started_us: Option<f64>,
        raised: bool,
        error: Option<Unknown<'_>>,
    ) -> Result<()> {
        guard(&env, || {
            // Plain options come as a tape (`lib/tape.js`), as a tool
            // call's arguments do: reading them field by field through
            // Node-API was most of a model step's cost. Anything else (a
            // getter, a Proxy, NaN) is read by the converter, which names it.
            let taped = crate::tape::with_tape(&env, text, ops, |tape| {
                let (ops, units) = tape?;
                let args = tooltrail_core::gateway::CallArgs::tape(ops, units).ok()?;
                args.value().ok().map(std::borrow::Cow::into_owned)
            });
            let args = match taped {
                Some(v) => v,
                None => to_value(&env, &args)?,
            };
            let mut call = ModelCall::from_value(&args, KeyStyle::Camel).js(&env)?;
            if raised {
                let facts = match error {
                    // `error` belongs to `env`, this call's.
                    Some(e) => Host::new(&env).failure(e.raw()).0,
                    None => tooltrail_core::FailureFacts::default(),
                };
                call.fail_with(&facts);
            }
            let started = started_us.map(|us| us as i64);
            match self.core.model_call(&run_id, &call, started) {
                Ok(events) => {
                    self.emit(events);
                    Ok(())
                }
                Err((e, events)) => {
                    self.emit(events);
                    Err(e).js(&env)
                }
            }
        })
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

/// The message and code of warning `kind` (naming `detail`) the first time
/// it is asked for in this process, else null (`index.js` emits it).
#[allow(dead_code)]
#[napi(js_name = "_firstWarning")]
pub fn first_warning(env: Env, kind: String, detail: String) -> Result<Option<Vec<String>>> {
    let Some(kind) = tooltrail_core::warnings::Warning::from_name(&kind) else {
        return Err(tooltrail_core::GatewayError::invalid_argument(
            "kind",
            format!("unknown warning {kind:?}"),
        ))
        .js(&env);
    };
    Ok(kind
        .first(&detail)
        .map(|message| vec![message, kind.code().to_owned()]))
}

/// Forgets which warnings were given (tests of the "once per process").
#[allow(dead_code)]
#[napi(js_name = "_resetWarnings")]
pub fn reset_warnings() {
    tooltrail_core::warnings::reset_warnings();
}

/// A call's link, as `set_link` received it ([`CallLink`], owned).
pub(crate) struct Link {
    call_id: Option<String>,
    outer: Option<(String, String)>,
    started_us: Option<i64>,
}

impl Link {
    /// The core's view of it.
    pub(crate) fn as_core(&self) -> CallLink<'_> {
        CallLink {
            call_id: self.call_id.as_deref(),
            outer: self.outer.as_ref().map(|(r, s)| (r.as_str(), s.as_str())),
            started_us: self.started_us,
        }
    }
}
