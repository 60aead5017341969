// Runs in Node: the shared runs scenario byte for byte, concurrent runs,
// error/cancelled ends, and alert transitions on a controllable clock.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'vectors', 'gateway')
const OPTIONAL_REQ = { logging: { ids: { request_id: 'optional' } } }

function memory() {
  const events = []
  return { events, event: (n, f) => events.push([n, f]) }
}

test('runs scenario bytes match the golden file', async () => {
  const scenario = JSON.parse(fs.readFileSync(path.join(DIR, 'runs.json'), 'utf8'))
  const dir = tempDir('tt-runs-')
  const writer = new tooltrail.EventWriter({ path: dir })
  let action
  let gw
  const tool = async () => {
    gw._advanceClock(action.latency_us)
    if ('return' in action.outcome) return action.outcome.return
    throw Object.assign(new Error(action.outcome.message), { status: action.outcome.status })
  }
  const impls = Object.fromEntries(scenario.tools.map((t) => [t, tool]))
  gw = new tooltrail.ToolGateway({ impls, logger: writer, config: scenario.config, _deterministic: scenario.start_us })
  for (const run of scenario.runs) {
    try {
      await gw.run(run.ids, async (r) => {
        for (action of run.actions) {
          if (action.call) {
            try {
              await r.call(action.call, action.args)
            } catch (err) {
              assert.ok(['budget_exceeded', 'loop_detected'].includes(err.code) || err.status === 500, String(err))
            }
          } else if (action.step) {
            try { r.step() } catch (err) { assert.equal(err.budget, 'max_steps') }
          } else if (action.spend) r.addSpend(action.spend)
          else if (action.advance_us) gw._advanceClock(action.advance_us)
          else if (action.stop) r.stop(action.stop)
          else if (action.raise) throw new Error(action.raise)
        }
      })
    } catch (err) {
      assert.equal(err.message, 'agent bug')
    }
  }
  assert.equal(writer.closeSync(10000), true)
  const got = fs.readFileSync(path.join(dir, 'tooltrail.jsonl'), 'utf8')
  const ends = got.split('\n').filter((l) => l.includes('"run_end"')).map((l) => JSON.parse(l).stop_reason)
  assert.deepEqual(ends, scenario.expected_stop_reasons)
  assert.equal(got, fs.readFileSync(path.join(DIR, 'runs.expected.jsonl'), 'utf8'))
})

test('concurrent runs under Promise.all keep their ids apart', async () => {
  const log = memory()
  const gw = new tooltrail.ToolGateway({ impls: { t: async ({ run }) => run }, logger: log, config: OPTIONAL_REQ })
  await Promise.all([0, 1, 2, 3].map((k) => gw.run({ run_id: `p-${k}` }, async (r) => {
    for (let i = 0; i < 5; i++) {
      await r.call('t', { run: `p-${k}` })
      await new Promise((res) => setImmediate(res))
    }
  })))
  for (const [n, f] of log.events) if (n === 'tool_call') assert.equal(f.args_hash, tooltrail.stableHash({ run: f.run_id }))
  const ends = log.events.filter(([n]) => n === 'run_end').map(([, f]) => [f.run_id, f.tool_calls, f.stop_reason])
  assert.deepEqual(ends.sort(), [0, 1, 2, 3].map((k) => [`p-${k}`, 5, 'completed']))
})

test('ids are generated; traceparent is continued; explicit start/end', () => {
  const log = memory()
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: log, config: OPTIONAL_REQ })
  const run = gw.startRun({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })
  assert.equal(run.runId.length, 32)
  assert.equal(run.traceId, '0af7651916cd43dd8448eb211c80319c')
  run.call('t', {})
  assert.match(run.traceparent(), /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/)
  run.end()
  run.end()
  const [start] = log.events.filter(([n]) => n === 'run_start').map(([, f]) => f)
  assert.equal(start.parent_span_id, 'b7ad6b7169203331')
  assert.equal(log.events.filter(([n]) => n === 'run_end').length, 1)
})

test('a throwing run ends error, an aborted one cancelled; bad stop reasons throw', async () => {
  const log = memory()
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: log, config: OPTIONAL_REQ })
  await assert.rejects(gw.run({ run_id: 'e' }, async () => { throw new TypeError('agent bug') }), TypeError)
  await assert.rejects(gw.run({ run_id: 'c' }, async () => { throw new DOMException('stop', 'AbortError') }))
  await assert.rejects(gw.run({ run_id: 'b' }, async (r) => r.stop('bored')), (e) => e instanceof tooltrail.TooltrailError)
  const ends = Object.fromEntries(log.events.filter(([n]) => n === 'run_end').map(([, f]) => [f.run_id, f.stop_reason]))
  assert.deepEqual(ends, { e: 'error', c: 'cancelled', b: 'error' })
  assert.deepEqual([...tooltrail.STOP_REASONS], ['completed', 'error', 'max_tool_calls', 'max_steps', 'max_duration',
    'max_spend', 'loop_detected', 'cancelled', 'timeout'])
})

test('alerts fire above the threshold, hold with hysteresis, resolve as the window slides', () => {
  const log = memory()
  const seen = []
  const config = { logging: { ids: { request_id: 'optional' }, alerts: { timeout_rate: { warn: 0.2, critical: 0.4 }, window_s: 60,
    min_calls: 5, validation_fail_rate: null, tool_calls_per_run_p95: null } } }
  const gw = new tooltrail.ToolGateway({
    impls: { t: ({ fail }) => { if (fail) throw new DOMException('slow', 'TimeoutError'); return 1 } },
    logger: log, config, onAlert: (f) => seen.push(f.level), _deterministic: 0,
  })
  const ctx = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }
  const call = (fail) => { try { gw.call(ctx, 't', { fail }) } catch {} }
  for (let i = 0; i < 4; i++) call(false)
  call(true) // 1/5 = 0.2: at the threshold, not above
  call(true); call(true)
  gw._advanceClock(30000000)
  for (let i = 0; i < 3; i++) call(false) // critical holds at 3/8 and 3/9 (hysteresis)
  gw._advanceClock(31000000)
  gw.checkAlerts() // 3 calls left: under min_calls
  const alerts = log.events.filter(([n]) => n === 'alert')
    .map(([, f]) => [f.rule, f.level, f.value, f.threshold, f.tripped_run_id])
  assert.deepEqual(alerts, [['timeout_rate', 'warn', 0.333333, 0.2, 'r'], ['timeout_rate', 'critical', 0.428571, 0.4, 'r'],
    ['timeout_rate', 'warn', 0.3, 0.2, 'r'], ['timeout_rate', 'resolved', 0, 0.2, undefined]])
  assert.deepEqual(seen, ['warn', 'critical', 'warn', 'resolved'])
  assert.equal(gw.metrics().alerts.timeout_rate, 'ok')
})
