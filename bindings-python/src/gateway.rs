//! `ToolGateway` and `RunCtx`: convert, call core, run the tool, hand the
//! outcome back, map errors. `acall` lives in Python (`tooltrail/__init__.py`)
//! on top of `_begin` / `_finish_ok` / `_finish_err`.

use std::mem::ManuallyDrop;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple};
use tooltrail_core::gateway::{
    CallArgs, CallLink, Deterministic, KeyStyle, ModelCall, RunExit, TimeoutUnit, Validation,
    host_timeouts,
};
use tooltrail_core::warnings::Warning;
use tooltrail_core::{CallHandle, Config, EventWriter, Gateway, Outcome, RunCtx, failed_result};

use crate::convert::{Plain, borrow_str, to_py, to_value};
use crate::ctx::{CtxMemo, PyRunCtx, ctx_from};
use crate::errors::{ResultExt, guard};
use crate::host::{failure_facts, result_facts};
use crate::writer::PyEventWriter;

enum Logger {
    // ManuallyDrop: see `Drop for PyToolGateway`.
    Native(ManuallyDrop<EventWriter>),
    Host(Py<PyAny>),
}

/// An optional argument the core checks itself (`timeouts`, a window's
/// length): `None` when absent or `None`, else what the converter made of
/// it, a value or the reason it has none.
fn option_arg(
    v: Option<Bound<'_, PyAny>>,
) -> Option<Result<tooltrail_json::Value, tooltrail_json::CanonError>> {
    v.filter(|v| !v.is_none()).map(|v| to_value(&v))
}

/// An in-flight call, handed from `_begin` to `_finish_*`.
#[pyclass(name = "_Call", module = "tooltrail")]
pub struct PyCall {
    handle: Option<CallHandle>,
    /// The handle's, kept after it finished (no copy per call).
    tool: Arc<str>,
}

#[pymethods]
impl PyCall {
    /// The call's span id (None once it finished).
    #[getter]
    fn span_id(&self) -> Option<&str> {
        self.handle.as_ref().map(CallHandle::span_id)
    }

    /// The call's `seq` in its run (None once it finished).
    #[getter]
    fn seq(&self) -> Option<u64> {
        self.handle.as_ref().map(CallHandle::seq)
    }

    /// The tool's name.
    #[getter]
    fn tool(&self) -> &str {
        &self.tool
    }
}

/// A tool call's arguments as JSON text, exactly as the model sent them: a
/// framework adapter passes this instead of the parsed value so that the
/// core parses and hashes them (one parser for both languages: an integer
/// beyond 2^53 is the same `args_error` in Python and Node, not an exact
/// hash here and a rounded one there).
#[pyclass(name = "JsonArgs", module = "tooltrail", frozen)]
pub struct PyJsonArgs {
    text: Py<PyString>,
}

#[pymethods]
impl PyJsonArgs {
    #[new]
    fn new(text: Bound<'_, PyString>) -> Self {
        Self {
            text: text.unbind(),
        }
    }

    /// The text.
    #[getter]
    fn text(&self, py: Python<'_>) -> Py<PyString> {
        self.text.clone_ref(py)
    }
}

/// Gateway core + the user's tools, validators and logger.
#[pyclass(name = "ToolGateway", module = "tooltrail", subclass, frozen)]
pub struct PyToolGateway {
    core: Arc<Gateway>,
    impls: Py<PyDict>,
    validators: Option<Py<PyDict>>,
    logger: Logger,
    on_alert: Option<Py<PyAny>>,
    /// The last dict context converted (see `CtxMemo`).
    ctx_memo: CtxMemo,
}

impl Drop for PyToolGateway {
    fn drop(&mut self) {
        // The gateway may hold the writer's last handle.
        if let Logger::Native(w) = &mut self.logger {
            // SAFETY: taken once, here; the logger is never used again.
            crate::writer::drop_without_gil(unsafe { ManuallyDrop::take(w) });
        }
    }
}

impl PyToolGateway {
    fn emit(&self, py: Python<'_>, events: impl IntoIterator<Item = tooltrail_core::Event>) {
        for event in events {
            self.emit_one(py, event);
        }
    }

    fn emit_one(&self, py: Python<'_>, event: tooltrail_core::Event) {
        if event.name == "alert"
            && let Some(callback) = &self.on_alert
            && let Err(e) = to_py(py, &event.fields()).and_then(|f| callback.call1(py, (f,)))
        {
            warn_once(py, Warning::AlertCallbackFailed, &e.to_string());
        }
        let result = match &self.logger {
            // Core-built events arrive as finished lines; a full queue is
            // counted by the writer.
            Logger::Native(w) => {
                event.write_to(w);
                Ok(())
            }
            Logger::Host(obj) => to_py(py, &event.fields())
                .and_then(|fields| obj.call_method1(py, "event", (event.name, fields)))
                .map(|_| ())
                .map_err(|e| e.to_string()),
        };
        // A failing logger never breaks the tool call; said once per process.
        if let Err(message) = result {
            warn_once(py, Warning::LoggerFailed, &message);
        }
    }

    /// Runs the validator on a returned value.
    fn validate(&self, py: Python<'_>, tool: &str, result: &Bound<'_, PyAny>) -> Validation {
        let Some(validator) = self
            .validators
            .as_ref()
            .and_then(|v| v.bind(py).get_item(tool).ok().flatten())
        else {
            return Validation::Passed;
        };
        match validator.call1((result,)) {
            Ok(v) if v.is(&*PyBool::new(py, false)) => Validation::ReturnedFalse,
            Ok(_) => Validation::Passed,
            Err(e) => Validation::Raised(
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
    #[pyo3(signature = (*, impls, logger=None, config=None, validators=None, on_alert=None, _deterministic=None, timeouts=None, strict=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        impls: Bound<'_, PyDict>,
        logger: Option<Bound<'_, PyAny>>,
        config: Option<Bound<'_, PyAny>>,
        validators: Option<Bound<'_, PyDict>>,
        on_alert: Option<Bound<'_, PyAny>>,
        _deterministic: Option<i64>,
        timeouts: Option<Bound<'_, PyAny>>,
        strict: bool,
    ) -> PyResult<Self> {
        let config: Config = crate::config::config_from(config)?;
        // Snapshots: a later change to the caller's dicts cannot make the
        // core's tool list and the implementations disagree.
        let impls = impls.copy()?;
        let validators = validators.map(|v| v.copy()).transpose()?;
        // A value that cannot be called fails here, not at the first call
        // (as in Node; both name the entry).
        for (what, dict) in [("impls", Some(&impls)), ("validators", validators.as_ref())] {
            for (name, f) in dict.into_iter().flat_map(|d| d.iter()) {
                if !f.is_callable() {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                        "{what}.{name} must be callable, not {}",
                        f.get_type().name()?
                    )));
                }
            }
        }
        if let Some(f) = on_alert
            .as_ref()
            .filter(|f| !f.is_none() && !f.is_callable())
        {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "on_alert must be callable, not {}",
                f.get_type().name()?
            )));
        }
        let tools: Vec<String> = impls
            .keys()
            .iter()
            .map(|k| k.extract::<String>())
            .collect::<PyResult<_>>()?;
        let logger = match logger {
            None => Logger::Native(ManuallyDrop::new(
                EventWriter::new(tooltrail_core::WriterConfig::default()).py()?,
            )),
            Some(l) => match l.cast::<PyEventWriter>() {
                Ok(w) => Logger::Native(ManuallyDrop::new(w.get().core().clone())),
                Err(_) => Logger::Host(l.unbind()),
            },
        };
        let deterministic = _deterministic.map(|start_us| Deterministic { start_us });
        let mut core = Gateway::from_config(config, tools, deterministic).py()?;
        // Seconds, as `acall` takes them; the core checks them and marks a
        // call that returns late.
        core.set_timeouts(host_timeouts(option_arg(timeouts), TimeoutUnit::Seconds).py()?);
        core.set_strict(strict);
        Ok(Self {
            core: Arc::new(core),
            impls: impls.unbind(),
            validators: validators.map(Bound::unbind),
            logger,
            on_alert: on_alert.filter(|c| !c.is_none()).map(Bound::unbind),
            ctx_memo: CtxMemo::default(),
        })
    }

    /// Starts a call; returns the in-flight call and the tool's implementation.
    #[pyo3(signature = (ctx, name, args, call_id=None, outer=None, started_us=None))]
    #[allow(clippy::too_many_arguments)]
    fn _begin<'py>(
        &self,
        py: Python<'py>,
        ctx: &Bound<'py, PyAny>,
        name: &Bound<'py, PyString>,
        args: &Bound<'py, PyAny>,
        call_id: Option<&str>,
        outer: Option<(String, String)>,
        started_us: Option<i64>,
    ) -> PyResult<(PyCall, Bound<'py, PyAny>)> {
        // The str object itself keys the tool lookup (its hash is cached).
        let name_obj = name;
        let name = &*borrow_str(name)?;
        guard(|| {
            // A RunCtx is borrowed as is; a dict goes through the memo.
            let run_ctx = ctx.cast::<PyRunCtx>();
            let converted;
            let ctx = match &run_ctx {
                Ok(c) => &c.get().inner,
                Err(_) => {
                    converted = self.ctx_memo.get(ctx)?;
                    &*converted
                }
            };
            // The model's arguments as it sent them (a framework adapter's
            // `JsonArgs`): parsed and hashed by the core, as in Node.
            let text;
            let call_args = match args.cast::<PyJsonArgs>() {
                Ok(json) => {
                    text = crate::convert::to_string(json.get().text.bind(py));
                    match &text {
                        Ok(t) => {
                            CallArgs::json(t.as_str()).unwrap_or_else(|e| CallArgs::Value(Err(e)))
                        }
                        Err(e) => CallArgs::Value(Err(e.clone())),
                    }
                }
                Err(_) => CallArgs::Host(&Plain(args)),
            };
            let link = CallLink {
                call_id,
                outer: outer.as_ref().map(|(r, s)| (r.as_str(), s.as_str())),
                started_us,
            };
            match self.core.begin_linked(ctx, name, call_args, link) {
                Ok((handle, event)) => {
                    self.emit(py, event);
                    let impls = self.impls.bind(py);
                    // A str subclass may hash differently: then by value.
                    let tool = match impls.get_item(name_obj)? {
                        Some(tool) => tool,
                        None => impls.get_item(name)?.expect("core checked the name"),
                    };
                    Ok((
                        PyCall {
                            tool: handle.tool().clone(),
                            handle: Some(handle),
                        },
                        tool,
                    ))
                }
                Err((error, event)) => {
                    self.emit(py, event);
                    Err(error).py()
                }
            }
        })
    }

    /// Ends a call that returned `result`; raises ToolValidationError if the
    /// validator rejects it.
    fn _finish_ok(
        &self,
        py: Python<'_>,
        call: &mut PyCall,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(|| {
            let Some(handle) = call.handle.take() else {
                return Ok(());
            };
            let validation = self.validate(py, &call.tool, result);
            let (events, outcome) = self
                .core
                .finish_returned(handle, validation, || to_value(result));
            self.emit(py, events);
            outcome.py()
        })
    }

    /// Ends a call whose tool (a framework's, through an adapter) returned
    /// `result`: an error result (the core's rule: an error flag, an HTTP
    /// status from 400) is logged as a failure and True returned; anything
    /// else as `_finish_ok`. The caller gets `result` either way.
    fn _finish_checked(
        &self,
        py: Python<'_>,
        call: &mut PyCall,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        match failed_result(&result_facts(result)) {
            Some((facts, message)) => {
                if let Some(handle) = call.handle.take() {
                    let events = self.core.finish(handle, Outcome::Failed { facts, message });
                    self.emit(py, events);
                }
                Ok(true)
            }
            None => self._finish_ok(py, call, result).map(|()| false),
        }
    }

    /// Opens the run for a call with no ctx and no current run: None when
    /// the ids are optional (no run needed); `missing_id` on a strict
    /// gateway; else an implicit run's context (`run_start.implicit`).
    fn _implicit_run(&self, py: Python<'_>) -> PyResult<Option<PyRunCtx>> {
        guard(|| {
            let Some((run_ctx, events)) = self.core.implicit_run(&RunCtx::default()).py()? else {
                return Ok(None);
            };
            self.emit(py, events);
            Ok(Some(PyRunCtx { inner: run_ctx }))
        })
    }

    /// Whether the gateway refuses calls with no run and no ctx.
    #[getter]
    fn strict(&self) -> bool {
        self.core.is_strict()
    }

    /// Ends a call whose tool raised `error` (the caller re-raises it).
    fn _finish_err(&self, py: Python<'_>, call: &mut PyCall, error: Bound<'_, PyAny>) {
        let Some(handle) = call.handle.take() else {
            return;
        };
        let message = error.str().map(|s| s.to_string()).unwrap_or_default();
        let facts = failure_facts(&error);
        let events = self.core.finish(handle, Outcome::Failed { facts, message });
        self.emit(py, events);
    }

    /// Calls tool `name` with `args` (a dict becomes keyword arguments, a
    /// list or tuple positional ones), logging `tool_call` and `tool_result`.
    fn call(
        slf: &Bound<'_, Self>,
        py: Python<'_>,
        ctx: &Bound<'_, PyAny>,
        name: &Bound<'_, PyString>,
        args: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        if ctx.is_none() {
            // No ctx: the current run's (`tooltrail/_ambient.py`).
            return py
                .import("tooltrail._ambient")?
                .call_method1("ambient_call", (slf, name, args))
                .map(Bound::unbind);
        }
        let this = slf.get();
        let (mut call, tool) = this._begin(py, ctx, name, args, None, None, None)?;
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
            Ok(value) if is_generator(py, &value) => {
                // Logged when it ends (`tooltrail/_ambient.py`).
                let call = Bound::new(py, call)?;
                py.import("tooltrail._ambient")?
                    .call_method1("follow_call", (slf, call, ctx, value))
                    .map(Bound::unbind)
            }
            Ok(value) => {
                this._finish_ok(py, &mut call, &value)?;
                Ok(value.unbind())
            }
            Err(e) => {
                this._finish_err(py, &mut call, e.value(py).clone().into_any());
                Err(e)
            }
        }
    }

    /// Adds tool `name` run by `tool` (the wrappers' registration; a known
    /// name keeps its implementation).
    fn _add_tool(&self, py: Python<'_>, name: &str, tool: &Bound<'_, PyAny>) -> PyResult<()> {
        let impls = self.impls.bind(py);
        if !impls.contains(name)? {
            impls.set_item(name, tool)?;
        }
        self.core.add_tool(name);
        Ok(())
    }

    /// Opens a run; returns the context its calls use.
    /// Opens a run; inside another run's scope, `parent` is that run's
    /// context and `outer` the call in progress (run id, span), if any.
    #[pyo3(signature = (ctx=None, parent=None, outer=None))]
    fn _start_run(
        &self,
        py: Python<'_>,
        ctx: Option<&Bound<'_, PyAny>>,
        parent: Option<PyRef<'_, PyRunCtx>>,
        outer: Option<(String, String)>,
    ) -> PyResult<PyRunCtx> {
        guard(|| {
            let ctx = match ctx {
                Some(c) if !c.is_none() => ctx_from(c)?,
                _ => RunCtx::default(),
            };
            let opened = match &parent {
                Some(p) => {
                    let outer = outer.as_ref().map(|(r, s)| (r.as_str(), s.as_str()));
                    self.core.start_run_within(&ctx, &p.inner, outer)
                }
                None => self.core.start_run(&ctx),
            };
            let (run_ctx, events) = opened.py()?;
            self.emit(py, events);
            Ok(PyRunCtx { inner: run_ctx })
        })
    }

    /// Closes a run whose block raised `error` (None: it did not).
    #[pyo3(signature = (run_id, error=None))]
    fn _end_run(
        &self,
        py: Python<'_>,
        run_id: &str,
        error: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(|| {
            let facts = error.filter(|e| !e.is_none()).map(failure_facts);
            let events = self
                .core
                .end_run(run_id, RunExit::after(facts.as_ref()))
                .py()?;
            self.emit(py, events);
            Ok(())
        })
    }

    fn _step(&self, run_id: &str) -> PyResult<u64> {
        self.core.step(run_id).py()
    }

    fn _add_spend(&self, run_id: &str, usd: f64) -> PyResult<f64> {
        self.core.add_spend(run_id, usd).py()
    }

    /// Before a timed model call: the run's spend, token and duration
    /// budgets (raises BudgetExceededError); returns the start instant.
    fn _model_begin(&self, run_id: &str) -> PyResult<i64> {
        self.core.model_begin(run_id).py()
    }

    /// Records a model step: `args` are `run.model_call`'s arguments (the
    /// core reads and checks them); `started_us` from `_model_begin` times
    /// it; `error` is what a timed call raised (the core classifies it).
    #[pyo3(signature = (run_id, args, started_us=None, error=None))]
    fn _model_call(
        &self,
        py: Python<'_>,
        run_id: &str,
        args: &Bound<'_, PyAny>,
        started_us: Option<i64>,
        error: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(|| {
            let args = to_value(args).py()?;
            let mut call = ModelCall::from_value(&args, KeyStyle::Snake).py()?;
            if let Some(e) = error.filter(|e| !e.is_none()) {
                call.fail_with(&failure_facts(e));
            }
            match self.core.model_call(run_id, &call, started_us) {
                Ok(events) => {
                    self.emit(py, events);
                    Ok(())
                }
                Err((e, events)) => {
                    self.emit(py, events);
                    Err(e).py()
                }
            }
        })
    }

    fn _stop_run(&self, run_id: &str, reason: &str) -> PyResult<()> {
        self.core.stop_run(run_id, reason).py()
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

    /// Opens an incident window of `minutes` (+ `seconds`) from now: calls
    /// store their args, redacted, until then (0 closes it now). Returns the
    /// closing instant (RFC 3339).
    #[pyo3(signature = (minutes=None, *, seconds=None))]
    fn incident_window(
        &self,
        py: Python<'_>,
        minutes: Option<Bound<'_, PyAny>>,
        seconds: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        // The core decides what is a length (a bool or a string is not).
        let (minutes, seconds) = (option_arg(minutes), option_arg(seconds));
        let (until, events) = self.core.incident_window_of(minutes, seconds).py()?;
        self.emit(py, events);
        Ok(until)
    }

    /// Moves a deterministic gateway's clock forward (tests and replays).
    fn _advance_clock(&self, us: i64) {
        self.core.clock().advance_us(us);
    }

    /// Redacts `obj` with this gateway's configured rules.
    fn redact<'py>(&self, py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let value = to_value(obj).py()?;
        to_py(py, &self.core.redactor().redact(&value))
    }
}

/// Gives warning `kind` (naming `detail`) through `tooltrail._ambient.warn`,
/// the first time in the process only. A warning that cannot be given (a
/// filter that turns it into an error) is dropped: it never reaches the call.
pub(crate) fn warn_once(py: Python<'_>, kind: Warning, detail: &str) {
    let Some(message) = kind.first(detail) else {
        return;
    };
    let given = py
        .import("tooltrail._ambient")
        .and_then(|m| m.call_method1("warn", (message.as_str(),)));
    if given.is_err() {
        eprintln!("{message}");
    }
}

/// The message of warning `kind` (naming `detail`) the first time it is
/// asked for in this process, else None (the Python layer's warnings).
#[pyfunction]
pub(crate) fn _first_warning(kind: &str, detail: &str) -> PyResult<Option<String>> {
    let kind = Warning::from_name(kind).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!("unknown warning {kind:?}"))
    })?;
    Ok(kind.first(detail))
}

/// Forgets which warnings were given (tests of the "once per process").
#[pyfunction]
pub(crate) fn _reset_warnings() {
    tooltrail_core::warnings::reset_warnings();
}

static GENERATOR_TYPES: pyo3::sync::PyOnceLock<(Py<PyAny>, Py<PyAny>)> =
    pyo3::sync::PyOnceLock::new();

/// Whether `value` is a generator or an async generator (a streamed result,
/// logged when it ends): a type identity check, no lookup per call.
fn is_generator(py: Python<'_>, value: &Bound<'_, PyAny>) -> bool {
    let Ok((sync, asynchronous)) = GENERATOR_TYPES.get_or_try_init(py, || {
        let types = py.import("types")?;
        PyResult::Ok((
            types.getattr("GeneratorType")?.unbind(),
            types.getattr("AsyncGeneratorType")?.unbind(),
        ))
    }) else {
        return false;
    };
    let ty = value.get_type();
    ty.is(sync.bind(py)) || ty.is(asynchronous.bind(py))
}
