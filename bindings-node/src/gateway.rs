//! The native half of `ToolGateway`: convert, call core, map errors. The JS
//! half (`index.js`) runs the tool and settles Promises.

use std::sync::{Arc, Mutex};

use napi::JsValue;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_core::gateway::{Deterministic, RunExit};
use tooltrail_core::{
    CallHandle, Config, Event, EventWriter, FailureFacts, Gateway, GatewayError, Outcome, RunCtx,
    Value,
};

use crate::calls::Calls;
use crate::convert::to_js;
use crate::errors::{config_err, fail_err, gateway_err};
use crate::to_value;
use crate::writer::JsEventWriter;

/// Facts about a failure, gathered by `index.js` from the thrown value.
#[napi(object)]
pub struct JsFailure {
    pub class_name: String,
    pub message: String,
    pub status: Option<f64>,
    pub code: Option<String>,
}

/// Gateway core plus where its events go.
#[napi(js_name = "_NativeGateway")]
pub struct JsGateway {
    core: Arc<Gateway>,
    writer: Option<EventWriter>,
    pending: Mutex<Vec<Event>>,
    /// Calls between `begin` and `finish*`, by the id JS holds.
    calls: Mutex<Calls<CallHandle>>,
    /// Also hand alert events to JS (for the `onAlert` callback).
    forward_alerts: bool,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn config_from(env: &Env, config: Option<Unknown<'_>>) -> Result<Config> {
    let Some(config) = config else {
        return Ok(Config::default());
    };
    match config.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(Config::default()),
        _ => config_from_value(env, &to_value(env, &config)?),
    }
}

/// A configuration from a converted JS value: a YAML path or an object.
pub fn config_from_value(env: &Env, config: &Value) -> Result<Config> {
    let e = env.raw();
    let parsed = match config {
        Value::Null => return Ok(Config::default()),
        Value::String(path) => {
            let yaml = std::fs::read_to_string(path).map_err(|err| {
                let e2 = tooltrail_core::ConfigError {
                    key: "(file)".into(),
                    message: format!("cannot read {path}: {err}"),
                };
                unsafe { config_err(e, &e2) }
            })?;
            Config::from_yaml(&yaml)
        }
        _ => Config::from_value(config),
    };
    parsed.map_err(|err| unsafe { config_err(e, &err) })
}

fn ctx_from(env: &Env, ctx: &Unknown<'_>) -> Result<RunCtx> {
    let ctx = to_value(env, ctx)?;
    if !matches!(ctx, Value::Object(_)) {
        return Err(Error::new(
            Status::InvalidArg,
            "ctx must be an object { run_id, trace_id, … }",
        ));
    }
    let mut c = RunCtx {
        run_id: text(ctx.get("run_id")),
        trace_id: text(ctx.get("trace_id")),
        user_id: text(ctx.get("user_id")),
        request_id: text(ctx.get("request_id")),
        parent_span_id: text(ctx.get("parent_span_id")),
    };
    if let Some(header) = text(ctx.get("traceparent"))
        && !c.apply_traceparent(&header)
    {
        return Err(Error::new(
            Status::InvalidArg,
            format!("not a W3C traceparent: {header:?}"),
        ));
    }
    Ok(c)
}

/// Validates a configuration (path to YAML, or an object) the way
/// `ToolGateway` will; returns it as a plain object.
// Reached only through the #[napi] registration, which test builds omit.
#[allow(dead_code)]
#[napi(js_name = "_checkConfig")]
pub fn check_config(env: Env, config: Unknown<'_>) -> Result<()> {
    config_from(&env, Some(config)).map(|_| ())
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
    ) -> Result<Self> {
        let config = config_from(&env, config)?;
        let hash_key = config
            .hash_key()
            .map_err(|e| unsafe { config_err(env.raw(), &e) })?;
        let deterministic = deterministic_start_us.map(|us| Deterministic {
            start_us: us as i64,
        });
        Ok(Self {
            core: Arc::new(Gateway::new(config, tools, hash_key, deterministic)),
            writer: writer.map(|w| w.core().clone()),
            pending: Mutex::new(Vec::new()),
            calls: Mutex::new(Calls::default()),
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
                        w.write_line(event.line().to_vec());
                        self.pending
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(event);
                    } else {
                        w.write_line(event.into_line());
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

    /// Starts a call: ids, seq, args hash; throws for unknown tools and
    /// missing ids (after logging the refusal). Returns the call's id.
    /// `index.js` passes the ctx's ids one by one (reading them there is far
    /// cheaper than property lookups by name through Node-API).
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn begin(
        &self,
        env: Env,
        name: String,
        args: Unknown<'_>,
        run_id: Unknown<'_>,
        trace_id: Unknown<'_>,
        user_id: Unknown<'_>,
        request_id: Unknown<'_>,
        parent_span_id: Unknown<'_>,
        traceparent: Unknown<'_>,
    ) -> Result<f64> {
        let e = env.raw();
        let converter =
            unsafe { crate::convert::Converter::new(e) }.map_err(|f| unsafe { fail_err(e, f) })?;
        // Non-string ids count as absent; strings are read as UTF-16 so a
        // lone surrogate is an error, not a silent U+FFFD.
        let id = |v: &Unknown<'_>| -> Result<Option<String>> {
            if v.get_type()? != ValueType::String {
                return Ok(None);
            }
            unsafe { converter.string(v.raw()) }
                .map(Some)
                .map_err(|f| unsafe { fail_err(e, f) })
        };
        let mut ctx = RunCtx {
            run_id: id(&run_id)?,
            trace_id: id(&trace_id)?,
            user_id: id(&user_id)?,
            request_id: id(&request_id)?,
            parent_span_id: id(&parent_span_id)?,
        };
        if let Some(header) = id(&traceparent)?
            && !ctx.apply_traceparent(&header)
        {
            return Err(Error::new(
                Status::InvalidArg,
                format!("not a W3C traceparent: {header:?}"),
            ));
        }
        // An unhashable argument never fails the call (principle 1), but a
        // pending JS exception (throwing getter) must propagate.
        let args = unsafe {
            match converter.value(args.raw()) {
                Ok(v) => Ok(v),
                Err(crate::convert::Fail::Canon(e)) => Err(e),
                Err(js @ crate::convert::Fail::Js(_)) => return Err(fail_err(env.raw(), js)),
            }
        };
        match self.core.begin(&ctx, &name, args) {
            Ok((handle, event)) => {
                self.emit(event);
                Ok(self.lock_calls().put(handle))
            }
            Err((error, event)) => {
                self.emit(event);
                Err(unsafe { gateway_err(env.raw(), &error) })
            }
        }
    }

    /// Ends a call that returned `result` (`invalid`: the validator's reason).
    #[napi]
    pub fn finish_ok(
        &self,
        env: Env,
        call: f64,
        result: Unknown<'_>,
        invalid: Option<String>,
    ) -> Result<()> {
        let Some(handle) = self.lock_calls().take(call) else {
            return Ok(());
        };
        let outcome = match invalid {
            Some(message) => Outcome::Invalid { message },
            // The result is logged only when sampled: skip converting it otherwise.
            None if !handle.stores_result() => Outcome::Returned(Ok(Value::Null)),
            None => Outcome::Returned(unsafe {
                let converter = crate::convert::Converter::new(env.raw())
                    .map_err(|f| fail_err(env.raw(), f))?;
                match converter.value(result.raw()) {
                    Ok(v) => Ok(v),
                    Err(crate::convert::Fail::Canon(e)) => Err(e),
                    Err(js @ crate::convert::Fail::Js(_)) => return Err(fail_err(env.raw(), js)),
                }
            }),
        };
        self.emit(self.core.finish(handle, outcome));
        Ok(())
    }

    /// Ends a call whose tool threw or rejected.
    #[napi]
    pub fn finish_err(&self, call: f64, failure: JsFailure) {
        let Some(handle) = self.lock_calls().take(call) else {
            return;
        };
        let facts = FailureFacts {
            class_name: failure.class_name,
            http_status: failure
                .status
                .filter(|s| (100.0..600.0).contains(s))
                .map(|s| s as u16),
            code: failure.code,
            ..FailureFacts::default()
        };
        self.emit(self.core.finish(
            handle,
            Outcome::Failed {
                facts,
                message: failure.message,
            },
        ));
    }

    /// The validation error to throw for `tool`.
    #[napi]
    pub fn validation_error(&self, env: Env, tool: String, message: String) -> Result<()> {
        Err(unsafe { gateway_err(env.raw(), &GatewayError::ValidationFailed { tool, message }) })
    }

    /// Events waiting for a JS logger, as `[name, fields]` pairs.
    #[napi(ts_return_type = "Array<[string, Record<string, unknown>]>")]
    pub fn drain(&self, env: Env) -> Result<Vec<Unknown<'_>>> {
        let events = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        let e = env.raw();
        events
            .iter()
            .map(|ev| unsafe {
                let pair = Value::Array(vec![Value::from(ev.name), ev.fields()]);
                let raw = to_js(e, &pair).map_err(|f| fail_err(e, f))?;
                Ok(Unknown::from_raw_unchecked(e, raw))
            })
            .collect()
    }

    /// Opens a run; returns the context its calls use.
    #[napi(ts_return_type = "Record<string, string | null>")]
    pub fn start_run<'e>(&self, env: &'e Env, ctx: Option<Unknown<'_>>) -> Result<Unknown<'e>> {
        let ctx = match ctx {
            Some(c) if !matches!(c.get_type()?, ValueType::Undefined | ValueType::Null) => {
                ctx_from(env, &c)?
            }
            _ => RunCtx::default(),
        };
        let (run_ctx, events) = self
            .core
            .start_run(&ctx)
            .map_err(|e| unsafe { gateway_err(env.raw(), &e) })?;
        self.emit(events);
        let opt = |v: &Option<String>| v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()));
        let value = Value::object([
            ("run_id", opt(&run_ctx.run_id)),
            ("trace_id", opt(&run_ctx.trace_id)),
            ("user_id", opt(&run_ctx.user_id)),
            ("request_id", opt(&run_ctx.request_id)),
            ("parent_span_id", opt(&run_ctx.parent_span_id)),
        ]);
        let e = env.raw();
        unsafe {
            let raw = to_js(e, &value).map_err(|f| fail_err(e, f))?;
            Ok(Unknown::from_raw_unchecked(e, raw))
        }
    }

    /// Closes a run: `exit` is "normal", "raised" or "cancelled".
    #[napi]
    pub fn end_run(&self, env: Env, run_id: String, exit: String) -> Result<()> {
        let exit = match exit.as_str() {
            "normal" => RunExit::Normal,
            "cancelled" => RunExit::Cancelled,
            _ => RunExit::Raised,
        };
        let events = self
            .core
            .end_run(&run_id, exit)
            .map_err(|e| unsafe { gateway_err(env.raw(), &e) })?;
        self.emit(events);
        Ok(())
    }

    /// Marks one agent step; throws `budget_exceeded` past max_steps.
    #[napi]
    pub fn step(&self, env: Env, run_id: String) -> Result<f64> {
        self.core
            .step(&run_id)
            .map(|n| n as f64)
            .map_err(|e| unsafe { gateway_err(env.raw(), &e) })
    }

    /// Adds spend (USD); returns the run's total.
    #[napi]
    pub fn add_spend(&self, env: Env, run_id: String, usd: f64) -> Result<f64> {
        self.core
            .add_spend(&run_id, usd)
            .map_err(|e| unsafe { gateway_err(env.raw(), &e) })
    }

    /// Sets the stop reason explicitly (first one wins).
    #[napi]
    pub fn stop_run(&self, env: Env, run_id: String, reason: String) -> Result<()> {
        self.core
            .stop_run(&run_id, &reason)
            .map_err(|e| unsafe { gateway_err(env.raw(), &e) })
    }

    /// Window values and alert levels.
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn metrics<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let e = env.raw();
        unsafe {
            let raw = to_js(e, &self.core.metrics()).map_err(|f| fail_err(e, f))?;
            Ok(Unknown::from_raw_unchecked(e, raw))
        }
    }

    /// Re-evaluates alert rules now.
    #[napi]
    pub fn check_alerts(&self) {
        let events = self.core.check_alerts();
        self.emit(events);
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
        let e = env.raw();
        unsafe {
            let raw = to_js(e, &self.core.redactor().redact(&v)).map_err(|f| fail_err(e, f))?;
            Ok(Unknown::from_raw_unchecked(e, raw))
        }
    }
}
