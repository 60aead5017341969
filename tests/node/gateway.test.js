// The Node ToolGateway: error classes from real errors, Promises settled
// before logging, validation, unhashable args, config errors, loggers.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const CTX = { run_id: 'run-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', user_id: 'user-1', request_id: 'req-1' }

function gateway(impls, opts = {}) {
  const events = []
  const logger = { event: (name, fields) => events.push([name, fields]) }
  const gw = new tooltrail.ToolGateway({ impls, logger, ...opts })
  const results = () => events.filter(([n]) => n === 'tool_result').map(([, f]) => f)
  return { gw, events, results }
}

async function closedPort() {
  const server = net.createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address()
  await new Promise((r) => server.close(r))
  return port
}

async function classOf(tool) {
  const { gw, results } = gateway({ t: tool })
  try {
    await gw.call(CTX, 't', {})
  } catch {}
  const [r] = results()
  assert.equal(r.ok, false)
  return r.error_class
}

test('error classes from real errors', async () => {
  const port = await closedPort()
  const cases = [
    // AbortSignal.timeout's timer is unref'd: hold the event loop until it fires.
    ['AbortSignal.timeout', () => new Promise((_, reject) => {
      const s = AbortSignal.timeout(5)
      const hold = setTimeout(() => {}, 10000)
      s.addEventListener('abort', () => { clearTimeout(hold); reject(s.reason) })
    }), 'timeout'],
    ['AbortController.abort', () => { const c = new AbortController(); const p = new Promise((_, j) => c.signal.addEventListener('abort', () => j(c.signal.reason))); c.abort(); return p }, 'cancelled'],
    ['net ECONNREFUSED', () => new Promise((_, reject) => net.connect(port, '127.0.0.1').on('error', reject)), 'network'],
    ['fetch to a closed port', () => fetch(`http://127.0.0.1:${port}/`), 'network'],
    ['status 429', () => { throw Object.assign(new Error('slow'), { status: 429 }) }, 'rate_limited'],
    ['statusCode 404', async () => { throw Object.assign(new Error('nf'), { statusCode: 404 }) }, 'http_4xx'],
    ['response.status 500', () => { throw Object.assign(new Error('x'), { response: { status: 500 } }) }, 'http_5xx'],
    ['ENOTFOUND code', () => { throw Object.assign(new Error('dns'), { code: 'ENOTFOUND' }) }, 'network'],
    ['ETIMEDOUT code', () => { throw Object.assign(new Error('t'), { code: 'ETIMEDOUT' }) }, 'timeout'],
    ['TypeError', () => null.x, 'TypeError'],
    ['custom class', () => { class QuotaError extends Error {} throw new QuotaError('q') }, 'QuotaError'],
    ['thrown string', () => { throw 'oops' }, 'string'],
    ['thrown undefined', () => { throw undefined }, 'undefined'],
    ['rejected number', () => Promise.reject(42), 'number'],
  ]
  for (const [label, tool, expected] of cases) {
    assert.equal(await classOf(tool), expected, label)
  }
})

test('the class list is the core list', () => {
  assert.deepEqual([...tooltrail.ERROR_CLASSES], ['unknown_tool', 'invalid_arguments', 'timeout', 'validation_failed', 'budget_exceeded',
    'loop_detected', 'rate_limited', 'http_4xx', 'http_5xx', 'network', 'cancelled'])
})

test('sync tools return values; async tools return Promises logged when they settle', async () => {
  let release
  const { gw, events } = gateway({ sync: ({ a }) => a * 2, slow: () => new Promise((r) => { release = r }) })
  assert.equal(gw.call(CTX, 'sync', { a: 21 }), 42)
  const p = gw.call(CTX, 'slow', {})
  assert.ok(p instanceof Promise)
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(events.map(([n, f]) => `${n}:${f.tool}`), ['tool_call:sync', 'tool_result:sync', 'tool_call:slow'])
  release({ done: true })
  assert.deepEqual(await p, { done: true })
  assert.equal(events.at(-1)[0], 'tool_result')
  assert.equal(events.at(-1)[1].ok, true)
})

test('rejections and per-tool timeouts (the tool sees the abort)', async () => {
  let aborted = false
  const { gw, results } = gateway({
    fails: async () => { throw Object.assign(new Error('down'), { status: 503 }) },
    hang: (args, { signal }) => new Promise(() => signal.addEventListener('abort', () => { aborted = true })),
  }, { timeouts: { hang: 30 } })
  await assert.rejects(gw.call(CTX, 'fails', {}), { status: 503 })
  await assert.rejects(gw.call(CTX, 'hang', {}), { name: 'TimeoutError' })
  assert.ok(aborted)
  assert.deepEqual(results().map((r) => r.error_class), ['http_5xx', 'timeout'])
})

test('Promise.all keeps seq and spans apart', async () => {
  const { gw, events } = gateway({ t: async ({ i }) => i })
  assert.deepEqual(await Promise.all([0, 1, 2, 3, 4].map((i) => gw.call(CTX, 't', { i }))), [0, 1, 2, 3, 4])
  const calls = events.filter(([n]) => n === 'tool_call').map(([, f]) => f)
  assert.deepEqual(calls.map((f) => f.seq), [1, 2, 3, 4, 5])
  assert.equal(new Set(calls.map((f) => f.span_id)).size, 5)
})

test('a 200 response with an error payload is not a success', async () => {
  const { gw, results } = gateway({ api: async () => ({ status: 200, error: 'quota exceeded' }) },
    { validators: { api: (r) => !('error' in r) } })
  await assert.rejects(gw.call(CTX, 'api', {}), (e) => e instanceof tooltrail.TooltrailError && e.code === 'validation_failed')
  assert.deepEqual([results()[0].ok, results()[0].error_class], [false, 'validation_failed'])
})

test('unknown tools and missing ids', () => {
  const { gw, events } = gateway({ t: () => 1 })
  assert.throws(() => gw.call(CTX, 'nope', {}), (e) => e.code === 'unknown_tool' && e.tool === 'nope')
  assert.deepEqual([events[0][1].decision, events[0][1].error_class], ['block', 'unknown_tool'])
  assert.throws(() => gw.call({ run_id: 'r', trace_id: CTX.trace_id }, 't', {}), (e) => e.code === 'missing_id' && e.key === 'request_id')
  const lax = gateway({ t: () => 1 }, { config: { logging: { ids: { request_id: 'optional' } } } })
  assert.equal(lax.gw.call({ run_id: 'r', trace_id: CTX.trace_id }, 't', {}), 1)
})

test('an unhashable argument still runs the tool', () => {
  const { gw, events } = gateway({ t: ({ m }) => m.size })
  assert.equal(gw.call(CTX, 't', { m: new Map([[1, 2]]) }), 1)
  assert.equal(events[0][1].args_hash, null)
  assert.deepEqual(events[0][1].args_error, { kind: 'unsupported_type', path: '$.m' })
  assert.equal(events[1][1].ok, true)
})

test('args_hash equals stableHash; keyed from the environment', () => {
  const { gw, events } = gateway({ t: () => 1 })
  gw.call(CTX, 't', { b: [1], a: 'x' })
  assert.equal(events[0][1].args_hash, tooltrail.stableHash({ a: 'x', b: [1] }))
  process.env.TT_NODE_KEY = 'k3y'
  const keyed = gateway({ t: () => 1 }, { config: { logging: { tool_calls: { hash_key_env: 'TT_NODE_KEY' } } } })
  keyed.gw.call(CTX, 't', { a: 1 })
  assert.equal(keyed.events[0][1].args_hash, tooltrail.stableHash({ a: 1 }, 'k3y'))
  assert.equal(keyed.events[0][1].hash_alg, 'hmac-sha256')
  delete process.env.TT_NODE_KEY
  assert.throws(() => gateway({}, { config: { logging: { tool_calls: { hash_key_env: 'TT_NODE_KEY' } } } }),
    (e) => e.code === 'config_error' && e.key === 'logging.tool_calls.hash_key_env')
})

test('config errors name the key, from objects and YAML files', () => {
  for (const [config, key] of [[{ logging: { tool_calls: { store_results: 'all' } } }, 'logging.tool_calls.store_results'],
    [{ logging: { toolcalls: {} } }, 'logging.toolcalls'], [{ budgets: { max_tool_calls: -1 } }, 'budgets.max_tool_calls']]) {
    assert.throws(() => gateway({}, { config }), (e) => e.code === 'config_error' && e.key === key && e.message.includes(key))
  }
  const file = path.join(tempDir('tt-cfg-'), 'c.yaml')
  fs.writeFileSync(file, 'logging:\n  tool_calls:\n    store_args: maybe\n')
  assert.throws(() => tooltrail.loadConfig(file), (e) => e.key === 'logging.tool_calls.store_args')
  fs.writeFileSync(file, 'budgets:\n  max_steps: 3\n')
  assert.equal(tooltrail.loadConfig(file), file)
})

test('configs with YAML aliases are refused at once (an alias bomb took all memory)', () => {
  const dir = path.join(ROOT, 'tests', 'vectors', 'config')
  const vectors = fs.readdirSync(dir).filter((f) => f.startsWith('n_') && f.endsWith('.yaml'))
  assert.ok(vectors.length >= 2)
  for (const name of vectors) {
    assert.throws(() => tooltrail.loadConfig(path.join(dir, name)),
      (e) => e.code === 'config_error' && e.key === '(yaml)' && /aliases/.test(e.message), name)
  }
})

test('a failing logger never breaks the call', () => {
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 5 }, logger: { event() { throw new Error('disk on fire') } } })
  assert.equal(gw.call(CTX, 't', {}), 5)
  assert.equal(gw.call(CTX, 't', {}), 5)
})

test('redact() follows SPEC §8', () => {
  assert.deepEqual(tooltrail.redact({ apiKey: 'x', max_tokens: 512, note: 'mail alice@example.com' }),
    { apiKey: '[REDACTED:api_key]', max_tokens: 512, note: 'mail [REDACTED:email]' })
})

test('the default logger is the Rust writer, flushed at exit', () => {
  const dir = tempDir('tt-default-')
  const code = `const t = require(${JSON.stringify(path.join(ROOT, 'bindings-node', 'index.js'))})
  const gw = new t.ToolGateway({ impls: { t: ({ i }) => i } })
  for (let i = 0; i < 1000; i++) gw.call(${JSON.stringify(CTX)}, 't', { i })`
  const r = spawnSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const lines = fs.readFileSync(path.join(dir, 'tooltrail-logs', 'tooltrail.jsonl'), 'utf8').trim().split('\n')
  assert.equal(lines.length, 2000)
})
