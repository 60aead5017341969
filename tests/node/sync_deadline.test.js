// Issue 15 item 6: a sync tool cannot be interrupted, but a call that
// returned after its tool's timeout says so (`deadline_ms`,
// `deadline_exceeded`); its value is still returned and it is still `ok`.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const tooltrail = require('tooltrail')

const CTX = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }

test('a sync tool past its timeout is marked', () => {
  const events = []
  const slow = () => {
    const until = Date.now() + 150
    while (Date.now() < until) { /* busy: a sync tool */ }
    return 'late'
  }
  const gw = new tooltrail.ToolGateway({
    impls: { slow, fast: () => 'ok' },
    logger: { event: (n, f) => events.push([n, f]) },
    timeouts: { slow: 50, fast: 10000 },
  })
  assert.equal(gw.call(CTX, 'slow', {}), 'late')
  assert.equal(gw.call(CTX, 'fast', {}), 'ok')
  const [late, fast] = events.filter(([n]) => n === 'tool_result').map(([, f]) => f)
  assert.deepEqual([late.ok, late.deadline_ms, late.deadline_exceeded], [true, 50, true])
  assert.ok(late.latency_ms > 50 && !('error_class' in late))
  assert.ok(!('deadline_ms' in fast) && !('deadline_exceeded' in fast))
})

test('a bad timeout names the tool', () => {
  // Before: skipped without a word (no timeout at all), and 3e9 ms made
  // setTimeout fire after 1 ms.
  for (const bad of ['100', 0, -1, true, null, NaN, Infinity, 3e9, [1]]) {
    assert.throws(() => new tooltrail.ToolGateway({ impls: { slow: () => 1 }, timeouts: { slow: bad } }), (e) => {
      assert.equal(e.code, 'invalid_argument', `${bad}: ${e.message}`)
      assert.equal(e.key, 'timeouts.slow', `${bad}: ${e.message}`)
      return true
    })
  }
  assert.throws(() => new tooltrail.ToolGateway({ impls: {}, timeouts: 5 }), (e) => e.code === 'invalid_argument' && e.key === 'timeouts')
})
