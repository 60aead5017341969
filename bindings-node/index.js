// tooltrail for Node.js: re-exports the native addon (built from source by
// `npm install` → scripts/build-node.js) and installs the writer's exit hooks.
// All logic is in the Rust core; this file only wires the process lifecycle.
'use strict'

const native = require('./lib/native')
// The per-call functions take the gateway's handle (a method call would
// look the native object up through `this`: measured, the largest binding
// cost of a call).
const { _begin: begin, _finishOk: finishOk, _finishOkValidated: finishOkValidated } = native
const { _finishErr: finishErr, _callIds: callIds, _finishChecked: finishChecked } = native

// A tool's options when it has no timeout: one frozen object, not one per call.
const NO_SIGNAL = Object.freeze({ signal: undefined })
const { invalidArgType, describeType } = require('./lib/arg_types')
const { isPath, asPath, asConfig } = require('./lib/paths')

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
const streams = require('./lib/follow')

/** Non-blocking, batched JSONL event writer (`logger` protocol: `.event(name, fields)`). */
class EventWriter extends native.EventWriter {
  constructor(options) {
    super(writerOptions(options))
    lifecycle.track(this)
  }
}

// The writer's options with their paths as strings: a path alone (as
// Python's `EventWriter(path)`), or an object whose `path` and `config`
// may be paths.
function writerOptions(options) {
  if (options == null) return options
  if (isPath(options)) return { path: asPath(options, 'path') }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgType(`options must be a path or an object, not ${describeType(options)}`)
  }
  if (options.path == null && options.config == null) return options
  const out = { ...options }
  if (out.path != null) out.path = asPath(out.path, 'path')
  if (out.config != null) out.config = asConfig(out.config, 'config')
  return out
}

/**
 * Gives warning `kind` (`implicit_run`, `logger_failed`,
 * `alert_callback_failed`) the first time in the process only, as
 * `process.emitWarning` with type `TooltrailWarning` and the kind's code.
 */
function warnOnce(kind, detail) {
  const first = native._firstWarning(kind, detail)
  if (first !== null) process.emitWarning(first[0], { type: 'TooltrailWarning', code: first[1] })
}

// "Name: message" of a thrown value, never throwing itself.
function describe(err) {
  try {
    if (err !== null && typeof err === 'object') return `${err.name ?? 'Error'}: ${err.message}`
    return String(err)
  } catch {
    return 'an unreadable error'
  }
}

/**
 * Every tool call goes through here: `tool_call` / `tool_result` events with
 * ids, `args_hash`, latency, `ok` and a normalized `error_class`.
 * `call` returns the tool's value, or a Promise for async tools (logged when
 * it settles). Tools receive `(args, { signal })`; the signal aborts when the
 * tool's entry in `timeouts` (ms) expires. A call with no ctx and no current
 * run runs under an implicit run (`run_start.implicit`, one warning per
 * process); `strict: true` refuses it with `missing_id` instead.
 */
class ToolGateway {
  constructor({ impls, logger, config, validators, timeouts, onAlert, deterministic, strict, _deterministic } = {}) {
    if (impls === null || typeof impls !== 'object') throw invalidArgType('impls must be an object of tool functions')
    for (const [name, fn] of Object.entries(impls)) {
      if (typeof fn !== 'function') throw invalidArgType(`impls.${name} must be a function, not ${describeType(fn)}`)
    }
    for (const [name, fn] of Object.entries(validators ?? {})) {
      if (typeof fn !== 'function') throw invalidArgType(`validators.${name} must be a function, not ${describeType(fn)}`)
    }
    if (onAlert != null && typeof onAlert !== 'function') throw invalidArgType(`onAlert must be a function, not ${describeType(onAlert)}`)
    // Snapshots: a later change to the caller's objects cannot make the
    // core's tool list and the implementations disagree.
    this._impls = { ...impls }
    this._validators = { ...validators }
    this._timeouts = { ...timeouts }
    config = asConfig(config, 'config')
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
    this._native = new native._NativeGateway(tools, config, nativeWriter, startUs ?? undefined, this._onAlert !== null, timeouts, strict === true)
    this.strict = strict === true
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
    // A stream handed back (a Response, a ReadableStream, an async
    // iterable: the route-handler pattern) keeps the run open until read.
    const handed = streams.isStream(result) ? streams.follow(run, result) : result
    run.end()
    return handed
  }

  /** Opens a run explicitly; call `run.end(error?)` when it is over. */
  startRun(ids) {
    try {
      // Inside another run's scope the new run is its child (same trace;
      // under the call in progress, if any): the core links them.
      const parent = ambient.runs.getStore()
      if (parent === undefined) return new Run(this, this._native.startRun(ids))
      const outer = ambient.calls.getStore()
      return new Run(this, this._native.startRun(ids, parent.ctx, outer?.runId ?? undefined, outer?.spanId ?? undefined))
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
      // A failing logger or alert callback never breaks the tool call; each
      // is said once per process.
      if (this._hostLogger !== null) {
        try {
          this._hostLogger.event(name, fields)
        } catch (err) {
          warnOnce('logger_failed', describe(err))
        }
      }
      if (name === 'alert' && this._onAlert !== null) {
        try {
          this._onAlert(fields)
        } catch (err) {
          warnOnce('alert_callback_failed', describe(err))
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
  //
  // `end` (the ambient calls'): how the call ends, with its implicit run if
  // it opened one. A generator result is returned wrapped: the call ends
  // when it is exhausted, throws or is closed.
  _complete(call, name, fn, current, args, end) {
    const limit = this._timeouts[name]
    const controller = limit ? new AbortController() : null
    const options = controller ? { signal: controller.signal } : NO_SIGNAL
    let result
    try {
      result = current === undefined ? fn(args, options) : ambient.calls.run(current, fn, args, options)
    } catch (err) {
      if (end === undefined) this._fail(call, err)
      else end.fail(err)
      throw err
    }
    if (!isThenable(result)) {
      const kind = generatorKind(result)
      if (kind !== null) return follow(kind, end ?? new Ending(this, call, name, null, false), result, current)
      return end === undefined ? this._settle(call, name, result) : end.ok(result)
    }
    let settled = Promise.resolve(result)
    if (controller) settled = withTimeout(settled, limit, name, controller)
    return settled.then(
      (value) => (end === undefined ? this._settle(call, name, value) : end.ok(value)),
      (err) => {
        if (end === undefined) this._fail(call, err)
        else end.fail(err)
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
    if (typeof fn !== 'function') throw invalidArgType(`wrap(name, fn): fn must be a function, not ${describeType(fn)}`)
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
  // else under an implicit run (current while the tool runs, ended with the
  // call), running `fn` with the call current (currentCall()). `checked`:
  // a framework adapter's call, whose returned error results (`isError`, an
  // HTTP status from 400: the core's rule) are logged as failures.
  // `argsText`: the arguments as the model sent them (JSON text), hashed by
  // the core instead of `args` (the adapters that have it).
  // `callId`: the framework's id of the call (`tool_call.call_id`);
  // `startedUs`: when a call logged after the fact (a traced span) started.
  _ambientCall(name, args, fn, checked = false, argsText = undefined, callId = undefined, startedUs = undefined) {
    const run = ambient.runs.getStore()
    const implicit = run === undefined ? this._implicitRun() : null
    const ctx = run !== undefined ? run.ctx : implicit !== null ? implicit.ctx : ambient.EMPTY_CTX
    let call
    try {
      this._useCtx(ctx)
      const tool = this._toolIndex.get(name)
      const index = tool === undefined ? -1 : tool
      // The call in progress here (a tool calling a tool) and the
      // framework's id: the core links them.
      const outer = ambient.calls.getStore()
      if (outer !== undefined || callId !== undefined || startedUs !== undefined) {
        this._native.setLink(callId ?? undefined, outer?.runId ?? undefined, outer?.spanId ?? undefined, startedUs)
      }
      call = typeof argsText === 'string'
        ? native._beginJson(this._handle, index, name, argsText)
        : begin(this._handle, index, name, args, plainText(args), tape.ops)
    } catch (err) {
      if (implicit !== null) implicit.end(err)
      throw err
    } finally {
      this._flushEvents()
    }
    const current = new ambient.Call(name, callIds(this._handle, call), ctx, native.traceparent)
    const end = new Ending(this, call, name, implicit, checked)
    if (implicit === null) return this._complete(call, name, fn, current, args, end)
    return ambient.runs.run(implicit, () => this._complete(call, name, fn, current, args, end))
  }

  // The core decides: null (optional ids: no run needed), `missing_id` (a
  // strict gateway), or an implicit run (one warning per process).
  _implicitRun() {
    let ctx
    try {
      ctx = this._native.implicitRun()
    } catch (err) {
      if (err instanceof TooltrailError && err.code === 'missing_id') {
        err.message = `${ambient.NO_RUN} (${err.message})`
      }
      throw err
    } finally {
      this._flushEvents()
    }
    if (ctx === null) return null
    warnOnce('implicit_run', '')
    return new Run(this, ctx)
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
    // Streams started in the run and still being read keep it open past
    // `end()`: run_end waits for the last (see `follow`).
    this._holds = 0
    this._ending = null
  }

  /**
   * `stream` (a fetch Response with a body, a ReadableStream, an async
   * iterable) with this run kept open until it has been read to its end,
   * fails or is cancelled; anything else is returned as is.
   */
  follow(stream) {
    return streams.follow(this, stream)
  }

  _hold() {
    this._holds++
  }

  _release() {
    this._holds--
    if (this._holds === 0 && this._ending !== null) {
      const { error } = this._ending
      this._ending = null
      this._endNow(error)
    }
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
    if (typeof usd !== 'number') throw invalidArgType(`usd must be a number, not ${describeType(usd)}`)
    return this._gateway._native.addSpend(this.ctx.run_id, usd)
  }

  /**
   * Records a model step that ended (`model_call`): `{ model, provider,
   * inputTokens, outputTokens, cachedInputTokens, reasoningTokens, latencyMs,
   * ok, errorClass, finishReason, costUsd, toolCalls }`. The core prices it
   * (`costUsd`, else `pricing` and the shipped table, else null) and adds
   * tokens and cost to the run's budgets; throws `budget_exceeded` (after
   * recording) if the run was already over one.
   */
  modelCall(options) {
    try {
      this._gateway._native.modelCall(this.ctx.run_id, options, plainText(options), tape.ops, null, false, undefined)
    } finally {
      this._gateway._flushEvents()
    }
  }

  /**
   * Times a model call: checks the run's spend, token and duration budgets
   * (throws `budget_exceeded` before `fn` runs), awaits `fn(step)`, and
   * records the `model_call` with the measured latency and what `fn`
   * reported with `step.set({ inputTokens, outputTokens, … })` (a throw:
   * `ok: false` with its error class, and it propagates). Returns fn's result.
   */
  async modelStep({ model, provider }, fn) {
    const started = this._gateway._native.modelBegin(this.ctx.run_id)
    const usage = {}
    const step = { set: (u) => Object.assign(usage, u) }
    const record = (raised, error) => {
      const args = { ...usage, model, provider: provider ?? null }
      try {
        this._gateway._native.modelCall(this.ctx.run_id, args, plainText(args), tape.ops, started, raised, error)
      } finally {
        this._gateway._flushEvents()
      }
    }
    let result
    try {
      result = await fn(step)
    } catch (err) {
      record(true, err)
      throw err
    }
    record(false, undefined)
    return result
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
    if (this._holds > 0) {
      this._ending = { error } // ended by the last stream's release
      return
    }
    this._endNow(error)
  }

  _endNow(error) {
    // The core decides how the run ended (a cancellation, by class name).
    try {
      this._gateway._native.endRun(this.ctx.run_id, error !== undefined, error)
    } finally {
      this._gateway._flushEvents()
    }
  }
}

/** How an ambient call ends: the call, then the implicit run it opened (if any). */
class Ending {
  constructor(gateway, call, name, run, checked) {
    this.gateway = gateway
    this.call = call
    this.name = name
    this.run = run
    this.checked = checked
  }

  // Logs the returned value (validated; checked for an error result when
  // `checked`) and returns it; a rejected result throws, as `_settle` does.
  ok(value) {
    const gw = this.gateway
    try {
      if (this.checked) {
        try {
          finishChecked(gw._handle, this.call, value, gw._validators[this.name])
        } finally {
          gw._flushEvents()
        }
      } else {
        gw._settle(this.call, this.name, value)
      }
    } catch (err) {
      this.endRun(err)
      throw err
    }
    this.endRun(undefined)
    return value
  }

  fail(err) {
    this.gateway._fail(this.call, err)
    this.endRun(err)
  }

  endRun(err) {
    const run = this.run
    if (run === null) return
    this.run = null
    run.end(err)
  }
}

// 'async' or 'sync' for a generator object (what an `async function*` or a
// `function*` returns), else null. Other iterables (arrays, streams) are
// results like any other: wrapping them would change what the caller gets.
function generatorKind(value) {
  if (value === null || typeof value !== 'object') return null
  try {
    const tag = value[Symbol.toStringTag]
    return tag === 'AsyncGenerator' ? 'async' : tag === 'Generator' ? 'sync' : null
  } catch {
    return null
  }
}

function closedEarly() {
  return new DOMException('the stream was closed before its end', 'AbortError')
}

// The generator `gen` returned by a tool, passed through item by item (the
// call current while it computes the next); the call ends when it is
// exhausted (logged with its last item), throws, or is closed early
// (`cancelled`).
function follow(kind, end, gen, current) {
  const step = current === undefined ? () => gen.next() : () => ambient.calls.run(current, () => gen.next())
  return kind === 'async' ? followAsync(end, gen, step) : followSync(end, gen, step)
}

async function* followAsync(end, gen, step) {
  let last
  let over = false
  try {
    for (;;) {
      const item = await step()
      if (item.done) break
      last = item.value
      yield item.value
    }
    over = true
  } catch (err) {
    over = true
    end.fail(err)
    throw err
  } finally {
    if (!over) {
      try {
        await gen.return?.()
      } finally {
        end.fail(closedEarly())
      }
    }
  }
  end.ok(last)
}

function* followSync(end, gen, step) {
  let last
  let over = false
  try {
    for (;;) {
      const item = step()
      if (item.done) break
      last = item.value
      yield item.value
    }
    over = true
  } catch (err) {
    over = true
    end.fail(err)
    throw err
  } finally {
    if (!over) {
      try {
        gen.return?.()
      } finally {
        end.fail(closedEarly())
      }
    }
  }
  end.ok(last)
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
  if (pathOrObject == null) throw invalidArgType(`loadConfig takes a YAML file's path or an object of settings, not ${pathOrObject}`)
  const config = asConfig(pathOrObject, 'pathOrObject')
  native._checkConfig(config)
  return config
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
  _resetWarnings: native._resetWarnings,
  ERROR_CODES: Object.freeze(native._errorCodes()),
  ERROR_CLASSES: Object.freeze(native._errorClasses()),
  STOP_REASONS: Object.freeze(native._stopReasons()),
  version: native._version(),
  _canonicalJsonText: native._canonicalJsonText,
}
