// The query API over the golden logs: the same answers as the CLI's --json.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const RUNS = path.join(ROOT, 'tests', 'vectors', 'gateway', 'runs.expected.jsonl')
const BASIC = path.join(ROOT, 'tests', 'vectors', 'gateway', 'basic.expected.jsonl')

test('runs, filters, timeline, stats, loops, alerts', () => {
  const logs = new tooltrail.Logs(RUNS)
  assert.deepEqual(logs.runs().map((r) => r.stop_reason), ['max_tool_calls', 'loop_detected', 'max_steps', 'max_spend',
    'max_duration', 'error', 'timeout', 'completed'])
  assert.deepEqual(logs.runs({ stopReason: 'max_spend' }).map((r) => r.run_id), ['run-spend'])
  assert.deepEqual(logs.runs({ errorClass: 'http_5xx' }).map((r) => r.run_id), ['run-completed'])
  const [loop] = logs.loops()
  assert.deepEqual([loop.run_id, loop.count, loop.blocked], ['run-loop', 3, 1])
  const basic = new tooltrail.Logs(BASIC)
  assert.equal(basic.timeline('run-1').length, 19)
  const fetch = basic.stats().tools.find((t) => t.tool === 'fetch_invoice')
  assert.deepEqual(fetch.errors, { http_4xx: 1, http_5xx: 1, rate_limited: 1, timeout: 1 })
  assert.deepEqual(basic.alerts(), [], '9 results: under the default min_calls (20)')
  const replayed = basic.alerts({ config: { logging: { alerts: { min_calls: 1 } } } })
  assert.deepEqual(replayed.map((a) => [a.level, a.tripped_run_id]), [['critical', 'run-1'], ['critical', 'run-1']])
  // stats and loops by agent, as runs: only run-completed has its own agent_id.
  assert.deepEqual(logs.stats({ agentId: 'billing-bot' }).tools.map((t) => [t.tool, t.calls]), [['fetch', 1], ['search', 1]])
  assert.deepEqual(logs.loops({ min: 1, agentId: 'billing-bot' }).map((l) => l.run_id), ['run-completed', 'run-completed'])
  assert.deepEqual(logs.loops({ agentId: 'nobody' }), [])
  assert.throws(() => logs.stats({ agent_id: 'billing-bot' }), (e) => e.code === 'invalid_argument')
  // Governance queries in the seed's shape (agent null: every agent).
  const entries = tooltrail.agentLogs(null, { limit: 3, path: RUNS })
  assert.equal(entries.length, 3)
  for (const e of entries) for (const k of ['ts', 'tool', 'decision', 'args_hash', 'spend_usd', 'reason']) assert.ok(k in e, k)
  assert.deepEqual(new tooltrail.Logs(RUNS).agentLogs(undefined, { limit: 3 }), entries)
  assert.deepEqual(tooltrail.agentLogs('nobody', { path: RUNS }), [])
  const totals = tooltrail.agentMetrics(null, { period: 'all', path: RUNS })
  assert.equal(totals.blocked_actions, new tooltrail.Logs(RUNS).runs().reduce((n, r) => n + r.refused, 0))
  assert.equal(tooltrail.agentMetrics(null, { path: RUNS }).period, 'day')
})

test('same answers as the CLI; typed errors', () => {
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bindings-node', 'cli.js'), 'runs', RUNS, '--json'], { encoding: 'utf8' })
  assert.equal(out.status, 0, out.stderr)
  assert.deepEqual(JSON.parse(out.stdout), new tooltrail.Logs(RUNS).runs())
  assert.throws(() => new tooltrail.Logs('/nonexistent/logs').runs(), (e) => e instanceof tooltrail.TooltrailError && e.code === 'query_error')
})

test('options are checked by the core and name the key', () => {
  const logs = new tooltrail.Logs(RUNS)
  const cases = [
    [() => logs.runs({ bogus: 1 }), 'bogus'],
    [() => logs.runs({ stopReason: 3 }), 'stopReason'],
    [() => logs.runs({ stop_reason: 'max_spend' }), 'stop_reason'],
    [() => tooltrail.agentLogs('a', { limit: -1, path: RUNS }), 'limit'],
    [() => tooltrail.agentMetrics('a', { period: 'fortnight', path: RUNS }), 'period'],
    [() => new tooltrail.Logs(BASIC).stats({ top: '3' }), 'top'],
    [() => logs.loops({ min: -1 }), 'min'],
  ]
  for (const [call, key] of cases) {
    assert.throws(call, (e) => e instanceof tooltrail.TooltrailError && e.code === 'invalid_argument' && e.key === key &&
      e.message.includes(key))
  }
  const basic = new tooltrail.Logs(BASIC)
  assert.deepEqual(basic.stats(), basic.stats({ top: 10 }))
  assert.deepEqual(logs.loops(), logs.loops({ min: 3 }))
  assert.deepEqual(basic.alerts({ config: { logging: { alerts: { timeout_rate: null, validation_fail_rate: null } } } }), [])
})

test('unreadable logs throw query_error, not an empty answer', (t) => {
  const dir = tempDir('tooltrail-logs-')
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.copyFileSync(RUNS, path.join(dir, 'tooltrail.1.jsonl'))
  fs.mkdirSync(path.join(dir, 'tooltrail.jsonl')) // read(2) fails (EISDIR), even as root
  const logs = new tooltrail.Logs(dir)
  for (const ask of [() => logs.runs(), () => logs.stats(), () => logs.loops(), () => logs.alerts(), () => logs.timeline('run-loop')]) {
    assert.throws(ask, (e) => e instanceof tooltrail.TooltrailError && e.code === 'query_error' && e.message.includes('tooltrail.jsonl'))
  }
})
