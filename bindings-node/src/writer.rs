//! `EventWriter` for Node. Exit and signal hooks live in `index.js`; worker
//! teardown is covered by an env cleanup hook registered here.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::{JsDeferred, JsValue};
use napi_derive::napi;
use tooltrail_core::writer::{FLUSH_TIMEOUT, WriterError, WriterOptions, wait_timeout};
use tooltrail_core::{Config, ConfigError, EventWriter};
use tooltrail_json::Value;
use tooltrail_query::KeyCase;

use crate::convert::Converter;
use crate::errors::ResultExt;
use crate::to_value;

/// The binding's own option names (camelCase, milliseconds) fail like the
/// core's settings: `config_error` naming the option.
fn bad<T>(env: &Env, key: &str, message: &str) -> Result<T> {
    Err(ConfigError {
        key: key.to_owned(),
        message: message.to_owned(),
    })
    .js(env)
}

/// JS options (camelCase, durations in milliseconds) → core options.
fn options(env: &Env, raw: Option<Unknown<'_>>) -> Result<WriterOptions> {
    let mut out = WriterOptions::default();
    let Some(raw) = raw else { return Ok(out) };
    if matches!(raw.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(out);
    }
    let Value::Object(members) = to_value(env, &raw)? else {
        return bad(env, "options", "must be an object");
    };
    for (key, value) in members {
        let text = |v: Value| match v {
            Value::String(s) => Ok(s),
            _ => bad(env, &key, "must be a string"),
        };
        let count = |v: &Value| match v {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 => Ok(*n as u64),
            _ => bad(env, &key, "must be a non-negative integer"),
        };
        let millis = |v: &Value| match v {
            Value::Number(n) => Ok(*n / 1000.0),
            _ => bad(env, &key, "must be a number of milliseconds"),
        };
        match key.as_str() {
            "path" => out.path = Some(text(value)?.into()),
            "sink" => out.sink = Some(text(value)?),
            "overflow" => out.overflow = Some(text(value)?),
            "queueEvents" => out.queue_events = Some(count(&value)?),
            "queueBytes" => out.queue_bytes = Some(count(&value)?),
            "batchEvents" => out.batch_events = Some(count(&value)?),
            "batchBytes" => out.batch_bytes = Some(count(&value)?),
            "maxFileBytes" => out.max_file_bytes = Some(count(&value)?),
            "maxFiles" => out.max_files = Some(count(&value)?),
            "runIndex" => match value {
                Value::Bool(b) => out.run_index = Some(b),
                _ => return bad(env, &key, "must be a boolean"),
            },
            "flushInterval" => out.flush_interval_s = Some(millis(&value)?),
            "blockTimeout" => out.block_timeout_s = Some(millis(&value)?),
            "closeTimeout" => out.close_timeout_s = Some(millis(&value)?),
            // A config (YAML path or object) contributes its `sinks` section.
            "config" => out.otlp = Config::load(&value).js(env)?.otlp,
            _ => return bad(env, &key, "unknown option"),
        }
    }
    Ok(out)
}

/// A flush/close timeout in milliseconds, checked by the core like
/// Python's seconds (a bad one throws `config_error` naming `timeoutMs`).
fn wait(env: &Env, timeout_ms: Option<f64>, default: Duration) -> Result<Duration> {
    wait_timeout("timeoutMs", timeout_ms.map(|ms| ms / 1000.0), default).js(env)
}

/// Non-blocking, batched JSONL event writer (see docs/writer.md).
#[napi(js_name = "EventWriter")]
pub struct JsEventWriter {
    inner: EventWriter,
}

/// `value` with every object key spelled camelCase (`write_errors` →
/// `writeErrors`), as Node's API is.
fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (KeyCase::Camel.spell(&k).into_owned(), camel_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

/// How a wait's Promise is settled (a plain function: the outcome is picked
/// on the waiting thread, the value made on the JS thread).
type Settle = fn(Env) -> Result<bool>;

/// Runs `wait` (a flush or close of the core writer) on a thread of its own
/// and settles the returned Promise with its outcome through a threadsafe
/// function. Not an `AsyncTask`: that would hold one of libuv's four pool
/// threads for the whole wait, so four pending flushes on a stalled sink
/// stalled every `fs` call and DNS lookup of the process (issue 13 item 10).
/// The thread only sleeps on the core's answer channel; a pending Promise
/// keeps the event loop alive, as the `AsyncTask` did.
fn settle_off_thread<'e>(
    env: &'e Env,
    wait: impl FnOnce() -> bool + Send + 'static,
) -> Result<Object<'e>> {
    let (deferred, promise) = env.create_deferred::<bool, Settle>()?;
    // The deferred goes to the thread only once it exists: if it cannot be
    // spawned the Promise is rejected here instead of never settling (an
    // unsettled deferred would also keep the event loop alive forever).
    let (hand_over, handed) = std::sync::mpsc::sync_channel::<JsDeferred<bool, Settle>>(1);
    let spawned = std::thread::Builder::new()
        .name("tooltrail-wait".into())
        .stack_size(WAIT_STACK)
        .spawn(move || {
            let Ok(deferred) = handed.recv() else { return };
            let settle: Settle = if wait() { |_| Ok(true) } else { |_| Ok(false) };
            deferred.resolve(settle);
        });
    match spawned {
        Ok(_) => {
            let _ = hand_over.send(deferred);
        }
        Err(e) => deferred.reject(napi::Error::from_reason(format!(
            "tooltrail: cannot start a thread to wait for the writer: {e}"
        ))),
    }
    Ok(promise)
}

/// A waiting thread's stack: it only blocks on a channel.
const WAIT_STACK: usize = 64 * 1024;

impl JsEventWriter {
    /// The core writer (shared with gateways logging to it).
    pub fn core(&self) -> &EventWriter {
        &self.inner
    }
}

#[napi]
impl JsEventWriter {
    /// Opens the sink (an unwritable path throws `writer_error`) and starts
    /// the worker thread.
    #[napi(constructor, ts_args_type = "options?: EventWriterOptions")]
    pub fn new(env: Env, options_raw: Option<Unknown<'_>>) -> Result<Self> {
        let config = match options(&env, options_raw)?.into_config() {
            Ok(config) => config,
            // The core names its option (`max_files`); say it as this
            // caller wrote it (`maxFiles`), as the options' own errors do.
            Err(WriterError::InvalidConfig { key, message }) => {
                return bad(&env, &KeyCase::Camel.spell(key), &message);
            }
            Err(e) => return Err(e).js(&env),
        };
        let inner = EventWriter::new(config).js(&env)?;
        // A Worker's environment tears down without process 'exit' in some
        // paths (worker.terminate()); close there too.
        let on_teardown = inner.clone();
        env.add_env_cleanup_hook(on_teardown, |w| {
            w.close(w.config().close_timeout);
        })?;
        Ok(Self { inner })
    }

    /// Enqueues one event; false if dropped (counted). Throws a
    /// `TooltrailError` if `fields` has no JSON form.
    #[napi(ts_args_type = "name: string, fields?: Record<string, unknown>")]
    pub fn event(&self, env: Env, name: Unknown<'_>, fields: Option<Unknown<'_>>) -> Result<bool> {
        // `name` belongs to `env`, the environment of this call.
        let name = Converter::new(&env)
            .and_then(|c| c.string(name.raw()))
            .js(&env)?;
        let fields = match fields {
            Some(f) if !matches!(f.get_type()?, ValueType::Undefined | ValueType::Null) => {
                to_value(&env, &f)?
            }
            _ => Value::Null,
        };
        self.inner.event(&name, &fields).js(&env)
    }

    /// Blocks until everything accepted so far is written (for exit paths).
    #[napi]
    pub fn flush_sync(&self, env: Env, timeout_ms: Option<f64>) -> Result<bool> {
        Ok(self.inner.flush(wait(&env, timeout_ms, FLUSH_TIMEOUT)?))
    }

    /// Writes what is queued and stops, blocking; idempotent.
    #[napi]
    pub fn close_sync(&self, env: Env, timeout_ms: Option<f64>) -> Result<bool> {
        let timeout = wait(&env, timeout_ms, self.inner.config().close_timeout)?;
        Ok(self.inner.close(timeout))
    }

    /// `flushSync` off the event loop, and off libuv's thread pool.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn flush<'e>(&self, env: &'e Env, timeout_ms: Option<f64>) -> Result<Object<'e>> {
        let timeout = wait(env, timeout_ms, FLUSH_TIMEOUT)?;
        let writer = self.inner.clone();
        settle_off_thread(env, move || writer.flush(timeout))
    }

    /// `closeSync` off the event loop, and off libuv's thread pool.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn close<'e>(&self, env: &'e Env, timeout_ms: Option<f64>) -> Result<Object<'e>> {
        let timeout = wait(env, timeout_ms, self.inner.config().close_timeout)?;
        let writer = self.inner.clone();
        settle_off_thread(env, move || writer.close(timeout))
    }

    /// Whether close was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Counters: accepted, written, dropped by reason, write errors, …
    #[napi]
    pub fn stats<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        crate::to_unknown(env, &camel_keys(self.inner.stats_value()))
    }
}
