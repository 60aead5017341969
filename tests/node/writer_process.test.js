// Process-level exit safety of the Node EventWriter: a child process writes
// 10,000 events and ends in each ordinary way; every event must be on disk.
// The child's writer lingers up to 1 s with huge batches, so at exit most
// events are still queued: only the exit hooks can save them.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const ROOT = path.resolve(__dirname, '..', '..')
const N = 10000
const PRELUDE = `
const tooltrail = require('tooltrail')
const w = new tooltrail.EventWriter({ path: process.argv[1], flushInterval: 1000, batchEvents: 100000 })
function emit(n, who = 'main') { for (let i = 0; i < n; i++) w.event('e', { who, i }) }
`

function tmpdir() {
  return tempDir('tooltrail-node-')
}

function eventsIn(dir) {
  const out = []
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line) out.push(JSON.parse(line))
    }
  }
  return out.filter((e) => e.event === 'e')
}

function assertAll(dir, counts) {
  const events = eventsIn(dir)
  for (const [who, n] of Object.entries(counts)) {
    const got = events.filter((e) => e.who === who).map((e) => e.i).sort((a, b) => a - b)
    assert.equal(got.length, n, `${who}: ${got.length} of ${n}`)
    got.forEach((v, i) => assert.equal(v, i))
  }
  assert.equal(events.length, Object.values(counts).reduce((a, b) => a + b, 0))
}

function runChild(body) {
  const dir = path.join(tmpdir(), 'logs')
  const r = spawnSync(process.execPath, ['-e', PRELUDE + body, dir], { cwd: ROOT, encoding: 'utf8', timeout: 60000 })
  return { r, dir }
}

test('natural end without close', () => {
  const { r, dir } = runChild(`emit(${N})`)
  assert.equal(r.status, 0, r.stderr)
  assertAll(dir, { main: N })
})

test("'exit' handlers in either order keep their events", () => {
  // A process.on('exit') handler added after the writer runs after the
  // writer's own hook closed it; before, its event was dropped as `closed`
  // without a trace. Now both orders reach the file (issue 13 item 2).
  const body = `
    process.on('exit', () => w.event('e', { who: 'late_handler', i: 0 }))
    emit(1000)`
  const early = `process.on('exit', () => w.event('e', { who: 'early_handler', i: 0 }));`
  const dir = path.join(tmpdir(), 'logs')
  const r = spawnSync(process.execPath, ['-e', early + PRELUDE + body, dir], { cwd: ROOT, encoding: 'utf8', timeout: 60000 })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stderr, '')
  assertAll(dir, { main: 1000, late_handler: 1, early_handler: 1 })
})

test('process.exit(3) keeps the exit code', () => {
  const { r, dir } = runChild(`emit(${N}); process.exit(3)`)
  assert.equal(r.status, 3, r.stderr)
  assertAll(dir, { main: N })
})

test('uncaught exception', () => {
  const { r, dir } = runChild(`emit(${N}); throw new Error('boom')`)
  assert.equal(r.status, 1)
  assert.match(r.stderr, /boom/)
  assertAll(dir, { main: N })
})

for (const sig of ['SIGTERM', 'SIGINT']) {
  test(`${sig} without an app handler`, async () => {
    const dir = path.join(tmpdir(), 'logs')
    const child = spawn(process.execPath, ['-e', PRELUDE + `emit(${N}); console.log('ready'); setTimeout(() => {}, 30000)`, dir], { cwd: ROOT })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += d })
    await new Promise((resolve) => child.stdout.once('data', resolve))
    child.kill(sig)
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])))
    // The default disposition is kept: the process still dies of the signal.
    assert.equal(signal, sig, `code ${code} ${stderr}`)
    assertAll(dir, { main: N })
  })
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  test(`${sig} during a busy loop still ends the process by ${sig}, with every event`, async () => {
    // libuv catches the signal into its pipe, but the loop never polls it
    // again: the script ran to its end and the process exited 0, the JS
    // listener unrun (issue 13 item 11). Causality, no clock: the child
    // emits until the marker exists, which the parent creates only after
    // kill() returned. An 'exit' handler added later must still run.
    const root = tmpdir()
    const dir = path.join(root, 'logs')
    const marker = path.join(root, 'signalled')
    const body = `
      const fs = require('node:fs')
      const b = new tooltrail.EventWriter({ path: process.argv[1] + '-b', overflow: 'block', blockTimeout: 60000 })
      process.on('exit', () => w.event('e', { who: 'exit_handler', i: 0 }))
      fs.writeSync(1, 'ready\\n')
      let n = 0
      while (!fs.existsSync(${JSON.stringify(marker)})) b.event('e', { who: 'busy', i: n++ })
      for (let k = 0; k < 1000; k++) b.event('e', { who: 'busy', i: n++ })
      emit(${N})
      fs.writeSync(1, 'n=' + n + '\\n')`
    const child = spawn(process.execPath, ['-e', PRELUDE + body, dir], { cwd: ROOT })
    let out = ''
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += d })
    await new Promise((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve() }))
    child.kill(sig)
    fs.writeFileSync(marker, '')
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])))
    assert.equal(signal, sig, `code ${code}, stdout ${out}, stderr ${stderr}`)
    const n = Number(/n=(\d+)/.exec(out)[1])
    assertAll(dir, { main: N, exit_handler: 1 })
    assertAll(dir + '-b', { busy: n })
  })
}

test('an app SIGTERM handler is left alone', async () => {
  const dir = path.join(tmpdir(), 'logs')
  const body = `process.on('SIGTERM', () => { console.log('app handler'); process.exit(7) })
  const w2 = new tooltrail.EventWriter({ path: process.argv[1] + '-2' })
  emit(${N}); console.log('ready'); setTimeout(() => {}, 30000)`
  const child = spawn(process.execPath, ['-e', PRELUDE + body, dir], { cwd: ROOT })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  await new Promise((resolve) => { const t = setInterval(() => { if (out.includes('ready')) { clearInterval(t); resolve() } }, 10) })
  child.kill('SIGTERM')
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)))
  assert.equal(code, 7)
  assert.match(out, /app handler/)
  assertAll(dir, { main: N })
})

test('worker thread events all arrive when the worker ends', () => {
  const body = `
  const { Worker } = require('node:worker_threads')
  const code = ${JSON.stringify(PRELUDE)}.replace('process.argv[1]', 'require("node:worker_threads").workerData') + "emit(${N}, 'worker')"
  const wk = new Worker(code, { eval: true, workerData: process.argv[1] })
  wk.on('exit', (c) => { if (c !== 0) process.exit(9); emit(10, 'main') })`
  const { r, dir } = runChild(body)
  assert.equal(r.status, 0, r.stderr)
  assertAll(dir, { worker: N, main: 10 })
})

test('files are private', () => {
  const { r, dir } = runChild('emit(10)')
  assert.equal(r.status, 0, r.stderr)
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600)
  }
})
