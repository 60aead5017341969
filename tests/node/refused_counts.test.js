// Issue 15 item 4: refused calls (unknown tool, budget, loop guard) are
// counted apart from failed ones, in run_end and in the run summaries.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const tooltrail = require('tooltrail')

test('refused and failed calls are counted apart', async () => {
  const dir = tempDir('tt-refused-')
  const writer = new tooltrail.EventWriter({ path: dir })
  const config = { budgets: { loop_guard: { warn_after: 1, block_after: 2 } } }
  const gw = new tooltrail.ToolGateway({
    impls: { fetch: () => 'x', boom: () => { throw new Error('slow') } },
    logger: writer,
    config,
  })
  await assert.rejects(gw.run({ run_id: 'loop', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }, async (run) => {
    run.call('fetch', { url: 'a' })
    assert.throws(() => run.call('boom', {}), /slow/)
    assert.throws(() => run.call('nope', {}), (e) => e.code === 'unknown_tool')
    run.call('fetch', { url: 'a' }) // the second identical call: refused
  }), (e) => e.code === 'loop_detected')
  assert.equal(await writer.flush(10000), true)
  await writer.close()
  const logs = new tooltrail.Logs(dir)
  const [summary] = logs.runs()
  assert.deepEqual([summary.tool_calls, summary.errors, summary.refused], [2, 1, 2])
  const end = logs.timeline('loop').find((e) => e.event === 'run_end')
  assert.deepEqual([end.tool_calls, end.errors, end.refused], [2, 1, 2])
  fs.rmSync(dir, { recursive: true, force: true })
})
