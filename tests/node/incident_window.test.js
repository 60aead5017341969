// The incident window (issue 15 item 8) and a run's own agent_id (item 9)
// through the Node binding, on a deterministic clock (no sleeping).
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const tooltrail = require('tooltrail')

const SECRET = { to: 'alice@example.com', api_key: 'sk-live-1234567890abcdef', body: 'hello' }
const CTX = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }

function gateway(config) {
  const events = []
  const gw = new tooltrail.ToolGateway({
    impls: { send: () => 'sent' }, logger: { event: (n, f) => events.push([n, f]) }, config,
    deterministic: '2026-11-24T19:57:40Z',
  })
  return { gw, events, names: () => events.map(([n]) => n) }
}

test('an incident window stores redacted args, then stops by itself', () => {
  const { gw, events, names } = gateway()
  gw.call(CTX, 'send', SECRET)
  assert.equal('args' in events[0][1], false)
  const until = gw.incidentWindow({ minutes: 15 })
  assert.equal(until, '2026-11-24T20:12:40.000000Z')
  assert.deepEqual(events.at(-1), ['incident_window_open', {
    ts: '2026-11-24T19:57:40.000000Z', run_id: null, trace_id: null, span_id: null, request_id: null, user_id: null, until,
  }])
  gw._advanceClock(14 * 60e6)
  events.length = 0
  gw.call(CTX, 'send', SECRET)
  const text = JSON.stringify(events[0][1].args)
  assert.equal(events[0][1].args.body, 'hello')
  assert.ok(!text.includes('alice@example.com') && !text.includes('sk-live-1234567890abcdef') && text.includes('[REDACTED:'), text)
  gw._advanceClock(60e6)
  events.length = 0
  gw.call(CTX, 'send', SECRET)
  assert.deepEqual(names(), ['incident_window_close', 'tool_call', 'tool_result'])
  assert.equal(events[0][1].until, until)
  assert.equal('args' in events[1][1], false)
})

test('a configured window, closing early, and bad lengths', () => {
  const { gw, events, names } = gateway({ logging: { tool_calls: { store_args_until: '2026-11-24T20:07:40Z' } } })
  gw.call(CTX, 'send', SECRET)
  assert.deepEqual(names(), ['incident_window_open', 'tool_call', 'tool_result'])
  assert.ok('args' in events[1][1])
  assert.equal(gw.incidentWindow({ minutes: 0 }), '2026-11-24T19:57:40.000000Z')
  assert.equal(names().at(-1), 'incident_window_close')
  gw.incidentWindow({ seconds: 30 })
  gw._advanceClock(30e6)
  gw.checkAlerts()
  assert.equal(names().at(-1), 'incident_window_close')
  for (const [length, key] of [[{}, 'minutes'], [{ minutes: -1 }, 'minutes'], [{ seconds: NaN }, 'seconds'], [{ minutes: '15' }, 'minutes']]) {
    assert.throws(() => gw.incidentWindow(length), (e) => e.code === 'invalid_argument' && e.key === key)
  }
  assert.throws(() => gateway({ logging: { tool_calls: { store_args_until: 'tomorrow' } } }),
    (e) => e.code === 'config_error' && e.key === 'logging.tool_calls.store_args_until')
})

test("a run's agent_id is on every event of the run", async () => {
  const { gw, events } = gateway({ logging: { agent_id: 'default-bot', ids: { request_id: 'optional' } } })
  await gw.run({ run_id: 'r1', agent_id: 'billing-bot' }, async (run) => {
    assert.equal(run.ctx.agent_id, 'billing-bot')
    run.call('send', { body: 'x' })
    gw.call({ run_id: 'r1', trace_id: run.traceId }, 'send', { body: 'y' })
  })
  assert.deepEqual(events.map(([, f]) => f.agent_id), Array(6).fill('billing-bot'))
  gw.call(CTX, 'send', {})
  assert.equal(events.at(-1)[1].agent_id, 'default-bot')
  assert.throws(() => gw.call({ ...CTX, agent_id: 7 }, 'send', {}), (e) => e.code === 'invalid_argument' && e.key === 'ctx.agent_id')
})
