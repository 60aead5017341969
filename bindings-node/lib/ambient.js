// Ambient context (docs/integrations.md): the current run and the current
// tool call, carried by AsyncLocalStorage through awaits, timers and the
// promises started inside them. Rules (ids, hashing, budgets) stay in the core.
'use strict'

const { AsyncLocalStorage } = require('node:async_hooks')

const runs = new AsyncLocalStorage()
const calls = new AsyncLocalStorage()

// No run and no ctx: the core's id rules decide (missing_id by default).
const EMPTY_CTX = Object.freeze({})

const NO_RUN = 'no current run: call inside `gateway.run(ids, fn)` (or a function from `run.wrap`), or pass a ctx'

/** The run whose `gateway.run(ids, fn)` is active here, or null. */
function currentRun() {
  return runs.getStore() ?? null
}

/** The tool call in progress here (inside a wrapped tool or a call without ctx), or null. */
function currentCall() {
  return calls.getStore() ?? null
}

/** The tool call in progress: its ids and a `traceparent` for outgoing requests. */
class Call {
  constructor(tool, ids, ctx, traceparentOf) {
    this.tool = tool
    this.seq = ids ? ids.seq : null
    this.spanId = ids ? ids.spanId : null
    this.runId = ctx.run_id ?? null
    this.traceId = ctx.trace_id ?? null
    this.requestId = ctx.request_id ?? null
    this.userId = ctx.user_id ?? null
    this._traceparentOf = traceparentOf
    Object.freeze(this)
  }

  /** A W3C traceparent: this call's span as the parent; null unless the ids are W3C ids. */
  traceparent(sampled = true) {
    if (this.traceId === null || this.spanId === null) return null
    try {
      return this._traceparentOf(this.traceId, this.spanId, sampled)
    } catch {
      return null
    }
  }
}

module.exports = { runs, calls, currentRun, currentCall, Call, EMPTY_CTX, NO_RUN }
