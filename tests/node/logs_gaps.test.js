// What the logs say is missing from them (skipped lines, writer_dropped
// reports), for library callers as for the CLI (issue 13 item 14), and an
// unknown run as a typed error (issue 13 item 15).
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const RUNS = path.join(ROOT, 'tests', 'vectors', 'gateway', 'runs.expected.jsonl')
const MAX_LINE = 16 << 20 // core/query/src/reader.rs MAX_LINE_BYTES

const dropped = (count, reason) => JSON.stringify({ v: 1, ts: '2026-01-01T00:00:00.000000Z', event: 'writer_dropped',
  run_id: null, trace_id: null, span_id: null, request_id: null, user_id: null, count, reason })

function incompleteLogs(t) {
  const dir = tempDir('tooltrail-gaps-')
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const lines = [dropped(7, 'queue_full'), 'this is not json', 'x'.repeat(MAX_LINE + 1), dropped(2, 'sink_error'),
    dropped(3, 'queue_full')]
  fs.writeFileSync(path.join(dir, 'tooltrail.jsonl'), lines.join('\n') + '\n' + fs.readFileSync(RUNS, 'utf8'))
  return dir
}

// process.emitWarning is asynchronous: collect what one call emits.
async function warningsOf(fn) {
  const seen = []
  const on = (w) => seen.push(w)
  process.on('warning', on)
  try {
    fn()
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('warning', on)
  }
  return seen.filter((w) => w.name === 'TooltrailWarning')
}

test('gaps() says what the record is missing', (t) => {
  const dir = incompleteLogs(t)
  assert.deepEqual(new tooltrail.Logs(dir).gaps(), {
    complete: false, skipped_lines: 2, too_long_lines: 1,
    dropped: { queue_full: 10, sink_error: 2, closed: 0 }, dropped_events: 12,
  })
  assert.deepEqual(new tooltrail.Logs(RUNS).gaps(), {
    complete: true, skipped_lines: 0, too_long_lines: 0,
    dropped: { queue_full: 0, sink_error: 0, closed: 0 }, dropped_events: 0,
  })
})

test('an answer from an incomplete record warns, once per state', async (t) => {
  const dir = incompleteLogs(t)
  const logs = new tooltrail.Logs(dir)
  const [first] = await warningsOf(() => logs.runs())
  assert.ok(first, 'no warning')
  assert.equal(first.code, 'TOOLTRAIL_INCOMPLETE_LOG')
  assert.match(first.message, /2 malformed lines skipped \(1 over 16 MiB\); 12 events dropped by writers \(queue_full 10, sink_error 2\)/)
  assert.ok(first.message.includes(dir))
  // The same record again: already said. A complete one, or gaps(): never.
  assert.deepEqual(await warningsOf(() => { logs.stats(); logs.loops(); logs.alerts() }), [])
  // A run's timeline reads only the lines that may be the run's or a drop
  // report: not the line that is not JSON, but the one too long to read.
  const [timeline] = await warningsOf(() => logs.timeline('run-loop'))
  assert.match(timeline.message, /: 1 malformed line skipped \(1 over 16 MiB\); 12 events dropped by writers/)
  assert.deepEqual(await warningsOf(() => { new tooltrail.Logs(RUNS).runs(); logs.gaps() }), [])
  // More lost since: said again.
  fs.appendFileSync(path.join(dir, 'tooltrail.jsonl'), dropped(1, 'sink_error') + '\n')
  assert.equal((await warningsOf(() => tooltrail.agentMetrics(null, { path: dir }))).length, 1)
  // The answers themselves are whole: the known run is there.
  assert.deepEqual(logs.runs({ stopReason: 'loop_detected' }).map((r) => r.run_id), ['run-loop'])
})

test('an unknown run is a typed error', (t) => {
  // Before, timeline() answered [] where `tooltrail show` failed.
  const check = (e) => e instanceof tooltrail.TooltrailError && e.code === 'unknown_run' && e.runId === 'no-such-run' &&
    e.message.includes('no-such-run')
  assert.throws(() => new tooltrail.Logs(RUNS).timeline('no-such-run'), (e) => check(e) && !e.message.includes('incomplete'))
  // In an incomplete record the run's events may be what was lost: say so.
  assert.throws(() => new tooltrail.Logs(incompleteLogs(t)).timeline('no-such-run'),
    (e) => check(e) && e.message.includes('the record is incomplete'))
})
