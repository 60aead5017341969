// The seed page's pure-JS gateway, "as printed" (the baseline of issue 14).
//
// The seed page is not in this repository; this is a minimal reconstruction
// from what issue 14 quotes of it, with nothing added:
// - args_hash = crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex')
//   (plain JSON.stringify: not canonical, key order as inserted);
// - two events per call, plain objects:
//   { event: 'tool_call', run_id, trace_id, request_id, user_id, tool, args_hash }
//   before the tool and
//   { event: 'tool_result', <the same ids>, tool, latency_ms, ok, error_class }
//   after it (no timestamp, no span ids, no random ids, no seq);
// - each event written with fs.writeSync(fd, JSON.stringify(ev) + '\n') to a
//   file opened with fs.openSync(path, 'a'), in the caller.
// Details the quote leaves open, chosen the cheapest plain way: the ids come
// from a ctx object; latency_ms is performance.now() - t0 (milliseconds, a
// float); error_class is null on success and the error's name on failure.
//
// The richer gateway earlier benches used (timestamp and "v" per line, a
// random span id, seq, decision, sorted-key JSON for the hash) is
// seed_fields.js, the "seed with tooltrail's fields" row.
'use strict'
const crypto = require('node:crypto')
const fs = require('node:fs')

class SeedGateway {
  constructor(impls, path) {
    this.impls = impls
    this.path = path
    this.fd = fs.openSync(path, 'a')
  }

  call(ctx, name, args) {
    const args_hash = crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex')
    this.emit({
      event: 'tool_call',
      run_id: ctx.run_id,
      trace_id: ctx.trace_id,
      request_id: ctx.request_id,
      user_id: ctx.user_id,
      tool: name,
      args_hash,
    })
    const t0 = performance.now()
    let result
    try {
      result = this.impls[name](args)
    } catch (err) {
      this.emit({
        event: 'tool_result',
        run_id: ctx.run_id,
        trace_id: ctx.trace_id,
        request_id: ctx.request_id,
        user_id: ctx.user_id,
        tool: name,
        latency_ms: performance.now() - t0,
        ok: false,
        error_class: err && err.name ? err.name : typeof err,
      })
      throw err
    }
    this.emit({
      event: 'tool_result',
      run_id: ctx.run_id,
      trace_id: ctx.trace_id,
      request_id: ctx.request_id,
      user_id: ctx.user_id,
      tool: name,
      latency_ms: performance.now() - t0,
      ok: true,
      error_class: null,
    })
    return result
  }

  emit(ev) {
    fs.writeSync(this.fd, JSON.stringify(ev) + '\n')
  }

  close() {
    fs.closeSync(this.fd)
  }
}

/** The seed's args_hash alone (the "hash only, seed" row). */
function seedArgsHash(args) {
  return crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex')
}

module.exports = { SeedGateway, seedArgsHash }
