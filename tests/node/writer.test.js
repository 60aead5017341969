// In-process behaviour of the Node EventWriter.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { EventWriter, TooltrailError } = require('tooltrail')

const tmp = () => tempDir('tooltrail-w-')
const read = (dir) => fs.readFileSync(path.join(dir, 'tooltrail.jsonl'), 'utf8').split('\n').filter(Boolean)

test('event, flush, stats, close', async () => {
  const dir = tmp()
  const w = new EventWriter({ path: dir })
  assert.equal(w.event('tool_call', { tool: 'search', seq: 1, args_hash: null, skip: undefined }), true)
  assert.equal(await w.flush(5000), true)
  const [line] = read(dir)
  assert.match(line, /^\{"v":1,"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","event":"tool_call","tool":"search","seq":1,"args_hash":null\}$/)
  const s = w.stats()
  assert.deepEqual([s.accepted, s.written, s.dropped.queueFull], [1, 1, 0])
  assert.equal(await w.close(), true)
  assert.equal(w.closeSync(), true)
  assert.equal(w.closed, true)
  // After close, an event is written synchronously rather than lost.
  assert.equal(w.event('late', {}), true)
  assert.equal(w.stats().dropped.closed, 0)
  assert.match(read(dir).at(-1), /"event":"late"/)
})

test('Python and Node write the same line for the same event and ts', () => {
  const dir = tmp()
  const w = new EventWriter({ path: dir })
  w.event('tool_result', { ts: '2026-01-01T00:00:00.000000Z', tool: 'x', latency_ms: 1.5, ok: true, n: 10n })
  w.closeSync()
  assert.deepEqual(read(dir), ['{"v":1,"ts":"2026-01-01T00:00:00.000000Z","event":"tool_result","tool":"x","latency_ms":1.5,"ok":true,"n":10}'])
})

test('bad fields throw and queue nothing', () => {
  const w = new EventWriter({ path: tmp() })
  assert.throws(() => w.event('e', { x: NaN }), (e) => e instanceof TooltrailError && e.path === '$.x')
  assert.equal(w.stats().accepted, 0)
  w.closeSync()
})

test('option errors name the key', () => {
  for (const [opts, key] of [[{ overflow: 'sometimes' }, 'overflow'], [{ flushInterval: 5000 }, 'flushInterval'],
    [{ sink: 's3' }, 'sink'], [{ queueEvents: -1 }, 'queueEvents'], [{ bogus: 1 }, 'bogus'], [{ maxFiles: 0 }, 'maxFiles'],
    // Beyond any sane size: a typed error, never an abort allocating the queue.
    [{ queueEvents: 2 ** 53 }, 'queueEvents'], [{ queueEvents: 1e9 }, 'queueEvents'], [{ batchBytes: 2 ** 60 }, 'batchBytes'],
    [{ maxFileBytes: 2 ** 62 }, 'maxFileBytes']]) {
    assert.throws(() => new EventWriter({ path: tmp(), ...opts }), (e) => {
      assert.ok(e instanceof TooltrailError)
      assert.equal(e.code, 'config_error')
      assert.equal(e.key, key)
      assert.match(e.message, new RegExp(key))
      return true
    })
  }
})

test('an unwritable path throws writer_error naming it', () => {
  const dir = tmp()
  fs.writeFileSync(path.join(dir, 'file'), 'x')
  const bad = path.join(dir, 'file', 'logs')
  assert.throws(() => new EventWriter({ path: bad }), (e) => e.code === 'writer_error' && e.message.includes(bad))
})

test('blocking overflow loses nothing under a burst', () => {
  const dir = tmp()
  const w = new EventWriter({ path: dir, overflow: 'block', blockTimeout: 30000, queueEvents: 64 })
  for (let i = 0; i < 20000; i++) w.event('e', { i })
  assert.equal(w.closeSync(30000), true)
  const lines = read(dir).map((l) => JSON.parse(l).i)
  assert.deepEqual(lines, [...Array(20000).keys()])
})

// A stalled sink: a `flock -x` child holds the directory's lock, so the
// worker blocks in flock() inside its next batch write (bench/node/stall.js).
async function holdLock(dir) { // dir: a writer's, so the lock file exists
  const { spawn } = require('node:child_process')
  const { once } = require('node:events')
  const child = spawn('flock', ['-x', path.join(dir, '.tooltrail.lock'), 'sh', '-c', 'echo locked; exec cat'],
    { stdio: ['pipe', 'pipe', 'inherit'] })
  let seen = ''
  for await (const chunk of child.stdout) {
    seen += chunk
    if (seen.includes('locked')) break
  }
  return async () => {
    child.stdin.end()
    if (child.exitCode === null) await once(child, 'exit')
  }
}

test('pending flushes on a stalled sink leave the libuv thread pool free', async () => {
  // Before, flush()/close() were AsyncTasks: each pending one held a libuv
  // pool thread (4 by default), so an unrelated fs.readFile waited until the
  // flushes timed out (issue 13 item 10). Causality, no clock: the file must
  // be read while every flush is still pending; only then is the sink
  // released. With the old code the read came after the flushes' timeouts.
  const dir = tmp()
  const w = new EventWriter({ path: dir })
  const release = await holdLock(dir)
  const order = []
  let flushes
  try {
    w.event('e', { i: 0 })
    const n = Math.max(8, Number(process.env.UV_THREADPOOL_SIZE || 4) * 2)
    flushes = Array.from({ length: n }, () => w.flush(20000).then((ok) => { order.push('flush'); return ok }))
    await fs.promises.readFile(__filename)
    order.push('readFile')
  } finally {
    await release()
  }
  assert.deepEqual(await Promise.all(flushes), flushes.map(() => true))
  assert.equal(order[0], 'readFile', order.join(' '))
  assert.equal(await w.close(20000), true)
  assert.deepEqual(read(dir).map((l) => JSON.parse(l).i), [0])
})
