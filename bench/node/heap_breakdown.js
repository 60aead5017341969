#!/usr/bin/env node
// Where Node's peak RSS above idle goes (issue 14's +32 MiB target), per way
// of handling issue 14's arguments: `node heap_breakdown.js [mode]` with mode
//   bare   the tool only (the bench's bare variant)
//   json   JSON.stringify(args) only (what the seed and tooltrail's fast route both do)
//   hash   tooltrail.stableHash(args)
//   full   tooltrail ToolGateway + EventWriter(dir), defaults (the bench's tooltrail variant)
// Same loop as bench_gateway.js (2,000 warm-up calls, then 3 × 200,000 calls,
// yielding every 1,000); prints VmHWM − idle VmRSS and V8's heapTotal before and
// after. Not timed; one process per mode.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { setImmediate: yieldLoop } = require('node:timers/promises')

const tt = require(process.env.TOOLTRAIL_JS || path.join(__dirname, '..', '..', 'bindings-node', 'index.js'))
const kb = (key) => Number(fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))[1])
const mib = (bytes) => (bytes / 1048576).toFixed(1)

async function main() {
  const mode = process.argv[2] || 'full'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-heap-'))
  const writer = new tt.EventWriter({ path: dir, ...JSON.parse(process.env.TT_OPTS || "{}") })
  const search = ({ limit }) => ({ hits: [], limit })
  const gw = new tt.ToolGateway({ impls: { search }, logger: writer })
  const ctx = { run_id: 'run-bench-2', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', user_id: 'u-9', request_id: 'req-1' }
  const calls = {
    bare: (c, n, a) => search(a),
    json: (c, n, a) => JSON.stringify(a),
    hash: (c, n, a) => tt.stableHash(a),
    full: (c, n, a) => gw.call(c, n, a),
  }
  const call = calls[mode]
  if (!call) throw new Error(`mode must be one of ${Object.keys(calls).join(', ')}`)
  let sink
  for (let i = 0; i < 2000; i++) sink = call(ctx, 'search', { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
  writer.flush()
  await yieldLoop()
  const idle = kb('VmRSS')
  fs.writeFileSync('/proc/self/clear_refs', '5') // reset VmHWM
  const before = process.memoryUsage()
  for (let r = 0; r < 3; r++) {
    for (let done = 0; done < 200000; done += 1000) {
      for (let i = done; i < done + 1000; i++) {
        sink = call(ctx, 'search', { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
      }
      await yieldLoop()
    }
  }
  const after = process.memoryUsage()
  await writer.close()
  if (sink === undefined) throw new Error('no result')
  console.log(`${mode.padEnd(4)}  peak RSS above idle ${((kb('VmHWM') - idle) / 1024).toFixed(1)} MiB;  V8 heapTotal ${mib(before.heapTotal)} -> ${mib(after.heapTotal)} MiB`)
  fs.rmSync(dir, { recursive: true, force: true })
}

main()
