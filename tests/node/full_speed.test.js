// Issue 13 item 4: 200,000 gateway calls in a tight loop with the default
// EventWriter lose nothing (the bench measures the speed, this the count).
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')

const CALLS = 200000

test('a tight loop with the default writer drops nothing', async () => {
  const dir = tempDir('tt-speed-')
  const writer = new tooltrail.EventWriter({ path: dir })
  const gw = new tooltrail.ToolGateway({ impls: { search: () => ({ hits: [] }) }, logger: writer })
  const ctx = { run_id: 'run-bench-2', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }
  for (let i = 0; i < CALLS; i++) {
    gw.call(ctx, 'search', { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
  }
  assert.equal(await writer.flush(60000), true)
  const stats = writer.stats()
  await writer.close()
  assert.deepEqual(stats.dropped, { queueFull: 0, sinkError: 0, closed: 0 })
  assert.equal(stats.written, 2 * CALLS)
  let lines = 0
  let reports = 0
  // The logs only, not the lock and the run indexes.
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line) continue
      lines++
      if (JSON.parse(line).event === 'writer_dropped') reports++
    }
  }
  assert.deepEqual([lines, reports], [2 * CALLS, 0])
  fs.rmSync(dir, { recursive: true, force: true })
})
