#!/usr/bin/env node
// Where Node's peak RSS above idle goes (issue 14's +32 MiB target), per way
// of handling issue 14's arguments: `node heap_breakdown.js [mode] [rounds]` with mode
//   bare   the tool only (the bench's bare variant)
//   json   JSON.stringify(args) only (what the seed and tooltrail's fast route both do)
//   hash   tooltrail.stableHash(args)
//   full   tooltrail ToolGateway + EventWriter(dir), defaults (the bench's tooltrail variant)
// Same loop as bench_gateway.js (2,000 warm-up calls, then `rounds` (3; the
// bench runs 5) × 200,000 calls, yielding every 1,000); prints VmHWM − idle
// VmRSS, V8's heapTotal before and at its largest, and what grew outside V8's
// heap (RSS − heapTotal − external: the addon's memory, events queued for the
// writer's thread) with the writer's longest queue. Not timed; one process per
// mode. Add `--max-semi-space-size=8` (node's flag) to see how much of the peak
// is V8's young generation growing to its default 16 MiB per semi-space.
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
  const rounds = Number(process.argv[3] || 3)
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
  const outside = (m, rssKb) => rssKb * 1024 - m.heapTotal - m.external
  let maxHeap = before.heapTotal, maxOutside = outside(before, idle), maxQueued = 0
  for (let r = 0; r < rounds; r++) {
    for (let done = 0; done < 200000; done += 1000) {
      for (let i = done; i < done + 1000; i++) {
        sink = call(ctx, 'search', { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
      }
      maxQueued = Math.max(maxQueued, writer.stats().queued)
      if (done % 20000 === 0) {
        const m = process.memoryUsage()
        maxHeap = Math.max(maxHeap, m.heapTotal)
        maxOutside = Math.max(maxOutside, outside(m, kb('VmRSS')))
      }
      await yieldLoop()
    }
  }
  await writer.close()
  if (sink === undefined) throw new Error('no result')
  console.log(`${mode.padEnd(4)}  peak RSS above idle ${((kb('VmHWM') - idle) / 1024).toFixed(1)} MiB;  V8 heapTotal ${mib(before.heapTotal)} -> ${mib(maxHeap)} MiB;  outside V8 +${mib(maxOutside - outside(before, idle))} MiB (writer queue up to ${maxQueued} events)`)
  fs.rmSync(dir, { recursive: true, force: true })
}

main()
