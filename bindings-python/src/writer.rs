//! `tooltrail.EventWriter`: the core writer behind a Python class.
//! Exit, fork and signal hooks are registered by `tooltrail/_lifecycle.py`.

use std::mem::ManuallyDrop;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tooltrail_core::EventWriter;
use tooltrail_core::writer::{FLUSH_TIMEOUT, WriterOptions, wait_timeout};
use tooltrail_json::Value;

use crate::convert::{to_string, to_value};
use crate::errors::ResultExt;

/// Non-blocking, batched JSONL event writer (see docs/writer.md).
#[pyclass(name = "EventWriter", module = "tooltrail", frozen, weakref, subclass)]
pub struct PyEventWriter {
    // ManuallyDrop: the last handle's drop may wait for the worker (up to
    // close_timeout on a stalled sink), which `Drop` below does without the GIL.
    inner: ManuallyDrop<EventWriter>,
}

/// The exporter's counters as a dict (`stats()["otlp"]`).
impl Drop for PyEventWriter {
    fn drop(&mut self) {
        // SAFETY: `inner` is taken once, here, and never used again.
        drop_without_gil(unsafe { ManuallyDrop::take(&mut self.inner) });
    }
}

/// Drops a writer handle. If it is the last one of an open writer, the drop
/// closes it and waits for its worker (up to close_timeout on a stalled
/// sink): other Python threads run meanwhile, and the wait is counted before
/// the GIL is released, so an exit path waits for it.
pub(crate) fn drop_without_gil(writer: EventWriter) {
    if writer.is_closed() {
        return; // nothing to wait for (the exit hooks closed it)
    }
    let closing = tooltrail_core::writer::ClosingOnDrop::begin();
    Python::attach(|py| py.detach(move || drop((writer, closing))));
}

impl PyEventWriter {
    /// The core writer (shared with gateways using this writer as logger).
    pub fn core(&self) -> &EventWriter {
        &self.inner
    }
}

#[pymethods]
impl PyEventWriter {
    #[new]
    #[pyo3(signature = (path=None, *, sink=None, queue_events=None, queue_bytes=None,
        batch_events=None, batch_bytes=None, flush_interval=None, overflow=None,
        block_timeout=None, close_timeout=None, max_file_bytes=None, max_files=None, run_index=None,
        config=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        path: Option<Bound<'_, PyAny>>,
        sink: Option<String>,
        queue_events: Option<u64>,
        queue_bytes: Option<u64>,
        batch_events: Option<u64>,
        batch_bytes: Option<u64>,
        flush_interval: Option<f64>,
        overflow: Option<String>,
        block_timeout: Option<f64>,
        close_timeout: Option<f64>,
        max_file_bytes: Option<u64>,
        max_files: Option<u64>,
        run_index: Option<bool>,
        config: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        // `config` (a path, dict or Config) contributes its `sinks` section.
        let otlp = crate::config::config_from(config)?.otlp;
        let path = path.filter(|p| !p.is_none());
        let options = WriterOptions {
            path: path.map(|p| crate::convert::path_arg(&p)).transpose()?,
            sink,
            queue_events,
            queue_bytes,
            batch_events,
            batch_bytes,
            flush_interval_s: flush_interval,
            overflow,
            block_timeout_s: block_timeout,
            close_timeout_s: close_timeout,
            max_file_bytes,
            max_files,
            run_index,
            otlp,
        };
        let config = options.into_config().py()?;
        let inner = py.detach(|| EventWriter::new(config)).py()?;
        Ok(Self {
            inner: ManuallyDrop::new(inner),
        })
    }

    /// Enqueues one event; returns False if it was dropped (counted).
    /// Raises CanonicalError if `fields` has no JSON form.
    #[pyo3(signature = (name, fields=None))]
    fn event(
        &self,
        name: &Bound<'_, PyString>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<bool> {
        let name = to_string(name).py()?;
        let fields = match fields {
            Some(f) => to_value(f.as_any()).py()?,
            None => Value::Null,
        };
        self.inner.event(&name, &fields).py()
    }

    /// Waits until everything accepted so far is written; False on timeout
    /// or if events were lost since the previous flush. `export=False`
    /// waits for the local sink only (the before-fork hook).
    #[pyo3(signature = (timeout=None, *, export=true))]
    fn flush(&self, py: Python<'_>, timeout: Option<f64>, export: bool) -> PyResult<bool> {
        let timeout = wait_timeout("timeout", timeout, FLUSH_TIMEOUT).py()?;
        let inner = self.inner.clone();
        Ok(py.detach(move || {
            if export {
                inner.flush(timeout)
            } else {
                inner.flush_local(timeout)
            }
        }))
    }

    /// Writes what is queued and stops; idempotent. Timeout defaults to the
    /// writer's `close_timeout`.
    #[pyo3(signature = (timeout=None))]
    fn close(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<bool> {
        let timeout = wait_timeout("timeout", timeout, self.inner.config().close_timeout).py()?;
        let inner = self.inner.clone();
        Ok(py.detach(move || inner.close(timeout)))
    }

    /// Whether close() was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Counters: accepted, written, dropped (by reason), write_errors, ….
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.inner.stats_value())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.close(py, None)?;
        Ok(false)
    }
}

/// Waits (GIL released, up to `timeout` seconds) for writers another thread
/// is closing by dropping them; the exit hooks call it before the process ends.
#[pyfunction]
pub fn _wait_for_dropped(py: Python<'_>, timeout: f64) -> bool {
    let timeout = std::time::Duration::try_from_secs_f64(timeout).unwrap_or_default();
    py.detach(|| tooltrail_core::writer::wait_for_dropped(timeout))
}
