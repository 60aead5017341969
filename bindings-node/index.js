// tooltrail for Node.js: re-exports the native addon (built from source by
// `npm install` → scripts/build-node.js) and installs the writer's exit hooks.
// All logic is in the Rust core; this file only wires the process lifecycle.
'use strict'

const native = require('./lib/native')
// The per-call functions take the gateway's handle (a method call would
// look the native object up through `this`: measured, the largest binding
// cost of a call).
const { _begin: begin, _finishOk: finishOk, _finishOkValidated: finishOkValidated } = native
const { _finishErr: finishErr, _callIds: callIds } = native

// A tool's options when it has no timeout: one frozen object, not one per call.
const NO_SIGNAL = Object.freeze({ signal: undefined })

/** Base class of every error tooltrail throws; `code` says which. */
class TooltrailError extends Error {
  constructor(message) {
    super(message)
    this.name = 'TooltrailError'
  }
}
native._setErrorClass(TooltrailError)

const ERROR_KINDS = Object.freeze(native._errorKinds())

const lifecycle = require('./lib/lifecycle')
const { plainText, tape, configure: configureTape } = require('./lib/tape')

configureTape(native._maxDepth(), native._tapeCodes())
const { Logs, agentLogs, agentMetrics } = require('./lib/logs')
const ambient = require('./lib/ambient')

/** Non-blocking, batched JSONL event writer (`logger` protocol: `.event(name, fields)`). */
class EventWriter extends native.EventWriter {
  constructor(options) {
    super(options)
    lifecycle.track(this)
  }
}

let loggerWarned = false

/**
 * Every tool call goes through here: `tool_call` / `tool_result` events with
 * ids, `args_hash`, latency, `ok` and a normalized `error_class`.
 * `call` returns the tool's value, or a Promise for async tools (logged when
 * it settles). Tools receive `(args, { signal })`; the signal aborts when the
 * tool's entry in `timeouts` (ms) expires.
 */
class ToolGateway {
  constructor({ impls, logger, config, validators, timeouts, onAlert, deterministic, _deterministic } = {}) {
    if (impls === null || typeof impls !== 'object') throw new TypeError('impls must be an object of tool functions')
    for (const [name, fn] of Object.entries(impls)) {
      if (typeof fn !== 'function') throw new TypeError(`impls.${name} must be a function`)
    }
    // Snapshots: a later change to the caller's objects cannot make the
    // core's tool list and the implementations disagree.
    this._impls = { ...impls }
    this._validators = { ...validators }
    this._timeouts = { ...timeouts }
    // The default writer honours the config's sinks (OTLP export).
    const log = logger == null ? new EventWriter(config == null ? undefined : { config }) : logger
    // Hold the logger: the exit hooks reach writers only through live objects.
    this._logger = log
    const nativeWriter = log instanceof native.EventWriter ? log : null
    this._hostLogger = nativeWriter ? null : log
    this._onAlert = typeof onAlert === 'function' ? onAlert : null
    this._lastCtx = null
    const tools = Object.keys(impls)
    // The core knows the tools by these indexes: a call passes a number, not its name.
    this._toolIndex = new Map(tools.map((name, i) => [name, i]))
    // `deterministic` (public: true or an RFC 3339 start) is read by the core.
    const startUs = deterministic === undefined ? _deterministic : native._deterministicStartUs(deterministic)
    this._native = new native._NativeGateway(tools, config, nativeWriter, startUs ?? undefined, this._onAlert !== null, timeouts)
    this._handle = this._native.handle()
  }

  /**
   * Runs `fn(run)` as one agent run: `run_start`, then `run_end` with the stop
   * reason (`completed`, `error` if fn throws, `cancelled` on AbortError, or
   * the budget / loop guard that stopped it). Returns fn's result. The run is
   * current inside fn (`currentRun()`): calls without a ctx and wrapped tools use it.
   */
  async run(ids, fn) {
    const run = this.startRun(ids)
    let result
    try {
      // The run is current in fn and in everything it starts (currentRun()).
      result = await ambient.runs.run(run, fn, run)
    } catch (err) {
      run.end(err)
      throw err
    }
    run.end()
    return result
  }

  /** Opens a run explicitly; call `run.end(error?)` when it is over. */
  startRun(ids) {
    try {
      return new Run(this, this._native.startRun(ids))
    } finally {
      this._flushEvents()
    }
  }

  /** Window values and alert levels. */
  metrics() {
    return this._native.metrics()
  }

  /** Re-evaluates alert rules now (windows slide with time alone). */
  checkAlerts() {
    this._native.checkAlerts()
    this._flushEvents()
  }

  /**
   * Opens an incident window: calls store their args, redacted, for `minutes`
   * (+ `seconds`) from now, then stop by themselves (0 closes it now).
   * Returns the closing instant (RFC 3339).
   */
  incidentWindow({ minutes, seconds } = {}) {
    try {
      return this._native.incidentWindow(minutes, seconds)
    } finally {
      this._flushEvents()
    }
  }

  _flushEvents() {
    if (this._hostLogger === null && this._onAlert === null) return
    for (const [name, fields] of this._native.drain()) {
      try {
        if (this._hostLogger !== null) this._hostLogger.event(name, fields)
        if (name === 'alert' && this._onAlert !== null) this._onAlert(fields)
      } catch (err) {
        // Principle 1: a failing logger never breaks the tool call.
        if (!loggerWarned) {
          loggerWarned = true
          process.emitWarning(`tooltrail: the logger failed (${err && err.message}); further failures are not reported`)
        }
      }
    }
  }

  call(ctx, name, args) {
    let call
    try {
      if (ctx === null || typeof ctx !== 'object') {
        if (ctx == null) return this._ambientCall(name, args, this._impls[name]) // the current run's
        native._checkCtx(ctx) // throws invalid_argument
      }
      this._useCtx(ctx)
      const tool = this._toolIndex.get(name)
      call = begin(this._handle, tool === undefined ? -1 : tool, name, args, plainText(args), tape.ops)
    } finally {
      this._flushEvents()
    }
    return this._complete(call, name, this._impls[name], undefined, args)
  }

  // Runs the tool (`fn(args, { signal })`, through the ambient call's
  // context when `current` is given) and ends the call: a throw is logged
  // and rethrown, a value validated and logged, a Promise logged when it
  // settles, its signal aborted at the tool's timeout.
  _complete(call, name, fn, current, args) {
    const limit = this._timeouts[name]
    const controller = limit ? new AbortController() : null
    const options = controller ? { signal: controller.signal } : NO_SIGNAL
    let result
    try {
      result = current === undefined ? fn(args, options) : ambient.calls.run(current, fn, args, options)
    } catch (err) {
      this._fail(call, err)
      throw err
    }
    if (!isThenable(result)) return this._settle(call, name, result)
    let settled = Promise.resolve(result)
    if (controller) settled = withTimeout(settled, limit, name, controller)
    return settled.then(
      (value) => this._settle(call, name, value),
      (err) => {
        this._fail(call, err)
        throw err
      },
    )
  }

  /**
   * A function taking the same args object as `fn` whose calls go through
   * this gateway as tool `name`, under the current run (events, validators,
   * budgets, loop guard). `fn` receives `(args, { signal })` like any tool.
   * A name the gateway was not built with is added (`call` runs `fn` too).
   */
  wrap(name, fn) {
    if (typeof name !== 'string') throw new TypeError('wrap(name, fn): name must be a string')
    if (typeof fn !== 'function') throw new TypeError('wrap(name, fn): fn must be a function')
    if (!Object.hasOwn(this._impls, name)) {
      this._impls[name] = fn
      this._native.addTool(name)
    }
    const gateway = this
    const wrapped = function (args) {
      return gateway._ambientCall(name, args, fn)
    }
    Object.defineProperty(wrapped, 'name', { value: fn.name || name })
    Object.defineProperty(wrapped, 'length', { value: fn.length })
    return wrapped
  }

  // A call under the current run's ctx (the wrappers, `call` without ctx),
  // running `fn` with the call current (currentCall()).
  _ambientCall(name, args, fn) {
    const run = ambient.runs.getStore()
    const ctx = run === undefined ? ambient.EMPTY_CTX : run.ctx
    let call
    try {
      this._useCtx(ctx)
      const tool = this._toolIndex.get(name)
      call = begin(this._handle, tool === undefined ? -1 : tool, name, args, plainText(args), tape.ops)
    } catch (err) {
      if (run === undefined && err instanceof TooltrailError && err.code === 'missing_id') {
        err.message = `${ambient.NO_RUN} (${err.message})`
      }
      throw err
    } finally {
      this._flushEvents()
    }
    const current = new ambient.Call(name, callIds(this._handle, call), ctx, native.traceparent)
    return this._complete(call, name, fn, current, args)
  }

  // The native side keeps the last context set; a run's calls repeat the
  // same ids, so they cross into Rust (and are checked) once per change.
  _useCtx(ctx) {
    const run = ctx.run_id, trace = ctx.trace_id, user = ctx.user_id
    const request = ctx.request_id, parent = ctx.parent_span_id, tp = ctx.traceparent
    const agent = ctx.agent_id
    const last = this._lastCtx
    if (last !== null && run === last[0] && trace === last[1] && user === last[2]
      && request === last[3] && parent === last[4] && tp === last[5] && agent === last[6]) return
    this._lastCtx = null // set again only once the core accepted the ids
    this._native.setCtx(run, trace, user, request, parent, tp, agent)
    this._lastCtx = [run, trace, user, request, parent, tp, agent]
  }

  _fail(call, err) {
    finishErr(this._handle, call, err)
    this._flushEvents()
  }

  // The core runs the validator and throws validation_failed if it rejects.
  _settle(call, name, value) {
    try {
      const validator = this._validators[name]
      if (validator === undefined) finishOk(this._handle, call, value)
      else finishOkValidated(this._handle, call, value, validator)
    } finally {
      this._flushEvents()
    }
    return value
  }

  /** A redacted copy of `value` under this gateway's rules. */
  redact(value) {
    return this._native.redact(value)
  }

  _advanceClock(us) {
    this._native.advanceClock(us)
  }
}

/** One agent run; calls made through it share its ids and budgets. */
class Run {
  constructor(gateway, ctx) {
    this._gateway = gateway
    this.ctx = Object.freeze(ctx)
    this._ended = false
  }

  get runId() {
    return this.ctx.run_id
  }

  get traceId() {
    return this.ctx.trace_id
  }

  /** `gateway.call` under this run's context and budgets. */
  call(name, args) {
    return this._gateway.call(this.ctx, name, args)
  }

  /** Marks one agent step; throws `budget_exceeded` past max_steps. */
  step() {
    return this._gateway._native.step(this.ctx.run_id)
  }

  /** Adds spend in USD; returns the run's total. */
  addSpend(usd) {
    return this._gateway._native.addSpend(this.ctx.run_id, Number(usd))
  }

  /** Sets the stop reason explicitly (the first reason set wins). */
  stop(reason) {
    this._gateway._native.stopRun(this.ctx.run_id, reason)
  }

  /** A W3C traceparent header for outgoing calls made within this run. */
  traceparent() {
    return native._ctxTraceparent(this.ctx)
  }

  /**
   * `fn` running with this run current wherever it is called (callbacks and
   * workers that do not inherit the caller's async context, a run opened
   * with `startRun`). Returns what fn returns.
   */
  wrap(fn) {
    const run = this
    return function (...args) {
      return ambient.runs.run(run, fn, ...args)
    }
  }

  /** Ends the run (idempotent): with an error it stops `error` (`cancelled` for AbortError). */
  end(error) {
    if (this._ended) return
    this._ended = true
    // The core decides how the run ended (a cancellation, by class name).
    try {
      this._gateway._native.endRun(this.ctx.run_id, error !== undefined, error)
    } finally {
      this._gateway._flushEvents()
    }
  }
}

// A hostile result (a revoked Proxy, a throwing `then` getter) is a plain
// value to us: reading it must not break the call it came from.
function isThenable(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false
  try {
    return typeof value.then === 'function'
  } catch {
    return false
  }
}

function withTimeout(promise, ms, name, controller) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new DOMException(`tool ${name} timed out after ${ms} ms`, 'TimeoutError')
      controller.abort(err)
      reject(err)
    }, ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

/** Lowercase hex SHA-256 of the canonical JSON of `value` (HMAC-SHA256 with `key`). */
function stableHash(value, key) {
  return native._stableHashPlain(value, plainText(value), tape.ops, key)
}

/** Reads and validates a YAML configuration file (or an object); throws `config_error` naming the key. */
function loadConfig(pathOrObject) {
  native._checkConfig(pathOrObject)
  return pathOrObject
}

module.exports = {
  stableHash,
  stableHashJson: native.stableHashJson,
  canonicalJson: native.canonicalJson,
  redact: native.redact,
  traceparent: native.traceparent,
  parseTraceparent: native.parseTraceparent,
  EventWriter,
  ToolGateway,
  Run,
  Call: ambient.Call,
  currentRun: ambient.currentRun,
  currentCall: ambient.currentCall,
  loadConfig,
  Logs,
  agentLogs,
  agentMetrics,
  TooltrailError,
  ERROR_KINDS,
  ERROR_CODES: Object.freeze(native._errorCodes()),
  ERROR_CLASSES: Object.freeze(native._errorClasses()),
  STOP_REASONS: Object.freeze(native._stopReasons()),
  version: native._version(),
  _canonicalJsonText: native._canonicalJsonText,
}
