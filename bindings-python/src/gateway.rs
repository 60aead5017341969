//! `ToolGateway` and `RunCtx`: convert, call core, run the tool, hand the
//! outcome back, map errors. `acall` lives in Python (`tooltrail/__init__.py`)
//! on top of `_begin` / `_finish_ok` / `_finish_err`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::exceptions::{PyConnectionError, PyTimeoutError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use tooltrail_core::gateway::Deterministic;
use tooltrail_core::gateway::RunExit;
use tooltrail_core::{CallHandle, EventWriter, FailureFacts, Gateway, Outcome, RunCtx};

use crate::convert::{to_py, to_value};
use crate::errors::gateway_err;
use crate::writer::PyEventWriter;

/// The ids a tool call runs under.
#[pyclass(name = "RunCtx", module = "tooltrail", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyRunCtx {
    inner: RunCtx,
}

#[pymethods]
impl PyRunCtx {
    #[new]
    #[pyo3(signature = (run_id=None, trace_id=None, user_id=None, request_id=None, *, parent_span_id=None, traceparent=None))]
    fn new(
        run_id: Option<String>,
        trace_id: Option<String>,
        user_id: Option<String>,
        request_id: Option<String>,
        parent_span_id: Option<String>,
        traceparent: Option<&str>,
    ) -> PyResult<Self> {
        let mut inner = RunCtx {
            run_id,
            trace_id,
            user_id,
            request_id,
            parent_span_id,
        };
        if let Some(header) = traceparent {
            apply_traceparent(&mut inner, header)?;
        }
        Ok(Self { inner })
    }

    #[getter]
    fn run_id(&self) -> Option<&str> {
        self.inner.run_id.as_deref()
    }
    #[getter]
    fn trace_id(&self) -> Option<&str> {
        self.inner.trace_id.as_deref()
    }
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.inner.user_id.as_deref()
    }
    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    #[getter]
    fn parent_span_id(&self) -> Option<&str> {
        self.inner.parent_span_id.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "RunCtx(run_id={:?}, trace_id={:?}, user_id={:?}, request_id={:?})",
            self.inner.run_id, self.inner.trace_id, self.inner.user_id, self.inner.request_id
        )
    }
}

fn ctx_from(obj: &Bound<'_, PyAny>) -> PyResult<RunCtx> {
    if let Ok(c) = obj.cast::<PyRunCtx>() {
        return Ok(c.get().inner.clone());
    }
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("ctx must be a RunCtx or a dict"))?;
    let get = |k: &str| -> PyResult<Option<String>> {
        d.get_item(k)?
            .filter(|v| !v.is_none())
            .map(|v| v.extract::<String>())
            .transpose()
    };
    let mut ctx = RunCtx {
        run_id: get("run_id")?,
        trace_id: get("trace_id")?,
        user_id: get("user_id")?,
        request_id: get("request_id")?,
        parent_span_id: get("parent_span_id")?,
    };
    if let Some(header) = get("traceparent")? {
        apply_traceparent(&mut ctx, &header)?;
    }
    Ok(ctx)
}

fn apply_traceparent(ctx: &mut RunCtx, header: &str) -> PyResult<()> {
    if ctx.apply_traceparent(header) {
        Ok(())
    } else {
        Err(pyo3::exceptions::PyValueError::new_err(format!(
            "not a W3C traceparent: {header:?}"
        )))
    }
}

enum Logger {
    Native(EventWriter),
    Host(Py<PyAny>),
}

/// An in-flight call, handed from `_begin` to `_finish_*`.
#[pyclass(name = "_Call", module = "tooltrail")]
pub struct PyCall {
    handle: Option<CallHandle>,
    tool: String,
}

/// Gateway core + the user's tools, validators and logger.
#[pyclass(name = "ToolGateway", module = "tooltrail", subclass, frozen)]
pub struct PyToolGateway {
    core: Arc<Gateway>,
    impls: Py<PyDict>,
    validators: Option<Py<PyDict>>,
    logger: Logger,
    logger_failed: AtomicBool,
    on_alert: Option<Py<PyAny>>,
}

fn failure_facts(py: Python<'_>, e: &PyErr) -> FailureFacts {
    let v = e.value(py);
    let status = ["status_code", "status"]
        .iter()
        .find_map(|a| v.getattr(*a).ok()?.extract::<u16>().ok())
        .or_else(|| {
            v.getattr("response")
                .ok()?
                .getattr("status_code")
                .ok()?
                .extract::<u16>()
                .ok()
        });
    FailureFacts {
        class_name: v
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        timeout: e.is_instance_of::<PyTimeoutError>(py),
        cancelled: false, // CancelledError is recognized by name in the core
        network: e.is_instance_of::<PyConnectionError>(py),
        http_status: status,
        code: v
            .getattr("code")
            .ok()
            .and_then(|c| c.extract::<String>().ok()),
    }
}

impl PyToolGateway {
    fn emit(&self, py: Python<'_>, events: Vec<tooltrail_core::Event>) {
        for event in events {
            self.emit_one(py, event);
        }
    }

    fn emit_one(&self, py: Python<'_>, event: tooltrail_core::Event) {
        if event.name == "alert"
            && let Some(callback) = &self.on_alert
            && let Err(e) = to_py(py, &event.fields()).and_then(|f| callback.call1(py, (f,)))
        {
            eprintln!("tooltrail: on_alert failed: {e}");
        }
        let result = match &self.logger {
            // Core-built events arrive as finished lines; a full queue is
            // counted by the writer.
            Logger::Native(w) => {
                w.write_line(event.into_line());
                Ok(())
            }
            Logger::Host(obj) => to_py(py, &event.fields())
                .and_then(|fields| obj.call_method1(py, "event", (event.name, fields)))
                .map(|_| ())
                .map_err(|e| e.to_string()),
        };
        // Principle 1: a failing logger never breaks the tool call; say so once.
        if let Err(message) = result
            && !self.logger_failed.swap(true, Ordering::Relaxed)
        {
            eprintln!(
                "tooltrail: the logger failed ({message}); further logger failures are not reported"
            );
        }
    }

    fn finish(&self, py: Python<'_>, call: &mut PyCall, outcome: Outcome) {
        if let Some(handle) = call.handle.take() {
            let event = self.core.finish(handle, outcome);
            self.emit(py, event);
        }
    }

    /// Runs the validator; `Some(reason)` when the result is rejected.
    fn validate(&self, py: Python<'_>, tool: &str, result: &Bound<'_, PyAny>) -> Option<String> {
        let validator = self.validators.as_ref()?.bind(py).get_item(tool).ok()??;
        match validator.call1((result,)) {
            Ok(v) if v.is(&*pyo3::types::PyBool::new(py, false)) => {
                Some(tooltrail_core::gateway::VALIDATOR_REJECTED.into())
            }
            Ok(_) => None,
            Err(e) => Some(
                e.value(py)
                    .str()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|_| "validator raised".into()),
            ),
        }
    }
}

#[pymethods]
impl PyToolGateway {
    #[new]
    #[pyo3(signature = (*, impls, logger=None, config=None, validators=None, on_alert=None, _deterministic=None))]
    fn new(
        py: Python<'_>,
        impls: Bound<'_, PyDict>,
        logger: Option<Bound<'_, PyAny>>,
        config: Option<Bound<'_, PyAny>>,
        validators: Option<Bound<'_, PyDict>>,
        on_alert: Option<Bound<'_, PyAny>>,
        _deterministic: Option<i64>,
    ) -> PyResult<Self> {
        let config = crate::config::config_from(py, config)?;
        let hash_key = config
            .hash_key()
            .map_err(|e| crate::errors::config_error(py, e))?;
        let tools: Vec<String> = impls
            .keys()
            .iter()
            .map(|k| k.extract::<String>())
            .collect::<PyResult<_>>()?;
        let logger = match logger {
            None => Logger::Native(
                EventWriter::new(tooltrail_core::WriterConfig::default())
                    .map_err(|e| crate::errors::writer_err(py, e))?,
            ),
            Some(l) => match l.cast::<PyEventWriter>() {
                Ok(w) => Logger::Native(w.get().core().clone()),
                Err(_) => Logger::Host(l.unbind()),
            },
        };
        let deterministic = _deterministic.map(|start_us| Deterministic { start_us });
        Ok(Self {
            core: Arc::new(Gateway::new(config, tools, hash_key, deterministic)),
            impls: impls.unbind(),
            validators: validators.map(Bound::unbind),
            logger,
            logger_failed: AtomicBool::new(false),
            on_alert: on_alert.filter(|c| !c.is_none()).map(Bound::unbind),
        })
    }

    /// Starts a call; returns the in-flight call and the tool's implementation.
    fn _begin<'py>(
        &self,
        py: Python<'py>,
        ctx: &Bound<'py, PyAny>,
        name: &str,
        args: &Bound<'py, PyAny>,
    ) -> PyResult<(PyCall, Bound<'py, PyAny>)> {
        // A RunCtx is borrowed as is; only a dict is converted.
        let run_ctx = ctx.cast::<PyRunCtx>();
        let converted;
        let ctx = match &run_ctx {
            Ok(c) => &c.get().inner,
            Err(_) => {
                converted = ctx_from(ctx)?;
                &converted
            }
        };
        match self.core.begin(ctx, name, to_value(args)) {
            Ok((handle, event)) => {
                self.emit(py, event);
                let tool = self
                    .impls
                    .bind(py)
                    .get_item(name)?
                    .expect("core checked the name");
                Ok((
                    PyCall {
                        handle: Some(handle),
                        tool: name.to_owned(),
                    },
                    tool,
                ))
            }
            Err((error, event)) => {
                self.emit(py, event);
                Err(gateway_err(py, error))
            }
        }
    }

    /// Ends a call that returned `result`; raises ToolValidationError if the
    /// validator rejects it.
    fn _finish_ok(
        &self,
        py: Python<'_>,
        call: &mut PyCall,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let tool = call.tool.clone();
        match self.validate(py, &tool, result) {
            None => {
                // The result is logged only when sampled: skip converting it otherwise.
                let stores = call.handle.as_ref().is_some_and(|h| h.stores_result());
                let value = if stores {
                    to_value(result)
                } else {
                    Ok(tooltrail_core::Value::Null)
                };
                self.finish(py, call, Outcome::Returned(value));
                Ok(())
            }
            Some(message) => {
                self.finish(
                    py,
                    call,
                    Outcome::Invalid {
                        message: message.clone(),
                    },
                );
                Err(gateway_err(
                    py,
                    tooltrail_core::GatewayError::ValidationFailed { tool, message },
                ))
            }
        }
    }

    /// Ends a call whose tool raised `error` (the caller re-raises it).
    fn _finish_err(&self, py: Python<'_>, call: &mut PyCall, error: Bound<'_, PyAny>) {
        let err = PyErr::from_value(error);
        let message = err
            .value(py)
            .str()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let facts = failure_facts(py, &err);
        self.finish(py, call, Outcome::Failed { facts, message });
    }

    /// Calls tool `name` with `args` (a dict becomes keyword arguments, a
    /// list or tuple positional ones), logging `tool_call` and `tool_result`.
    fn call(
        &self,
        py: Python<'_>,
        ctx: &Bound<'_, PyAny>,
        name: &str,
        args: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let (mut call, tool) = self._begin(py, ctx, name, args)?;
        let result = if let Ok(kwargs) = args.cast::<PyDict>() {
            tool.call((), Some(kwargs))
        } else if let Ok(list) = args.cast::<PyList>() {
            tool.call1(list.to_tuple())
        } else if let Ok(tuple) = args.cast::<PyTuple>() {
            tool.call1(tuple.clone())
        } else {
            tool.call1((args,))
        };
        match result {
            Ok(value) => {
                self._finish_ok(py, &mut call, &value)?;
                Ok(value.unbind())
            }
            Err(e) => {
                self._finish_err(py, &mut call, e.value(py).clone().into_any());
                Err(e)
            }
        }
    }

    /// Opens a run; returns the context its calls use.
    #[pyo3(signature = (ctx=None))]
    fn _start_run(&self, py: Python<'_>, ctx: Option<&Bound<'_, PyAny>>) -> PyResult<PyRunCtx> {
        let ctx = match ctx {
            Some(c) if !c.is_none() => ctx_from(c)?,
            _ => RunCtx::default(),
        };
        let (run_ctx, events) = self.core.start_run(&ctx).map_err(|e| gateway_err(py, e))?;
        self.emit(py, events);
        Ok(PyRunCtx { inner: run_ctx })
    }

    /// Closes a run: `exit` is "normal", "raised" or "cancelled".
    fn _end_run(&self, py: Python<'_>, run_id: &str, exit: &str) -> PyResult<()> {
        let exit = match exit {
            "normal" => RunExit::Normal,
            "cancelled" => RunExit::Cancelled,
            _ => RunExit::Raised,
        };
        let events = self
            .core
            .end_run(run_id, exit)
            .map_err(|e| gateway_err(py, e))?;
        self.emit(py, events);
        Ok(())
    }

    fn _step(&self, py: Python<'_>, run_id: &str) -> PyResult<u64> {
        self.core.step(run_id).map_err(|e| gateway_err(py, e))
    }

    fn _add_spend(&self, py: Python<'_>, run_id: &str, usd: f64) -> PyResult<f64> {
        self.core
            .add_spend(run_id, usd)
            .map_err(|e| gateway_err(py, e))
    }

    fn _stop_run(&self, py: Python<'_>, run_id: &str, reason: &str) -> PyResult<()> {
        self.core
            .stop_run(run_id, reason)
            .map_err(|e| gateway_err(py, e))
    }

    /// Window values and alert levels: tool results, runs, p95 tool calls
    /// per run, timeout and validation-failure rates.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.core.metrics())
    }

    /// Re-evaluates alert rules now (windows slide with time alone).
    fn check_alerts(&self, py: Python<'_>) {
        let events = self.core.check_alerts();
        self.emit(py, events);
    }

    /// Moves a deterministic gateway's clock forward (tests and replays).
    fn _advance_clock(&self, us: i64) {
        self.core.clock().advance_us(us);
    }

    /// Redacts `obj` with this gateway's configured rules.
    fn redact<'py>(&self, py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let value = to_value(obj).map_err(|e| crate::errors::canon_err(py, e))?;
        to_py(py, &self.core.redactor().redact(&value))
    }
}
