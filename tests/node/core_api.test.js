// One core API behind both bindings (issue 12): the run context, the run's
// exit, traceparent, failure facts, validation, error codes and timeouts
// follow the core's rules; tests/python/test_core_api.py asserts the same.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const TP = `00-${TRACE}-00f067aa0ba902b7-01`

const ctx = (ids = {}) => ({ run_id: 'r', trace_id: TRACE, request_id: 'q', ...ids })

function gateway(impls = { t: () => 1 }, opts = {}) {
  const events = []
  const logger = { event: (name, fields) => events.push([name, fields]) }
  const gw = new tooltrail.ToolGateway({ impls, logger, ...opts })
  const named = (n) => events.filter(([e]) => e === n).map(([, f]) => f)
  return { gw, events, named }
}

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('did not throw')
}

test('an empty user_id is absent in runs, calls and contexts', () => {
  // Before: startRun({ user_id: '' }) wrote null but call() kept "".
  const { gw, events } = gateway()
  const run = gw.startRun({ user_id: '', request_id: 'q' })
  run.call('t', {})
  run.end()
  gw.call(ctx({ run_id: 'r2', user_id: '' }), 't', {})
  assert.equal(events.length, 6)
  for (const [, f] of events) assert.equal(f.user_id, null)
  // An empty required id is missing, as in Python.
  assert.equal(thrown(() => gw.call(ctx({ run_id: 'r3', request_id: '' }), 't', {})).code, 'missing_id')
})

test('a non-string id names the key', () => {
  for (const bad of [7, 1.5, ['u'], { u: 1 }, true]) {
    for (const make of [
      () => gateway().gw.call(ctx({ user_id: bad }), 't', {}),
      () => gateway().gw.startRun({ request_id: 'q', user_id: bad }),
    ]) {
      const err = thrown(make)
      assert.ok(err instanceof tooltrail.TooltrailError, String(err))
      assert.equal(err.code, 'invalid_argument')
      assert.equal(err.errorClass, 'invalid_argument')
      assert.equal(err.key, 'ctx.user_id')
    }
  }
  const err = thrown(() => gateway().gw.call('not a ctx', 't', {}))
  assert.equal(err.code, 'invalid_argument')
  assert.equal(err.key, 'ctx')
})

test('a bad traceparent names the key', () => {
  const err = thrown(() => gateway().gw.call(ctx({ traceparent: '00-nope' }), 't', {}))
  assert.ok(err instanceof tooltrail.TooltrailError)
  assert.equal(err.code, 'invalid_argument')
  assert.equal(err.key, 'traceparent')
})

test('Run.traceparent comes from the core', () => {
  const { gw } = gateway()
  const run = gw.startRun({ request_id: 'q', traceparent: TP })
  const header = run.traceparent()
  assert.equal(header, tooltrail.traceparent(TRACE, run.ctx.parent_span_id))
  assert.notEqual(header, TP)
  run.end()
  assert.equal(typeof tooltrail.Run, 'function', 'index.d.ts declares Run; index.js exports it')
})

test('trace and span ids must be W3C ids', () => {
  // Before: '</script>' was logged as the trace id (and OTLP dropped the span).
  const { gw, events } = gateway()
  for (const [key, bad] of [['trace_id', '</script>'], ['trace_id', TRACE.toUpperCase()], ['trace_id', '0'.repeat(32)], ['parent_span_id', 'xyz']]) {
    for (const make of [() => gw.call(ctx({ [key]: bad }), 't', {}), () => gw.startRun({ request_id: 'q', [key]: bad })]) {
      const err = thrown(make)
      assert.equal(err.code, 'invalid_argument')
      assert.equal(err.key, `ctx.${key}`)
    }
  }
  assert.deepEqual(events, [])
})

test('unknown stop reasons and runs are invalid arguments', () => {
  const { gw } = gateway()
  const run = gw.startRun({ request_id: 'q' })
  assert.equal(thrown(() => run.stop('done')).key, 'reason')
  run.end()
  const err = thrown(() => run.step())
  assert.equal(err.code, 'invalid_argument')
  assert.equal(err.key, 'run_id')
})

test('every error is a TooltrailError with code and errorClass', () => {
  assert.ok(tooltrail.ERROR_CODES.includes('internal'))
  for (const [make, code] of [
    [() => tooltrail.stableHash({ a: NaN }), 'non_finite'],
    [() => new tooltrail.ToolGateway({ impls: {}, config: { nope: 1 } }), 'config_error'],
    [() => gateway().gw.call(ctx(), 'missing', {}), 'unknown_tool'],
    [() => new tooltrail.EventWriter({ path: '/proc/no/such/dir' }), 'writer_error'],
  ]) {
    const err = thrown(make)
    assert.ok(err instanceof tooltrail.TooltrailError, `${code}: ${err}`)
    assert.equal(err.code, code)
    assert.equal(err.errorClass, code)
    assert.ok(tooltrail.ERROR_CODES.includes(code))
  }
})

async function classOf(error) {
  const { gw, named } = gateway({
    t: () => {
      throw error
    },
  })
  try {
    await gw.call(ctx(), 't', {})
  } catch (e) {
    assert.equal(e, error, 'the tool error is rethrown untouched')
  }
  return named('tool_result')[0]
}

test('failure classes come from names, prototype chains and probes', async () => {
  class QuotaError extends Error {}
  class APIConnectionError extends Error {} // openai / anthropic
  const hostile = new Error('x')
  Object.defineProperty(hostile, 'name', { get() { throw new Error('name getter') } })
  Object.defineProperty(hostile, 'status', { get() { throw new Error('status getter') } })
  const proxy = new Proxy(new Error('p'), { get() { throw new Error('trap') }, getPrototypeOf() { throw new Error('trap') } })
  const cases = [
    [new QuotaError('q'), 'QuotaError'],
    [new APIConnectionError('down'), 'network'],
    [Object.assign(new Error('s'), { statusCode: 503 }), 'http_5xx'],
    [Object.assign(new Error('s'), { response: { status: 429 } }), 'rate_limited'],
    [new TypeError('fetch failed', { cause: Object.assign(new Error('c'), { code: 'ECONNREFUSED' }) }), 'network'],
    [new DOMException('late', 'TimeoutError'), 'timeout'],
    [hostile, 'Error'],
    [proxy, 'Error'],
    ['a string', 'string'],
    [Symbol('s'), 'symbol'],
  ]
  for (const [error, cls] of cases) {
    const r = await classOf(error)
    assert.equal(r.error_class, cls, String(cls))
    assert.equal(r.ok, false)
  }
})

test('a hostile argument never breaks the call: it is logged as args_error', () => {
  const { gw, named } = gateway()
  const args = {}
  Object.defineProperty(args, 'secret', { enumerable: true, get() { throw new Error('getter') } })
  assert.equal(gw.call(ctx(), 't', args), 1)
  const [call] = named('tool_call')
  assert.equal(call.args_hash, null)
  assert.equal(call.args_error.kind, 'unsupported_type')
})

test('validators run in the core: false, a throw, and a pass', async () => {
  const { gw, named } = gateway(
    { t: (a) => a.v, u: async (a) => a.v },
    { validators: { t: (v) => v !== 'bad', u: (v) => { if (v === 'bad') throw new Error('no bad values') } } },
  )
  assert.equal(gw.call(ctx(), 't', { v: 'ok' }), 'ok')
  const e1 = thrown(() => gw.call(ctx(), 't', { v: 'bad' }))
  assert.equal(e1.code, 'validation_failed')
  assert.equal(e1.tool, 't')
  await assert.rejects(gw.call(ctx(), 'u', { v: 'bad' }), (e) => e.code === 'validation_failed' && /no bad values/.test(e.message))
  const classes = named('tool_result').map((r) => r.error_class ?? null)
  assert.deepEqual(classes, [null, 'validation_failed', 'validation_failed'])
})

test('an aborted run ends cancelled, a throwing one error, end(undefined) completed', async () => {
  const { gw, named } = gateway()
  const abort = new DOMException('stop', 'AbortError')
  await assert.rejects(gw.run({ request_id: 'q' }, () => { throw abort }))
  await assert.rejects(gw.run({ request_id: 'q' }, () => { throw new RangeError('x') }))
  gw.startRun({ request_id: 'q' }).end(undefined)
  assert.deepEqual(named('run_end').map((e) => e.stop_reason), ['cancelled', 'error', 'completed'])
})

test('impls are snapshotted at construction', () => {
  const impls = { t: () => 1 }
  const { gw } = gateway(impls)
  delete impls.t
  assert.equal(gw.call(ctx(), 't', {}), 1)
})

test('bad flush and close timeouts are rejected as in Python', async () => {
  const dir = tempDir('tt-timeouts-')
  const w = new tooltrail.EventWriter({ path: dir })
  for (const bad of [-1, NaN, Infinity]) {
    const err = thrown(() => w.flushSync(bad))
    assert.equal(err.code, 'config_error')
    assert.equal(err.key, 'timeoutMs')
    assert.equal(thrown(() => w.flush(bad)).key, 'timeoutMs')
  }
  assert.equal(await w.flush(), true)
  w.closeSync()
})

test('the config file is read by the core', () => {
  const dir = tempDir('tt-config-')
  const err = thrown(() => new tooltrail.ToolGateway({ impls: {}, config: path.join(dir, 'missing.yaml') }))
  assert.equal(err.code, 'config_error')
  assert.equal(err.key, '(file)')
  const file = path.join(dir, 'c.yaml')
  fs.writeFileSync(file, 'logging:\n  tool_calls:\n    store_args: true\n')
  const { gw, named } = gateway(undefined, { config: file })
  gw.call(ctx(), 't', { a: 1 })
  assert.deepEqual(named('tool_call')[0].args, { a: 1 })
})

test('a hostile result never turns a successful call into an exception', async () => {
  // Before: the getter's exception (or the revoked Proxy's TypeError) was thrown from gw.call.
  const config = { logging: { tool_calls: { store_results: 'full' } } }
  const result = {}
  Object.defineProperty(result, 'x', { enumerable: true, get() { throw new Error('getter') } })
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  const { gw, named } = gateway({ t: () => result, u: () => revoked.proxy, v: async () => [result] }, { config })
  assert.equal(gw.call(ctx(), 't', {}), result)
  assert.equal(gw.call(ctx(), 'u', {}), revoked.proxy)
  assert.deepEqual(await gw.call(ctx(), 'v', {}), [result])
  for (const r of named('tool_result')) {
    assert.equal(r.ok, true)
    assert.equal(r.result_error.kind, 'unsupported_type')
  }
})

test('an empty HMAC key is refused', () => {
  process.env.TOOLTRAIL_TEST_EMPTY_KEY = ''
  const config = { logging: { tool_calls: { hash_key_env: 'TOOLTRAIL_TEST_EMPTY_KEY' } } }
  const err = thrown(() => new tooltrail.ToolGateway({ impls: {}, config }))
  assert.equal(err.code, 'config_error')
  assert.equal(err.key, 'logging.tool_calls.hash_key_env')
})

test('Logs time filters take offsets and refuse garbage', () => {
  // Before: compared as strings; 'yesterday' filtered everything, garbage nothing.
  const logs = new tooltrail.Logs(path.join(__dirname, '..', 'vectors', 'gateway', 'runs.expected.jsonl'))
  assert.deepEqual(logs.runs({ until: '2026-11-24T20:57:40.004+01:00' }).map((r) => r.run_id), ['run-tool-calls'])
  assert.deepEqual(logs.runs({ since: '1d' }), [])
  for (const bad of ['yesterday', 'garbage']) {
    const err = thrown(() => logs.runs({ since: bad }))
    assert.equal(err.code, 'invalid_argument')
    assert.equal(err.key, 'since')
  }
})
