// Ambient context (currentRun / currentCall through AsyncLocalStorage) and
// the wrappers (`gateway.wrap(name, fn)`): docs/integrations.md.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const tooltrail = require('tooltrail')

const { ToolGateway, currentRun, currentCall, stableHash, parseTraceparent } = tooltrail
const OPTIONAL_REQ = { logging: { ids: { request_id: 'optional' } } }

function gateway(options = {}) {
  const events = []
  const logger = { event: (n, f) => events.push([n, f]) }
  const gw = new ToolGateway({ impls: {}, config: OPTIONAL_REQ, logger, ...options })
  const of = (name) => events.filter(([n]) => n === name).map(([, f]) => f)
  return { gw, events, of }
}

const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test('8 concurrent runs under Promise.all keep their ids without any ctx', async () => {
  const { gw, of } = gateway()
  const sent = []
  const lookup = gw.wrap('lookup', ({ key }) => `${currentRun().runId}:${key}`)
  const httpGet = gw.wrap('http_get', async ({ url }) => {
    const call = currentCall()
    const headers = { traceparent: call.traceparent() }
    await tick(url.length % 5) // interleave the runs
    sent.push({ url, headers, runId: call.runId, spanId: call.spanId })
    return { status: 200, via: lookup({ key: url }) }
  })
  const agent = (i) =>
    gw.run({ run_id: `run-${i}` }, async (run) => {
      assert.equal(currentRun(), run)
      const out = []
      for (let step = 0; step < 3; step++) {
        out.push(await httpGet({ url: `https://svc/${i}/${'x'.repeat(i)}${step}` }))
        await Promise.resolve()
      }
      return [run.runId, out]
    })
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => agent(i)))
  assert.equal(currentRun(), null)
  assert.equal(currentCall(), null)
  for (const [runId, out] of results) assert.deepEqual(out.map((o) => o.via.split(':')[0]), [runId, runId, runId])
  const calls = of('tool_call')
  assert.equal(calls.length, 8 * 3 * 2)
  for (let i = 0; i < 8; i++) {
    const mine = calls.filter((c) => c.run_id === `run-${i}`)
    assert.deepEqual(mine.map((c) => c.seq), [1, 2, 3, 4, 5, 6])
    assert.deepEqual(mine.map((c) => c.tool), ['http_get', 'lookup', 'http_get', 'lookup', 'http_get', 'lookup'])
    assert.equal(new Set(mine.map((c) => c.trace_id)).size, 1)
  }
  const bySpan = new Map(calls.map((c) => [c.span_id, c]))
  assert.equal(sent.length, 24)
  for (const s of sent) {
    const tp = parseTraceparent(s.headers.traceparent)
    const call = bySpan.get(tp.parentSpanId)
    assert.equal(call.tool, 'http_get')
    assert.equal(call.run_id, s.runId)
    assert.equal(call.trace_id, tp.traceId)
    assert.equal(tp.parentSpanId, s.spanId)
    // The header is not in the hashed args.
    assert.equal(call.args_hash, stableHash({ url: s.url }))
    const nested = calls.find((c) => c.run_id === call.run_id && c.seq === call.seq + 1)
    assert.equal(nested.args_hash, stableHash({ key: s.url }))
  }
})

test('a wrapper takes the same args object; sync stays sync, async stays async', async () => {
  const { gw, of } = gateway()
  const add = gw.wrap('add', function add({ a, b }) {
    return a + b
  })
  const later = gw.wrap('later', async ({ v }) => v)
  assert.equal(add.name, 'add')
  assert.equal(add.length, 1)
  await gw.run({}, async () => {
    assert.equal(add({ a: 1, b: 2 }), 3)
    const p = later({ v: 'x' })
    assert.ok(p instanceof Promise)
    assert.equal(await p, 'x')
    assert.equal(gw.call(null, 'add', { a: 2, b: 2 }), 4)
    assert.equal(gw.call(undefined, 'add', { a: 3, b: 2 }), 5)
  })
  const hashes = of('tool_call').map((c) => c.args_hash)
  assert.deepEqual(hashes, [stableHash({ a: 1, b: 2 }), stableHash({ v: 'x' }), stableHash({ a: 2, b: 2 }), stableHash({ a: 3, b: 2 })])
})

test('on a strict gateway a call without ctx or run throws missing_id and the tool does not run', () => {
  const ran = []
  const events = []
  const gw = new ToolGateway({ impls: {}, logger: { event: (n, f) => events.push([n, f]) }, strict: true })
  const t = gw.wrap('t', () => ran.push(1))
  for (const attempt of [() => t({}), () => gw.call(null, 't', {}), () => gw.call(undefined, 't', {})]) {
    assert.throws(attempt, (err) => {
      assert.ok(err instanceof tooltrail.TooltrailError)
      assert.equal(err.code, 'missing_id')
      assert.equal(err.key, 'run_id')
      assert.match(err.message, /no current run/)
      return true
    })
  }
  assert.deepEqual(ran, [])
  assert.deepEqual(events, [])
})

test('with optional ids a call without run runs and is logged without ids', () => {
  const config = { logging: { ids: { run_id: 'optional', trace_id: 'optional', request_id: 'optional' } } }
  const { gw, of } = gateway({ config })
  const double = gw.wrap('double', ({ x }) => x * 2)
  assert.equal(double({ x: 3 }), 6)
  const [call] = of('tool_call')
  assert.equal(call.run_id, null)
  assert.equal(call.args_hash, stableHash({ x: 3 }))
})

test('an explicit ctx wins over the current run', async () => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736'
  const { gw, of } = gateway({ impls: { echo: () => currentCall() } })
  let ambientSpan
  await gw.run({ run_id: 'ambient' }, async () => {
    // call with a ctx is the fast path: no current call is set.
    assert.equal(gw.call({ run_id: 'explicit', trace_id: trace }, 'echo', {}), null)
    const ambientCall = gw.call(null, 'echo', {})
    ambientSpan = ambientCall.spanId
    assert.equal(ambientCall.runId, 'ambient')
    assert.equal(ambientCall.tool, 'echo')
    assert.equal(ambientCall.seq, 1, 'the first call of run "ambient"')
  })
  assert.deepEqual(of('tool_call').map((c) => c.run_id), ['explicit', 'ambient'])
  assert.equal(of('tool_call')[1].span_id, ambientSpan)
})

test('runs nest; timers, promises and run.wrap carry the run', async () => {
  const { gw } = gateway()
  let escaped
  await gw.run({ run_id: 'outer' }, async (outer) => {
    await gw.run({ run_id: 'inner' }, async (inner) => {
      assert.equal(currentRun(), inner)
      await tick(1)
      assert.equal(currentRun(), inner)
    })
    assert.equal(currentRun(), outer)
    await assert.rejects(gw.run({ run_id: 'fails' }, () => {
      throw new Error('x')
    }))
    assert.equal(currentRun(), outer)
    await new Promise((resolve) => setTimeout(() => resolve(assert.equal(currentRun(), outer)), 1))
    escaped = outer.wrap(() => currentRun())
  })
  assert.equal(currentRun(), null)
  assert.equal(escaped().runId, 'outer')
  const manual = gw.startRun({ run_id: 'manual' })
  assert.equal(currentRun(), null, 'startRun does not make the run current')
  assert.equal(manual.wrap((a, b) => [currentRun().runId, a + b])(1, 2)[0], 'manual')
  manual.end()
})

test('wrapped calls get validators, timeouts, budgets and the loop guard', async () => {
  const config = { ...OPTIONAL_REQ, budgets: { max_tool_calls: 3, loop_guard: { warn_after: 1, block_after: 2 } } }
  const { gw, of } = gateway({ config, validators: { check: (r) => r !== 'bad' }, timeouts: { slow: 5 } })
  const check = gw.wrap('check', ({ v }) => v)
  const slow = gw.wrap('slow', (args, { signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)))
  await gw.run({}, async () => {
    assert.equal(check({ v: 'good' }), 'good')
    assert.throws(() => check({ v: 'bad' }), { code: 'validation_failed' })
    assert.throws(() => check({ v: 'good' }), { code: 'loop_detected' })
    await assert.rejects(slow({}), { name: 'TimeoutError' })
    assert.throws(() => check({ v: 'fourth' }), { code: 'budget_exceeded' })
  })
  assert.equal(of('run_end')[0].stop_reason, 'loop_detected')
  assert.equal(of('tool_result').at(-1).error_class, 'timeout')
})

test('a wrapped name already in impls keeps its implementation for call', async () => {
  const { gw } = gateway({ impls: { t: () => 'registered' } })
  const wrapped = gw.wrap('t', () => 'wrapped')
  await gw.run({}, (run) => {
    assert.equal(wrapped({}), 'wrapped')
    assert.equal(gw.call(null, 't', {}), 'registered')
    assert.equal(run.call('t', {}), 'registered')
  })
  assert.throws(() => gw.wrap(1, () => {}), TypeError)
  assert.throws(() => gw.wrap('x', 1), TypeError)
})

test('currentCall is set only while the tool runs; a failure is logged', async () => {
  const { gw, of } = gateway()
  let seen
  const boom = gw.wrap('boom', async () => {
    await tick(1)
    seen = currentCall()
    throw new RangeError('r')
  })
  await gw.run({}, async () => {
    await assert.rejects(boom({}), RangeError)
    assert.equal(currentCall(), null)
  })
  assert.ok(seen instanceof tooltrail.Call)
  assert.equal(seen.tool, 'boom')
  assert.equal(seen.spanId, of('tool_call')[0].span_id)
  assert.equal(of('tool_result')[0].error_class, 'RangeError')
  assert.match(seen.traceparent(), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
  assert.match(seen.traceparent(false), /-00$/)
})
