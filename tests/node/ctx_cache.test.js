// index.js sends a call's ids to the core only when they differ from the
// previous call's: every event must still carry the ids of its own call.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const tooltrail = require('tooltrail')

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

function gateway() {
  const events = []
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: { event: (n, f) => events.push([n, f]) } })
  return { gw, events }
}

test('each call logs its own ids, whether they changed or not', () => {
  const { gw, events } = gateway()
  const a = { run_id: 'a', trace_id: TRACE, request_id: 'q1', user_id: 'u1' }
  const b = { run_id: 'b', trace_id: TRACE, request_id: 'q2' }
  gw.call(a, 't', {})
  gw.call(a, 't', {})
  gw.call(b, 't', {})
  a.user_id = 'u2' // the same object, mutated between calls
  gw.call(a, 't', {})
  gw.call({ ...b }, 't', {}) // equal ids, another object
  const calls = events.filter(([n]) => n === 'tool_call').map(([, f]) => [f.run_id, f.request_id, f.user_id, f.seq])
  assert.deepEqual(calls, [['a', 'q1', 'u1', 1], ['a', 'q1', 'u1', 2], ['b', 'q2', null, 1], ['a', 'q1', 'u2', 3], ['b', 'q2', null, 2]])
})

test('a refused context is checked again on the next call, and a good one still works', () => {
  const { gw, events } = gateway()
  const good = { run_id: 'a', trace_id: TRACE, request_id: 'q' }
  const bad = { run_id: 'a', trace_id: '</script>', request_id: 'q' }
  gw.call(good, 't', {})
  for (let i = 0; i < 2; i++) {
    assert.throws(() => gw.call(bad, 't', {}), (e) => e.code === 'invalid_argument')
  }
  assert.throws(() => gw.call({ run_id: 5, trace_id: TRACE, request_id: 'q' }, 't', {}), (e) => e.code === 'invalid_argument')
  gw.call(good, 't', {})
  const calls = events.filter(([n]) => n === 'tool_call').map(([, f]) => [f.trace_id, f.seq])
  assert.deepEqual(calls, [[TRACE, 1], [TRACE, 2]])
})

test('runs and bare calls interleave without mixing ids', async () => {
  const { gw, events } = gateway()
  const bare = { run_id: 'x', trace_id: TRACE, request_id: 'q' }
  await gw.run({ run_id: 'r1', trace_id: TRACE, request_id: 'q9' }, async (run) => {
    run.call('t', {})
    gw.call(bare, 't', {})
    run.call('t', {})
  })
  const calls = events.filter(([n]) => n === 'tool_call').map(([, f]) => [f.run_id, f.request_id, f.seq])
  assert.deepEqual(calls, [['r1', 'q9', 1], ['x', 'q', 1], ['r1', 'q9', 2]])
})
