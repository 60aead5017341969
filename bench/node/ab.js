#!/usr/bin/env node
// Two (or more) builds of the Node addon side by side in one process, for an
// A/B that both sides see the same moments of this VM (its speed drifts by up
// to 2x within one process; see drift.js):
//   node ab.js base=/tmp/a.node new=/tmp/b.node      [N=20000 R=15 FLOOR=1]
//   node ab.js base=/tmp/a.node@/tmp/wt/bindings-node new=bindings-node/tooltrail.node
// (`@dir`: that build's own bindings-node JS, from a `git worktree` of its commit)
// Each build gets its own EventWriter (a temp dir) and ToolGateway, loaded
// through this checkout's bindings-node/index.js. Per build: `_native` calls
// begin + finishOk directly (with the plain-data route's text, as index.js
// does: lib/tape.js's tape, or lib/plain_json.js's JSON.stringify text in
// builds before the tape), `_call` goes through gw.call; `json` is
// JSON.stringify alone; with FLOOR=1 `_floor` is that route's JS work + two
// near-empty native crossings: what no native work can remove. Rounds of N calls, all variants
// in turn, R times; prints each variant's median and fastest round minus bare.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { setImmediate: yieldLoop } = require('node:timers/promises')

const BINDINGS = path.join(__dirname, '..', '..', 'bindings-node')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-ab-'))
const search = ({ limit }) => ({ hits: [], limit })
const CTX = { run_id: 'run-bench-2', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', user_id: 'u-9', request_id: 'req-1' }
const N = Number(process.env.N || 20000)
const R = Number(process.env.R || 15)
let sink
const variants = { bare: (a) => search(a), json: (a) => ((sink = JSON.stringify(a)), search(a)) }
const writers = []

for (const spec of process.argv.slice(2)) {
  // label=build.node, or label=build.node@dir: the bindings-node directory
  // of the build's own checkout (a `git worktree`), when its JS differs.
  const [label, rest] = spec.split('=')
  const [native, jsDir] = rest.split('@')
  const bindings = jsDir ? path.resolve(jsDir) : BINDINGS
  // A fresh copy of the JS per build: lib/native.js reads the path once.
  for (const key of Object.keys(require.cache)) if (key.startsWith(bindings)) delete require.cache[key]
  process.env.TOOLTRAIL_NATIVE_PATH = path.resolve(native)
  const tt = require(bindings)
  const plain = plainRoute(bindings)
  const writer = new tt.EventWriter({ path: path.join(dir, label), maxFiles: 10000 })
  writers.push(writer)
  const gw = new tt.ToolGateway({ impls: { search }, logger: writer })
  gw.call(CTX, 'search', {}) // sets the context and the tool's index
  const n = nativeCalls(gw, require(path.join(bindings, 'lib', 'native.js')))
  variants[`${label}_native`] = (a) => {
    const call = n.begin(a, plain.text(a), plain.ops())
    const result = search(a)
    n.finishOk(call, result)
    return result
  }
  variants[`${label}_call`] = (a) => gw.call(CTX, 'search', a)
  if (process.env.FLOOR) {
    variants[`${label}_floor`] = (a) => {
      sink = plain.text(a)
      n.callIds(-1)
      const result = search(a)
      n.callIds(-1)
      return result
    }
  }
}

// A build's plain-data route: the tape (text and codes) or, in builds
// before it, JSON.stringify's text.
function plainRoute(bindings) {
  if (fs.existsSync(path.join(bindings, 'lib', 'tape.js'))) {
    const { plainText, tape } = require(path.join(bindings, 'lib', 'tape.js'))
    return { text: plainText, ops: () => tape.ops }
  }
  const { plainJson } = require(path.join(bindings, 'lib', 'plain_json.js'))
  return { text: plainJson, ops: () => undefined }
}

// A build's per-call functions: free functions taking the gateway's handle
// (from 2026-12-01's sixth session on), or methods of its native object
// (builds before), so builds on either side of that change compare.
function nativeCalls(gw, nat) {
  if (nat._begin) {
    const h = gw._handle
    return {
      begin: (a, text, ops) => nat._begin(h, 0, 'search', a, text, ops),
      finishOk: (call, result) => nat._finishOk(h, call, result),
      callIds: (call) => nat._callIds(h, call),
    }
  }
  const n = gw._native
  return {
    begin: (a, text) => n.begin(0, 'search', a, text),
    finishOk: (call, result) => n.finishOk(call, result),
    callIds: (call) => n.callIds(call),
  }
}

async function round(f) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < N; i++) {
    sink = f({ query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
    if (i % 1000 === 999) await yieldLoop()
  }
  return Number(process.hrtime.bigint() - t0) / N / 1000
}

async function main() {
  const times = {}
  for (const f of Object.values(variants)) await round(f) // warm-up
  for (let r = 0; r < R; r++) {
    for (const [k, f] of Object.entries(variants)) (times[k] ||= []).push(await round(f))
  }
  if (!sink) throw new Error('the tool returned nothing') // keeps every call observable
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1]
  const bare = median(times.bare), bareMin = Math.min(...times.bare)
  console.log(`${N} calls x ${R} rounds; µs per call above bare (bare ${bare.toFixed(3)})`)
  for (const [k, v] of Object.entries(times)) {
    console.log(`${k.padEnd(16)} median ${(median(v) - bare).toFixed(3)}  fastest ${(Math.min(...v) - bareMin).toFixed(3)}`)
  }
  for (const w of writers) w.closeSync(10000)
  fs.rmSync(dir, { recursive: true, force: true })
}

main()
