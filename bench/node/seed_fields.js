// The "seed with tooltrail's fields" row: the seed gateway carrying the fields
// tooltrail logs, the one the bench of issue 8 used as its seed (kept, as
// issue 14 asks, to show what the extra fields cost). Per call: build the
// tool_call event object with a random span id, seq, parent span id and
// decision, hash the arguments (SHA-256 of the sorted-key compact JSON, as
// Python's json.dumps(sort_keys=True)), call the tool, build tool_result with
// latency_ms and ok, and JSON.stringify each event, with "v" and an RFC 3339
// "ts" in front, into one line written with fs.writeSync (in the caller). The
// seed page's gateway as printed is seed_gateway.js.
'use strict'
const crypto = require('node:crypto')
const fs = require('node:fs')

function sortedJson(value) {
  if (Array.isArray(value)) return '[' + value.map(sortedJson).join(',') + ']'
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort()
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + sortedJson(value[k])).join(',') + '}'
  }
  return JSON.stringify(value)
}

function argsHash(args) {
  return crypto.createHash('sha256').update(sortedJson(args)).digest('hex')
}

function nowIso() {
  // RFC 3339 UTC; Date has millisecond precision, microseconds padded.
  return new Date().toISOString().replace('Z', '000Z')
}

class JsonlLogger {
  constructor(path) {
    this.path = path
    this.fd = fs.openSync(path, 'a')
  }

  event(name, fields) {
    fs.writeSync(this.fd, JSON.stringify({ v: 1, ts: nowIso(), event: name, ...fields }) + '\n')
  }

  close() {
    fs.closeSync(this.fd)
  }
}

class SeedFieldsGateway {
  constructor(impls, logger) {
    this.impls = impls
    this.logger = logger
    this.seq = new Map()
  }

  call(ctx, name, args) {
    const tool = this.impls[name]
    const runId = ctx.run_id
    const seq = (this.seq.get(runId) || 0) + 1
    this.seq.set(runId, seq)
    const ids = {
      run_id: runId,
      trace_id: ctx.trace_id,
      span_id: crypto.randomBytes(8).toString('hex'),
      request_id: ctx.request_id ?? null,
      user_id: ctx.user_id ?? null,
    }
    this.logger.event('tool_call', {
      ...ids, tool: name, seq, parent_span_id: ctx.parent_span_id ?? null, args_hash: argsHash(args), decision: 'allow',
    })
    const start = performance.now()
    let result
    try {
      result = tool(args)
    } catch (err) {
      const latency_ms = Math.round((performance.now() - start) * 1000) / 1000
      this.logger.event('tool_result', {
        ...ids, tool: name, seq, latency_ms, ok: false, error_class: err && err.constructor ? err.constructor.name : typeof err,
      })
      throw err
    }
    const latency_ms = Math.round((performance.now() - start) * 1000) / 1000
    this.logger.event('tool_result', { ...ids, tool: name, seq, latency_ms, ok: true })
    return result
  }
}

module.exports = { SeedFieldsGateway, JsonlLogger, argsHash, sortedJson }
