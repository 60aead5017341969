// Never break the agent: a call with no ctx and no current run runs and is
// logged under an implicit run (`run_start.implicit`, one warning per
// process); `strict: true` refuses it; tooltrail's own failures never reach
// the tool call. Streamed results (async generators) are timed and
// classified to completion; adapters log error results (`isError`, an HTTP
// status) as failures. Same rules as tests/python/test_implicit_runs.py.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { generateText, stepCountIs, tool } = require('ai')
const { MockLanguageModelV4 } = require('ai/test')
const { Agent, run, setTracingDisabled } = require('@openai/agents')
const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
const { z } = require('zod')
const tooltrail = require('tooltrail')
const { ToolGateway, currentRun, currentCall, stableHash } = tooltrail
const { recorder } = require('tooltrail/testing')
const { wrapTools } = require('tooltrail/integrations/ai')
const agents = require('tooltrail/integrations/openai-agents')

setTracingDisabled(true)

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CTX = { run_id: 'r', trace_id: TRACE, request_id: 'q' }

class RateLimited extends Error {
  constructor(message) {
    super(message)
    this.status = 429
  }
}

function memory() {
  const events = []
  return {
    event: (name, fields) => events.push([name, fields]),
    names: () => events.map(([n]) => n),
    of: (name) => events.filter(([n]) => n === name).map(([, f]) => f),
    events,
  }
}

// The warnings emitted while `fn` runs (process.emitWarning is asynchronous).
async function warningsDuring(fn) {
  const seen = []
  const listener = (w) => {
    if (w.name === 'TooltrailWarning') seen.push(w)
  }
  process.on('warning', listener)
  try {
    await fn()
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('warning', listener)
  }
  return seen
}

test.beforeEach(() => tooltrail._resetWarnings())

test('a call without ctx or run runs under an implicit run and warns once', async () => {
  const log = memory()
  const gw = new ToolGateway({ impls: { double: ({ x }) => x * 2 }, logger: log })
  const said = await warningsDuring(() => {
    assert.equal(gw.call(null, 'double', { x: 2 }), 4)
    assert.equal(gw.call(undefined, 'double', { x: 3 }), 6)
  })
  assert.equal(said.length, 1)
  assert.equal(said[0].code, 'TOOLTRAIL_IMPLICIT_RUN')
  assert.match(said[0].message, /implicit run/)
  assert.deepEqual(log.names(), ['run_start', 'tool_call', 'tool_result', 'run_end', 'run_start', 'tool_call', 'tool_result', 'run_end'])
  const starts = log.of('run_start')
  assert.deepEqual(starts.map((s) => s.implicit), [true, true])
  assert.notEqual(starts[0].run_id, starts[1].run_id)
  const calls = log.of('tool_call')
  assert.deepEqual(calls.map((c) => c.run_id), starts.map((s) => s.run_id))
  assert.equal(calls[0].request_id, starts[0].run_id)
  assert.equal(calls[0].args_hash, stableHash({ x: 2 }))
  assert.deepEqual(log.of('run_end').map((e) => [e.stop_reason, e.tool_calls]), [['completed', 1], ['completed', 1]])
})

test('wrappers run without a run; the implicit run is current in the tool', async () => {
  const log = memory()
  const gw = new ToolGateway({ impls: {}, logger: log })
  const seen = []
  const inner = gw.wrap('inner', ({ v }) => v + 1)
  const outer = gw.wrap('outer', ({ v }) => {
    seen.push([currentRun().runId, currentCall().tool])
    return inner({ v })
  })
  const later = gw.wrap('later', async ({ v }) => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    return v
  })
  await warningsDuring(async () => {
    assert.equal(outer({ v: 1 }), 2)
    assert.equal(await later({ v: 5 }), 5)
  })
  const starts = log.of('run_start')
  assert.equal(starts.length, 2)
  assert.equal(seen[0][0], starts[0].run_id)
  const first = log.of('tool_call').filter((c) => c.run_id === starts[0].run_id)
  assert.deepEqual(first.map((c) => c.tool), ['outer', 'inner'])
  assert.equal(log.of('run_end')[0].tool_calls, 2)
  // The async call's run ends when its Promise settles.
  assert.deepEqual(log.names().slice(-3), ['tool_call', 'tool_result', 'run_end'])
  assert.equal(currentRun(), null)
})

test('a failing implicit call throws as before and ends its run with error', async () => {
  const log = memory()
  const gw = new ToolGateway({ impls: { boom: () => { throw new TypeError('bad') } }, logger: log })
  await warningsDuring(() => {
    assert.throws(() => gw.call(null, 'boom', {}), TypeError)
    assert.throws(() => gw.call(null, 'nope', {}), (err) => err.code === 'unknown_tool')
  })
  assert.deepEqual(log.of('run_end').map((e) => e.stop_reason), ['error', 'error'])
  assert.equal(log.of('tool_result')[0].error_class, 'TypeError')
})

test('strict keeps the refusal and logs nothing', async () => {
  const ran = []
  const log = memory()
  const gw = new ToolGateway({ impls: { t: () => ran.push(1) }, logger: log, strict: true })
  assert.equal(gw.strict, true)
  assert.equal(new ToolGateway({ impls: {}, logger: log }).strict, false)
  const w = gw.wrap('w', () => ran.push(2))
  const said = await warningsDuring(() => {
    for (const attempt of [() => w({}), () => gw.call(null, 't', {})]) {
      assert.throws(attempt, (err) => err.code === 'missing_id' && err.key === 'run_id' && /no current run/.test(err.message))
    }
  })
  assert.deepEqual([ran, log.events, said], [[], [], []])
  await gw.run({ request_id: 'q' }, () => gw.call(null, 't', {}))
  assert.deepEqual(ran, [1])
})

test('with optional ids no implicit run is opened', async () => {
  const config = { logging: { ids: { run_id: 'optional', trace_id: 'optional', request_id: 'optional' } } }
  const log = memory()
  const gw = new ToolGateway({ impls: { t: () => 1 }, logger: log, config })
  const said = await warningsDuring(() => assert.equal(gw.call(null, 't', {}), 1))
  assert.deepEqual([log.names(), said], [['tool_call', 'tool_result'], []])
})

test('a failing logger or alert callback is said once per process, naming the failure', async () => {
  const broken = { event: () => { throw new Error('disk on fire') } }
  const said = await warningsDuring(() => {
    for (let i = 0; i < 2; i++) { // two gateways: still one warning
      const gw = new ToolGateway({ impls: { t: () => 5 }, logger: broken })
      assert.equal(gw.call(CTX, 't', {}), 5)
      assert.equal(gw.call(null, 't', {}), 5) // an implicit run's events fail too
    }
  })
  const logger = said.filter((w) => w.code === 'TOOLTRAIL_LOGGER_FAILED')
  assert.equal(logger.length, 1)
  assert.match(logger[0].message, /the logger failed \(Error: disk on fire\)/)

  const config = { logging: { alerts: { timeout_rate: { warn: 0.2, critical: 0.4 }, min_calls: 5 } } }
  const alerted = await warningsDuring(() => {
    for (let i = 0; i < 2; i++) {
      const fail = () => { throw new DOMException('slow', 'TimeoutError') }
      const gw = new ToolGateway({ impls: { f: fail }, logger: memory(), config, onAlert: () => { throw new RangeError('pager down') } })
      for (let j = 0; j < 6; j++) assert.throws(() => gw.call(CTX, 'f', {}))
    }
  })
  const callback = alerted.filter((w) => w.code === 'TOOLTRAIL_ALERT_CALLBACK_FAILED')
  assert.equal(callback.length, 1)
  assert.match(callback[0].message, /pager down/)
})

test('a generator tool is timed and classified to completion', async () => {
  const log = memory()
  const gw = new ToolGateway({ impls: { sync: function* ({ n }) { yield n; yield n + 1 } }, logger: log, config: { logging: { ids: { request_id: 'optional' } } } })
  const stream = gw.wrap('stream', async function* ({ n }) {
    assert.equal(currentCall().tool, 'stream')
    yield n
    await new Promise((resolve) => setTimeout(resolve, 60))
    throw new RateLimited('429 Too Many Requests')
  })
  const counted = gw.wrap('counted', async function* ({ n }) {
    for (let i = 0; i < n; i++) yield i
  })
  await gw.run({}, async () => {
    const got = []
    await assert.rejects(async () => {
      for await (const item of stream({ n: 7 })) got.push(item)
    }, RateLimited)
    assert.deepEqual(got, [7])
    const all = []
    for await (const item of counted({ n: 3 })) all.push(item)
    assert.deepEqual(all, [0, 1, 2])
    for await (const item of counted({ n: 5 })) {
      assert.equal(item, 0)
      break // closed early
    }
    assert.deepEqual([...gw.call(null, 'sync', { n: 1 })], [1, 2])
  })
  const results = log.of('tool_result')
  assert.deepEqual(results.map((r) => [r.tool, r.ok, r.error_class ?? null]), [
    ['stream', false, 'rate_limited'], ['counted', true, null], ['counted', false, 'cancelled'], ['sync', true, null]])
  assert.ok(results[0].latency_ms >= 59, `latency ${results[0].latency_ms}`)
})

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } }
const calling = (...calls) => ({
  content: calls.map(([toolName, args], i) => ({ type: 'tool-call', toolCallId: `c${i}`, toolName, input: JSON.stringify(args) })),
  finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [],
})
const done = { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] }
const scriptAi = (...steps) => new MockLanguageModelV4({ doGenerate: [...steps.map((calls) => calling(...calls)), done] })
const toolOutputs = (result) => result.steps[0].content.filter((c) => c.type !== 'tool-call').map((c) => [c.type, c.output ?? String(c.error?.message)])

test('AI SDK: no run, an async-generator tool throwing 429 after 60 ms, and a 503 result', async (t) => {
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec })
  const tools = wrapTools({
    quote: tool({
      description: 'a streamed quote',
      inputSchema: z.object({ symbol: z.string() }),
      async * execute({ symbol }) {
        yield `loading ${symbol}`
        await new Promise((resolve) => setTimeout(resolve, 60))
        throw new RateLimited('429 Too Many Requests')
      },
    }),
    fetchPage: tool({
      description: 'fetches a page',
      inputSchema: z.object({ url: z.string() }),
      execute: async () => ({ status: 503, statusText: 'Service Unavailable' }),
    }),
  }, gw)
  let result
  const said = await warningsDuring(async () => {
    result = await generateText({
      model: scriptAi([['quote', { symbol: 'X' }], ['fetchPage', { url: 'u' }]]), tools, stopWhen: stepCountIs(3), prompt: 'hi',
    })
  })
  assert.equal(said.length, 1)
  // What the model sees is what the SDK makes of the tools, unchanged.
  assert.deepEqual(toolOutputs(result), [['tool-error', '429 Too Many Requests'], ['tool-result', { status: 503, statusText: 'Service Unavailable' }]])
  await rec.flush()
  const calls = rec.calls()
  assert.deepEqual(calls.map((c) => [c.tool, c.ok, c.error_class]), [['quote', false, 'rate_limited'], ['fetchPage', false, 'http_5xx']])
  assert.ok(calls[0].latency_ms >= 59, `latency ${calls[0].latency_ms}`)
  const runs = rec.runs()
  assert.equal(runs.length, 2) // the adapter cannot see generateText: one implicit run per call
  assert.ok(rec.events({ event: 'run_start' }).every((e) => e.implicit === true))
})

test('OpenAI Agents: no run, the tool runs and the model reads its output', async (t) => {
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const getOrders = agents.tool(gw, {
    name: 'get_orders',
    description: "A user's orders",
    parameters: z.object({ user: z.string() }),
    execute: async ({ user }) => {
      ran.push(user)
      return `orders of ${user}`
    },
  })
  const model = new ScriptedModel([[functionCall('get_orders', { user: 'a' }, { callId: 'c0' })], [assistantMessage('done')]])
  await warningsDuring(() => run(new Agent({ name: 'a', tools: [getOrders], model }), 'hi'))
  assert.deepEqual(ran, ['a'])
  const outputs = model.lastCall.request.input.filter((i) => i.type === 'function_call_result').map((i) => i.output.text ?? i.output)
  assert.deepEqual(outputs, ['orders of a'])
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.tool, c.ok]), [['get_orders', true]])
})
