// Tests of the example agent (examples/agent.js) with tooltrail/testing. The
// tools are scripted by examples/scenario.json, as for the Python agent's
// tests (examples/test_agent.py): both must match one snapshot.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { recorder } = require('tooltrail/testing')
const { makeGateway, handle } = require('./agent')

const SCENARIO = JSON.parse(fs.readFileSync(path.join(__dirname, 'scenario.json'), 'utf8'))
// The shared snapshot (TOOLTRAIL_EXAMPLE_SNAPSHOT: tests/cross checks both languages write it alike).
const SNAPSHOT = process.env.TOOLTRAIL_EXAMPLE_SNAPSHOT || path.join(__dirname, 'snapshots', 'support.jsonl')

/** Each tool answers from the scenario, in order. */
function scriptedTools() {
  const tools = {}
  for (const [name, answers] of Object.entries(SCENARIO.answers)) {
    const queue = [...answers]
    tools[name] = async () => {
      const step = queue.shift()
      if (step.raise) throw Object.assign(new Error(step.raise.message), { status: step.raise.status })
      return step.return
    }
  }
  return tools
}

async function runRequests(rec) {
  const gw = makeGateway(scriptedTools(), rec, { agentId: 'support', deterministic: true })
  for (let i = 0; i < SCENARIO.requests; i++) {
    await handle(gw, i, 'support').catch(() => {}) // the agent gives up; the run says why
  }
}

test('a rate limit is retried and the request completes', async (t) => {
  const rec = recorder(t)
  await runRequests(rec)
  const run = rec.run('support-run-0')
  assert.equal(run.stopReason, 'completed')
  assert.deepEqual(run.toolSequence(), ['search_orders', 'search_orders', 'get_invoice', 'send_email'])
  assert.deepEqual(run.errors().map((e) => e.error_class), ['rate_limited'])
  const hashes = run.argsHashes() // the retry sent the same arguments: the same hash
  assert.ok(hashes[0] === hashes[1] && new Set(hashes).size === 3)
})

test('a degraded invoice fails validation and ends the run in error', async (t) => {
  const rec = recorder(t)
  await runRequests(rec)
  const run = rec.run('support-run-1')
  assert.equal(run.stopReason, 'error')
  const [failed] = run.calls({ tool: 'get_invoice' })
  assert.equal(failed.ok, false)
  assert.equal(failed.error_class, 'validation_failed')
  assert.ok(!run.toolSequence().includes('send_email'))
})

test('the last run stops on a 5xx and no address is logged', async (t) => {
  const rec = recorder(t)
  await runRequests(rec)
  const last = rec.lastRun()
  assert.equal(last.runId, 'support-run-2')
  assert.equal(last.stopReason, 'error')
  assert.deepEqual(last.errorClasses, ['http_5xx'])
  assert.ok(rec.lines().every((line) => !line.includes('customer@example.com')))
})

test('the runs match the snapshot shared with the Python agent', async (t) => {
  const rec = recorder(t)
  await runRequests(rec)
  assert.deepEqual(rec.runs().map((r) => r.stopReason), ['completed', 'error', 'error'])
  rec.assertMatchesSnapshot(SNAPSHOT)
})

test('a changed behaviour fails the snapshot', async (t) => {
  const rec = recorder(t)
  await runRequests(rec)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-snap-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const changed = path.join(dir, 'changed.jsonl')
  fs.writeFileSync(changed, fs.readFileSync(SNAPSHOT, 'utf8').replace('"stop_reason":"completed"', '"stop_reason":"error"'))
  assert.throws(() => rec.assertMatchesSnapshot(changed), (e) => e.code === 'snapshot_mismatch' && /TOOLTRAIL_UPDATE_SNAPSHOTS/.test(e.message))
})
