//! `RunCtx` and the `ctx` argument: a `RunCtx` or a dict of ids, turned
//! into the core's context by the core's rules (`RunCtx::from_args`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tooltrail_core::RunCtx;
use tooltrail_core::gateway::{CTX_KEYS, IdArg};

use crate::convert::to_string;
use crate::errors::ResultExt;

/// The ids a tool call runs under.
#[pyclass(name = "RunCtx", module = "tooltrail", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyRunCtx {
    pub(crate) inner: RunCtx,
}

/// One context entry as the core wants it: absent, a string, or a wrong type.
fn id_arg(v: Option<&Bound<'_, PyAny>>) -> PyResult<IdArg> {
    Ok(match v {
        None => IdArg::Absent,
        Some(v) if v.is_none() => IdArg::Absent,
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => IdArg::Text(to_string(s).py()?),
            Err(_) => IdArg::Wrong(v.get_type().name()?.to_string()),
        },
    })
}

#[pymethods]
impl PyRunCtx {
    #[new]
    #[pyo3(signature = (run_id=None, trace_id=None, user_id=None, request_id=None, *, parent_span_id=None, traceparent=None, agent_id=None))]
    fn new(
        run_id: Option<&Bound<'_, PyAny>>,
        trace_id: Option<&Bound<'_, PyAny>>,
        user_id: Option<&Bound<'_, PyAny>>,
        request_id: Option<&Bound<'_, PyAny>>,
        parent_span_id: Option<&Bound<'_, PyAny>>,
        traceparent: Option<&Bound<'_, PyAny>>,
        agent_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let args = [
            id_arg(run_id)?,
            id_arg(trace_id)?,
            id_arg(user_id)?,
            id_arg(request_id)?,
            id_arg(parent_span_id)?,
            id_arg(traceparent)?,
            id_arg(agent_id)?,
        ];
        Ok(Self {
            inner: RunCtx::from_args(args).py()?,
        })
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
    #[getter]
    fn agent_id(&self) -> Option<&str> {
        self.inner.agent_id.as_deref()
    }

    /// The W3C `traceparent` header for outgoing calls under this context;
    /// None unless its trace and parent span ids are W3C ids.
    fn traceparent(&self) -> Option<String> {
        self.inner.traceparent()
    }

    fn __repr__(&self) -> String {
        let agent = match &self.inner.agent_id {
            Some(a) => format!(", agent_id={a:?}"),
            None => String::new(),
        };
        format!(
            "RunCtx(run_id={:?}, trace_id={:?}, user_id={:?}, request_id={:?}{agent})",
            self.inner.run_id, self.inner.trace_id, self.inner.user_id, self.inner.request_id
        )
    }
}

/// A `RunCtx` or a dict of ids, by the core's rules.
pub fn ctx_from(obj: &Bound<'_, PyAny>) -> PyResult<RunCtx> {
    if let Ok(c) = obj.cast::<PyRunCtx>() {
        return Ok(c.get().inner.clone());
    }
    context(&id_objects(obj)?)
}

/// The id objects of a dict context, in `CTX_KEYS` order (looked up by
/// interned keys); anything but a dict is refused.
fn id_objects<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
    let Ok(d) = obj.cast::<PyDict>() else {
        return Err(RunCtx::not_a_context()).py();
    };
    let py = obj.py();
    ctx_keys(py)
        .iter()
        .map(|key| d.get_item(key.bind(py)))
        .collect()
}

/// The core's context of those id objects, by its rules.
fn context(ids: &[Option<Bound<'_, PyAny>>]) -> PyResult<RunCtx> {
    let mut args = CTX_KEYS.map(|_| IdArg::Absent);
    for (arg, id) in args.iter_mut().zip(ids) {
        *arg = id_arg(id.as_ref())?;
    }
    RunCtx::from_args(args).py()
}

/// The last dict context a gateway converted, with the id objects it held.
///
/// A run's calls pass the same id strings again and again; when every id is
/// the very object seen last time (strings are immutable, and the memo holds
/// them so none can be freed and its address reused), the converted context
/// is reused instead of copying and checking six strings per call.
#[derive(Default)]
pub struct CtxMemo(std::sync::Mutex<Option<Memo>>);

/// The id objects of a dict context (by `CTX_KEYS`) and what they made.
struct Memo {
    ids: Vec<Option<Py<PyAny>>>,
    ctx: std::sync::Arc<RunCtx>,
}

impl CtxMemo {
    /// The context of a dict of ids (anything else is refused as by `ctx_from`).
    pub fn get(&self, obj: &Bound<'_, PyAny>) -> PyResult<std::sync::Arc<RunCtx>> {
        let ids = id_objects(obj)?;
        let mut memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Memo { ids: seen, ctx }) = memo.as_ref()
            && seen.iter().zip(&ids).all(|(a, b)| match (a, b) {
                (None, None) => true,
                (Some(a), Some(b)) => a.is(b),
                _ => false,
            })
        {
            return Ok(ctx.clone());
        }
        let ctx = std::sync::Arc::new(context(&ids)?);
        *memo = Some(Memo {
            ids: ids.into_iter().map(|id| id.map(Bound::unbind)).collect(),
            ctx: ctx.clone(),
        });
        Ok(ctx)
    }
}

/// `CTX_KEYS` as interned Python strings (their hashes are cached, so a dict
/// lookup by them costs no string building or hashing).
fn ctx_keys(py: Python<'_>) -> &'static [Py<PyString>] {
    static KEYS: pyo3::sync::PyOnceLock<Vec<Py<PyString>>> = pyo3::sync::PyOnceLock::new();
    KEYS.get_or_init(py, || {
        CTX_KEYS
            .iter()
            .map(|k| PyString::intern(py, k).unbind())
            .collect()
    })
}
