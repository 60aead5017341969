// tooltrail/testing (issue 18): the recorder holds the file sink's bytes, its
// answers, the node:test helper, the public deterministic option.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { Recorder, recorder } = require('tooltrail/testing')

const impls = {
  search: ({ q }) => ({ hits: [q] }),
  fail: () => {
    throw new TypeError('nope')
  },
}

async function scenario(logger) {
  const gw = new tooltrail.ToolGateway({
    impls, logger, deterministic: true, config: { budgets: { loop_guard: { warn_after: 1, block_after: 2 } } },
  })
  await gw.run({ run_id: 'r1', request_id: 'q1' }, (run) => {
    run.call('search', { q: 'x' })
    assert.throws(() => run.call('fail', {}), TypeError)
    assert.throws(() => run.call('search', { q: 'x' }), (e) => e.code === 'loop_detected')
  })
  await gw.run({ run_id: 'r2', request_id: 'q2' }, (run) => run.call('search', { q: 'y' }))
}

const tmp = () => tempDir('tt-testing-')

test('the recorder holds the bytes the file sink writes', async (t) => {
  const dir = tmp()
  const writer = new tooltrail.EventWriter({ path: dir })
  await scenario(writer)
  await writer.close()
  const rec = recorder(t)
  await scenario(rec)
  assert.equal(rec.lines().map((l) => l + '\n').join(''), fs.readFileSync(path.join(dir, 'tooltrail.jsonl'), 'utf8'))
})

test('runs, calls, sequences, hashes and errors', async (t) => {
  const rec = recorder(t)
  await scenario(rec)
  assert.deepEqual(rec.runs().map((r) => r.runId), ['r1', 'r2'])
  const run = rec.run('r1')
  assert.equal(run.stopReason, 'loop_detected')
  assert.deepEqual(run.toolSequence(), ['search', 'fail', 'search'])
  assert.deepEqual([run.toolCalls, run.errorCount, run.refused, run.tools], [2, 1, 1, ['search', 'fail']])
  const hashes = run.argsHashes()
  assert.equal(hashes[0], tooltrail.stableHash({ q: 'x' }))
  assert.equal(hashes[2], hashes[0])
  assert.deepEqual(run.errors().map((e) => [e.tool, e.error_class, e.decision]), [
    ['fail', 'TypeError', 'allow'], ['search', 'loop_detected', 'block']])
  assert.deepEqual(run.calls({ tool: 'search' }).map((c) => c.seq), [1, 3])
  assert.equal(rec.lastRun().runId, 'r2')
  assert.deepEqual(rec.events({ event: 'run_end' }).map((e) => e.event), ['run_end', 'run_end'])
})

test('unknown runs are query errors; clear forgets', async (t) => {
  const rec = recorder(t)
  assert.throws(() => rec.lastRun(), (e) => e.code === 'query_error')
  assert.throws(() => rec.run('nope'), (e) => e.code === 'query_error')
  await scenario(rec)
  rec.clear()
  assert.deepEqual(rec.runs(), [])
})

test('snapshots are created, matched and failed', async (t) => {
  const saved = process.env.TOOLTRAIL_UPDATE_SNAPSHOTS
  delete process.env.TOOLTRAIL_UPDATE_SNAPSHOTS
  t.after(() => { if (saved !== undefined) process.env.TOOLTRAIL_UPDATE_SNAPSHOTS = saved })
  const rec = recorder(t)
  await scenario(rec)
  const file = path.join(tmp(), 'snap', 'r1.jsonl')
  assert.equal(rec.run('r1').assertMatchesSnapshot(file), 'created')
  assert.equal(rec.run('r1').assertMatchesSnapshot(file), 'matched')
  assert.throws(() => rec.run('r2').assertMatchesSnapshot(file),
    (e) => e instanceof tooltrail.TooltrailError && e.code === 'snapshot_mismatch' && e.path === file)
  // A file: URL or bytes name the same file (String(url) made a file named
  // "file:/..." before); another scheme is a TypeError.
  assert.equal(rec.run('r1').assertMatchesSnapshot(require('node:url').pathToFileURL(file)), 'matched')
  assert.equal(rec.run('r1').assertMatchesSnapshot(Buffer.from(file)), 'matched')
  assert.throws(() => rec.run('r1').assertMatchesSnapshot(new URL('https://example.com/r1.jsonl')),
    (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE')
  assert.throws(() => rec.run('r1').assertMatchesSnapshot(Buffer.from([0xff, 0xfe])),
    (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_VALUE')
})

test('the deterministic option', async () => {
  const rec = new Recorder()
  const gw = new tooltrail.ToolGateway({ impls, logger: rec, deterministic: '2030-05-01T00:00:00Z' })
  await gw.run({ run_id: 'r', request_id: 'q' }, (run) => run.call('search', { q: 1 }))
  assert.equal(rec.events()[0].ts, '2030-05-01T00:00:00.000000Z')
  assert.equal(rec.events()[0].trace_id, '00000000000000010000000000000002')
  for (const bad of ['yesterday', 5]) {
    assert.throws(() => new tooltrail.ToolGateway({ impls, logger: rec, deterministic: bad }),
      (e) => e.code === 'invalid_argument' && e.key === 'deterministic')
  }
  rec.closeSync()
})
