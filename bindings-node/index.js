// tooltrail for Node.js: re-exports the native addon (built from source by
// `npm install` → scripts/build-node.js) and installs the writer's exit hooks.
// All logic is in the Rust core; this file only wires the process lifecycle.
'use strict'
const path = require('node:path')
const { isMainThread } = require('node:worker_threads')

const native = require(process.env.TOOLTRAIL_NATIVE_PATH || path.join(__dirname, 'tooltrail.node'))

/** Base class of every error tooltrail throws; `code` says which. */
class TooltrailError extends Error {
  constructor(message) {
    super(message)
    this.name = 'TooltrailError'
  }
}
native._setErrorClass(TooltrailError)

const ERROR_KINDS = Object.freeze(native._errorKinds())

// The Rust writer thread never keeps Node alive and napi cleanup hooks do not
// run on process.exit(), so writers are closed from process 'exit' (normal
// end, process.exit, uncaught exceptions) and, when the app has no handler of
// its own, from SIGTERM/SIGINT, after which the default action is re-raised so
// the exit status stays what it would have been.
const writers = new Set()
let hooked = false

function closeAll() {
  for (const ref of writers) {
    const w = ref.deref()
    if (w === undefined) writers.delete(ref)
    else if (!w.closed) w.closeSync()
  }
}

function installHooks() {
  if (hooked) return
  hooked = true
  process.on('exit', closeAll)
  if (!isMainThread) return // signals are delivered to the main thread only
  for (const sig of ['SIGTERM', 'SIGINT']) {
    if (process.listenerCount(sig) > 0) continue
    process.once(sig, () => {
      closeAll()
      if (process.listenerCount(sig) > 0) return // the app took over meanwhile
      process.kill(process.pid, sig)
    })
  }
}

/** Non-blocking, batched JSONL event writer (`logger` protocol: `.event(name, fields)`). */
class EventWriter extends native.EventWriter {
  constructor(options) {
    super(options)
    writers.add(new WeakRef(this))
    installHooks()
  }
}

// What index.js knows about a thrown value, handed to the core's classifier.
function failureOf(err) {
  if (err !== null && typeof err === 'object') {
    const ctorName = err.constructor && typeof err.constructor.name === 'string' ? err.constructor.name : 'Object'
    // A subclass that does not set `name` inherits 'Error'; its constructor
    // then names it better (class QuotaError extends Error {}).
    const className = typeof err.name === 'string' && err.name && err.name !== 'Error' ? err.name : ctorName
    const status = [err.status, err.statusCode, err.response && err.response.status].find((s) => typeof s === 'number')
    const code = [err.code, err.cause && err.cause.code].find((c) => typeof c === 'string')
    return { className, message: String(err.message ?? ''), status, code }
  }
  return { className: typeof err, message: String(err) }
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
  constructor({ impls, logger, config, validators, timeouts, _deterministic } = {}) {
    if (impls === null || typeof impls !== 'object') throw new TypeError('impls must be an object of tool functions')
    for (const [name, fn] of Object.entries(impls)) {
      if (typeof fn !== 'function') throw new TypeError(`impls.${name} must be a function`)
    }
    this._impls = impls
    this._validators = validators || {}
    this._timeouts = timeouts || {}
    const log = logger == null ? new EventWriter() : logger
    // Hold the logger: the exit hooks reach writers only through live objects.
    this._logger = log
    const nativeWriter = log instanceof native.EventWriter ? log : null
    this._hostLogger = nativeWriter ? null : log
    this._native = new native._NativeGateway(Object.keys(impls), config, nativeWriter, _deterministic)
  }

  _flushEvents() {
    if (this._hostLogger === null) return
    for (const [name, fields] of this._native.drain()) {
      try {
        this._hostLogger.event(name, fields)
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
      call = this._native.begin(ctx, name, args)
    } finally {
      this._flushEvents()
    }
    const limit = this._timeouts[name]
    const controller = limit ? new AbortController() : null
    let result
    try {
      result = this._impls[name](args, { signal: controller ? controller.signal : undefined })
    } catch (err) {
      this._fail(call, err)
      throw err
    }
    if (result === null || typeof result !== 'object' || typeof result.then !== 'function') {
      return this._settle(call, name, result)
    }
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

  _fail(call, err) {
    this._native.finishErr(call, failureOf(err))
    this._flushEvents()
  }

  _settle(call, name, value) {
    const reason = this._validate(name, value)
    this._native.finishOk(call, value, reason)
    this._flushEvents()
    if (reason !== undefined) this._native.validationError(name, reason) // throws
    return value
  }

  _validate(name, value) {
    const validator = this._validators[name]
    if (validator === undefined) return undefined
    try {
      return validator(value) === false ? 'validator returned false' : undefined
    } catch (err) {
      return String((err && err.message) || err)
    }
  }

  /** A redacted copy of `value` under this gateway's rules. */
  redact(value) {
    return this._native.redact(value)
  }

  _advanceClock(us) {
    this._native.advanceClock(us)
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

/** Reads and validates a YAML configuration file (or an object); throws `config_error` naming the key. */
function loadConfig(pathOrObject) {
  native._checkConfig(pathOrObject)
  return pathOrObject
}

module.exports = {
  stableHash: native.stableHash,
  stableHashJson: native.stableHashJson,
  canonicalJson: native.canonicalJson,
  redact: native.redact,
  EventWriter,
  ToolGateway,
  loadConfig,
  TooltrailError,
  ERROR_KINDS,
  ERROR_CLASSES: Object.freeze(native._errorClasses()),
  version: native._version(),
  _canonicalJsonText: native._canonicalJsonText,
}
