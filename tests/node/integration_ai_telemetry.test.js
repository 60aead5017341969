// tooltrail/integrations/ai `telemetry(gateway)` against the real `ai`
// package (the version pinned in package.json), offline: the SDK's
// MockLanguageModelV4 scripts the model. One line logs the agent: runs,
// tool calls, model calls and the calls the SDK refused.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { generateText, streamText, stepCountIs, tool, registerTelemetry } = require('ai')
const { MockLanguageModelV4, convertArrayToReadableStream } = require('ai/test')
const { z } = require('zod')
const tooltrail = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const { telemetry, wrapTools } = require('tooltrail/integrations/ai')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Step i reports distinct usage, so each model_call can be told apart.
const usageOf = (i) => ({
  inputTokens: { total: 100 + i, noCache: 90 + i, cacheRead: 10, cacheWrite: 0 },
  outputTokens: { total: 20 + i, text: 15 + i, reasoning: 5 },
})
const calling = (step, calls) => ({
  content: calls.map(([toolName, input, id]) => ({
    type: 'tool-call', toolCallId: id, toolName, input: typeof input === 'string' ? input : JSON.stringify(input),
  })),
  finishReason: { unified: 'tool-calls', raw: undefined }, usage: usageOf(step), warnings: [],
})
const answer = (step) => ({ content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage: usageOf(step), warnings: [] })
// One model step per entry (a list of [tool, input, toolCallId]), then an answer.
const script = (...steps) => new MockLanguageModelV4({ doGenerate: [...steps.map((calls, i) => calling(i, calls)), answer(steps.length)] })

class RateLimited extends Error {
  constructor(message) {
    super(message)
    this.status = 429
  }
}

function makeTools(ran = []) {
  return {
    getOrders: tool({
      description: "A user's orders",
      inputSchema: z.object({ user: z.string() }),
      execute: async ({ user }) => {
        ran.push(['getOrders', user])
        await sleep(30)
        if (user === 'busy') throw new RateLimited('orders API: too many requests')
        return `2 orders for ${user}`
      },
    }),
    refund: tool({
      description: 'Refunds an order',
      inputSchema: z.object({ order: z.number() }),
      execute: async ({ order }) => {
        ran.push(['refund', order])
        return { refunded: order }
      },
    }),
  }
}

const names = (rec) => rec.events().map((e) => e.event)
const withTelemetry = (gw) => ({ experimental_telemetry: { integrations: [telemetry(gw)] } })

test.beforeEach(() => tooltrail._resetWarnings())

test('a three-step generateText outside any run: one implicit run, its tool calls and model calls', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const model = script([['getOrders', { user: 'ann' }, 'call-1']], [['refund', { order: 7 }, 'call-2']])
  // The one line: no tool wrapped, no run opened.
  registerTelemetry(telemetry(gw))
  t.after(() => {
    globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined
  })
  const result = await generateText({ model, tools: makeTools(ran), stopWhen: stepCountIs(5), prompt: 'refund my order' })
  assert.equal(result.text, 'done')
  assert.equal(result.steps.length, 3)
  assert.deepEqual(ran, [['getOrders', 'ann'], ['refund', 7]])
  await rec.flush()

  const starts = rec.events({ event: 'run_start' })
  assert.equal(starts.length, 1)
  assert.equal(starts[0].implicit, true)
  const runId = starts[0].run_id
  const calls = rec.run(runId).calls()
  assert.deepEqual(calls.map((c) => [c.tool, c.ok, c.args_hash]), [
    ['getOrders', true, tooltrail.stableHash({ user: 'ann' })],
    ['refund', true, tooltrail.stableHash({ order: 7 })],
  ])
  assert.ok(calls[0].latency_ms >= 25, `getOrders awaited a 30 ms timer: ${calls[0].latency_ms} ms`)
  assert.deepEqual(rec.events({ event: 'tool_call' }).map((e) => [e.run_id, e.call_id]), [[runId, 'call-1'], [runId, 'call-2']])

  const models = rec.events({ event: 'model_call' })
  assert.deepEqual(models.map((m) => [m.run_id, m.model, m.provider, m.input_tokens, m.output_tokens, m.cached_input_tokens, m.reasoning_tokens, m.finish_reason]), [
    [runId, 'mock-model-id', 'mock-provider', 100, 20, 10, 5, 'tool-calls'],
    [runId, 'mock-model-id', 'mock-provider', 101, 21, 10, 5, 'tool-calls'],
    [runId, 'mock-model-id', 'mock-provider', 102, 22, 10, 5, 'stop'],
  ])
  assert.deepEqual(models.map((m) => m.tool_calls), [[{ name: 'getOrders', call_id: 'call-1' }], [{ name: 'refund', call_id: 'call-2' }], []])
  assert.ok(models.every((m) => typeof m.latency_ms === 'number'))

  assert.deepEqual(names(rec), ['run_start', 'model_call', 'tool_call', 'tool_result', 'model_call', 'tool_call', 'tool_result', 'model_call', 'run_end'])
  const [end] = rec.events({ event: 'run_end' })
  assert.deepEqual([end.run_id, end.stop_reason, end.tool_calls, end.model_calls, end.input_tokens], [runId, 'completed', 2, 3, 303])
})

// A model that streams its steps: a tool call, then an answer.
function streamingModel() {
  const finish = (unified, i) => ({ type: 'finish', finishReason: { unified, raw: undefined }, usage: usageOf(i) })
  return new MockLanguageModelV4({
    doStream: [
      { stream: convertArrayToReadableStream([{ type: 'tool-call', toolCallId: 's1', toolName: 'getOrders', input: '{"user":"bo"}' }, finish('tool-calls', 0)]) },
      { stream: convertArrayToReadableStream([{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'done' }, { type: 'text-end', id: 't' }, finish('stop', 1)]) },
    ],
  })
}

test('a streamText run follows its stream: it ends when the stream is consumed, after its last call', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const result = streamText({ model: streamingModel(), tools: makeTools(), stopWhen: stepCountIs(5), prompt: 'hi', ...withTelemetry(gw) })
  // The function that made the stream returned long ago; nobody read it yet.
  await sleep(120)
  await rec.flush()
  assert.equal(rec.events({ event: 'run_start' }).length, 1)
  assert.deepEqual(rec.events({ event: 'run_end' }), [])

  assert.equal(await result.text, 'done')
  await rec.flush()
  const [start] = rec.events({ event: 'run_start' })
  assert.equal(start.implicit, true)
  assert.deepEqual(rec.run(start.run_id).calls().map((c) => [c.tool, c.ok]), [['getOrders', true]])
  assert.deepEqual(rec.events({ event: 'tool_call' }).map((e) => e.call_id), ['s1'])
  assert.equal(rec.events({ event: 'model_call' }).length, 2)
  const all = names(rec)
  assert.equal(all.at(-1), 'run_end')
  assert.ok(all.lastIndexOf('tool_result') < all.indexOf('run_end'))
  assert.equal(rec.events({ event: 'run_end' })[0].stop_reason, 'completed')
})

test('an aborted stream ends its run cancelled, once the tool it was running has ended', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const controller = new AbortController()
  const result = streamText({
    model: streamingModel(), tools: makeTools(), stopWhen: stepCountIs(5), prompt: 'hi', abortSignal: controller.signal, ...withTelemetry(gw),
  })
  setTimeout(() => controller.abort(), 10) // getOrders is sleeping 30 ms
  await result.consumeStream()
  await sleep(60)
  await rec.flush()
  const all = names(rec)
  assert.deepEqual(all.filter((n) => n.startsWith('run')), ['run_start', 'run_end'])
  assert.ok(all.indexOf('tool_result') < all.indexOf('run_end'), all.join(' '))
  assert.equal(rec.events({ event: 'run_end' })[0].stop_reason, 'cancelled')
})

test('calls the SDK refused are logged: invalid_arguments and unknown_tool; the tools never ran', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const model = script([
    ['refund', { order: 'seven' }, 'bad-1'], // fails the schema
    ['refund', '{"order": 7', 'bad-2'], // not JSON
    ['cancelOrder', { order: 7 }, 'bad-3'], // no such tool
  ])
  const result = await generateText({ model, tools: makeTools(ran), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(gw) })
  assert.equal(result.text, 'done')
  assert.deepEqual(ran, [])
  await rec.flush()
  const calls = rec.calls()
  assert.deepEqual(calls.map((c) => [c.tool, c.ok, c.error_class]), [
    ['refund', false, 'invalid_arguments'],
    ['refund', false, 'invalid_arguments'],
    ['cancelOrder', false, 'unknown_tool'],
  ])
  assert.equal(calls[0].args_hash, tooltrail.stableHash({ order: 'seven' }))
  assert.equal(calls[1].args_hash, null) // the model's text, which is not JSON
  assert.equal(rec.events({ event: 'tool_call' })[1].args_error.kind, 'invalid_json')
  assert.equal(calls[2].args_hash, tooltrail.stableHash({ order: 7 }))
  assert.match(calls[0].error_message, /Invalid input for tool refund/)
  assert.match(calls[2].error_message, /unavailable tool 'cancelOrder'/)
  assert.deepEqual(rec.events({ event: 'tool_call' }).map((e) => e.call_id), ['bad-1', 'bad-2', 'bad-3'])
})

test("a tool's error is classified from the error object; the model sees the same error", async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const model = script([['getOrders', { user: 'busy' }, 'c1']])
  const result = await generateText({ model, tools: makeTools(), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(gw) })
  const [failure] = result.steps[0].content.filter((c) => c.type === 'tool-error')
  assert.ok(failure.error instanceof RateLimited)
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.tool, c.ok, c.error_class, c.error_message]), [['getOrders', false, 'rate_limited', 'orders API: too many requests']])
  assert.equal(rec.events({ event: 'run_end' })[0].stop_reason, 'completed') // the agent went on
})

test('tools wrapped with wrapTools are logged once, in the invocation run', async (t) => {
  for (const recordInputs of [true, false]) { // false: the SDK hides the tools from integrations
    const rec = recorder(t)
    const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
    const ran = []
    const tools = wrapTools(makeTools(ran), gw)
    const model = script([['getOrders', { user: 'ann' }, 'c1'], ['refund', { order: 3 }, 'c2']])
    await generateText({
      model, tools, stopWhen: stepCountIs(3), prompt: 'hi', experimental_telemetry: { recordInputs, integrations: [telemetry(gw)] },
    })
    assert.equal(ran.length, 2)
    await rec.flush()
    const starts = rec.events({ event: 'run_start' })
    assert.equal(starts.length, 1, `recordInputs: ${recordInputs}`)
    const calls = rec.events({ event: 'tool_call' })
    assert.deepEqual(calls.map((c) => [c.tool, c.call_id, c.run_id]), [['getOrders', 'c1', starts[0].run_id], ['refund', 'c2', starts[0].run_id]])
    if (recordInputs) assert.deepEqual(calls.map((c) => c.args_hash), [tooltrail.stableHash({ user: 'ann' }), tooltrail.stableHash({ order: 3 })])
    assert.equal(rec.events({ event: 'tool_result' }).length, 2)
    assert.equal(names(rec).at(-1), 'run_end')
  }
})

test('inside gateway.run everything is logged under that run', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const model = script([['getOrders', { user: 'ann' }, 'c1']], [['refund', { order: 1 }, 'c2']])
  const runId = await gw.run({ request_id: 'req-1' }, async (run) => {
    const result = streamText({ model: streamingModel(), tools: makeTools(), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(gw) })
    await generateText({ model, tools: makeTools(), stopWhen: stepCountIs(5), prompt: 'hi', ...withTelemetry(gw) })
    await result.consumeStream()
    return run.runId
  })
  await rec.flush()
  assert.deepEqual(rec.events({ event: 'run_start' }).map((e) => [e.run_id, e.implicit]), [[runId, undefined]])
  assert.deepEqual(rec.events().filter((e) => e.run_id !== runId), [])
  assert.deepEqual(rec.calls().map((c) => c.tool).sort(), ['getOrders', 'getOrders', 'refund'])
  assert.equal(rec.events({ event: 'model_call' }).length, 5)
  assert.equal(names(rec).at(-1), 'run_end')
  assert.equal(rec.events({ event: 'run_end' }).length, 1)
})

test('a refusal (a budget used up) reaches the SDK as a tool-error; the tool does not run', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, config: { budgets: { max_tool_calls: 1 } } })
  const ran = []
  const model = script([['refund', { order: 1 }, 'c1'], ['refund', { order: 2 }, 'c2']])
  const result = await generateText({ model, tools: makeTools(ran), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(gw) })
  assert.deepEqual(ran, [['refund', 1]])
  const [refused] = result.steps[0].content.filter((c) => c.type === 'tool-error')
  assert.equal(refused.error.code, 'budget_exceeded')
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.decision, c.error_class]), [['allow', null], ['block', 'budget_exceeded']])
})

test('a failing generation ends its implicit run with error; a strict gateway logs nothing and refuses nothing', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const failing = new MockLanguageModelV4({ doGenerate: async () => { throw new Error('model down') } })
  await assert.rejects(generateText({ model: failing, prompt: 'hi', maxRetries: 0, ...withTelemetry(gw) }), /model down/)
  await rec.flush()
  assert.deepEqual(rec.events({ event: 'run_end' }).map((e) => e.stop_reason), ['error'])

  const strictRec = recorder(t)
  const strict = new tooltrail.ToolGateway({ impls: {}, logger: strictRec, strict: true })
  const ran = []
  const result = await generateText({ model: script([['refund', { order: 4 }, 'c1']]), tools: makeTools(ran), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(strict) })
  assert.equal(result.text, 'done')
  assert.deepEqual(ran, [['refund', 4]])
  await strictRec.flush()
  assert.deepEqual(strictRec.events(), [])
})

test("tooltrail's own failures never reach the agent", async (t) => {
  // A logger that throws: the gateway says so once and goes on.
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: { event: () => { throw new Error('disk on fire') } } })
  const ran = []
  const model = () => script([['getOrders', { user: 'ann' }, 'c1']], [['cancelOrder', {}, 'c2']])
  const result = await generateText({ model: model(), tools: makeTools(ran), stopWhen: stepCountIs(5), prompt: 'hi', ...withTelemetry(gw) })
  assert.equal(result.text, 'done')
  assert.deepEqual(ran, [['getOrders', 'ann']])
  assert.equal(result.steps[0].content.find((c) => c.type === 'tool-result').output, '2 orders for ann')

  // tooltrail itself failing inside every callback: said once per process.
  const warnings = []
  const listener = (w) => warnings.push(w)
  process.on('warning', listener)
  t.after(() => process.off('warning', listener))
  const breakages = [
    ['implicitRun'], // no run opened
    ['modelCall', 'endRun', '_ambientCall'], // a run, then nothing else works
    ['setLink'], // every tool call's logging, the refused ones' too
  ]
  for (const broken of breakages) {
    tooltrail._resetWarnings()
    warnings.length = 0
    const bad = new tooltrail.ToolGateway({ impls: {}, logger: recorder(t) })
    for (const method of broken) {
      const fail = () => { throw new TypeError(`${method} is broken`) }
      if (method.startsWith('_')) bad[method] = fail
      else bad._native[method] = fail
    }
    const tools = makeTools()
    const model = script([['getOrders', { user: 'ann' }, 'c1'], ['refund', 'not json', 'c2']], [['cancelOrder', {}, 'c3']])
    const again = await generateText({ model, tools, stopWhen: stepCountIs(5), prompt: 'hi', ...withTelemetry(bad) })
    assert.equal(again.text, 'done')
    assert.equal(again.steps[0].content.find((c) => c.type === 'tool-result').output, '2 orders for ann')
    await new Promise((resolve) => setImmediate(resolve))
    assert.ok(warnings.some((w) => w.code === 'TOOLTRAIL_LOGGER_FAILED' && w.message.includes(`${broken[0]} is broken`)),
      `${broken}: ${warnings.map(String).join('\n')}`)
  }
})

test('streamed tools, error results, the call current in the tool; registered twice, logged once', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const seen = []
  const tools = {
    progress: tool({ inputSchema: z.object({}), async *execute() { yield 'half'; await sleep(30); yield 'all' } }),
    status: tool({
      inputSchema: z.object({}),
      execute: async () => {
        seen.push([tooltrail.currentRun()?.runId, tooltrail.currentCall()?.tool])
        return { status: 503, message: 'status page down' }
      },
    }),
  }
  registerTelemetry(telemetry(gw), telemetry(gw))
  t.after(() => {
    globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined
  })
  const result = await generateText({ model: script([['progress', {}, 'c1'], ['status', {}, 'c2']]), tools, stopWhen: stepCountIs(3), prompt: 'hi' })
  assert.deepEqual(result.steps[0].content.filter((c) => c.type === 'tool-result').map((c) => c.output), ['all', { status: 503, message: 'status page down' }])
  await rec.flush()
  const [start] = rec.events({ event: 'run_start' })
  assert.deepEqual(seen, [[start.run_id, 'status']])
  const calls = rec.calls()
  assert.deepEqual(calls.map((c) => [c.tool, c.ok, c.error_class]), [['progress', true, null], ['status', false, 'http_5xx']])
  assert.ok(calls[0].latency_ms >= 25, `the stream took 30 ms: ${calls[0].latency_ms} ms`)
  assert.equal(rec.events({ event: 'model_call' }).length, 2)
})

test('telemetry(gateway) needs a gateway', () => {
  assert.throws(() => telemetry(), TypeError)
  assert.throws(() => telemetry({}), /must be a ToolGateway/)
})

test('calls are hashed with the arguments as the model sent them, not with the schema defaults applied', async (t) => {
  // The same text the other adapters (and mcp-proxy) hash: key order and
  // blanks do not matter, a default the schema fills in is not part of it.
  const text = '{"symbol": "X",  "exchange": "NYSE"}'
  const expected = tooltrail.stableHashJson(text)
  const quote = (gw, wrapped) => {
    const tools = {
      quote: tool({
        description: 'q',
        inputSchema: z.object({ symbol: z.string(), exchange: z.string(), currency: z.string().default('USD') }),
        execute: async ({ symbol, currency }) => `${symbol} ${currency}`,
      }),
    }
    return wrapped ? wrapTools(tools, gw) : tools
  }
  const streaming = () => new MockLanguageModelV4({
    doStream: [
      { stream: convertArrayToReadableStream([{ type: 'tool-call', toolCallId: 'q1', toolName: 'quote', input: text }, { type: 'finish', finishReason: { unified: 'tool-calls', raw: undefined }, usage: usageOf(0) }]) },
      { stream: convertArrayToReadableStream([{ type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage: usageOf(1) }]) },
    ],
  })
  for (const wrapped of [false, true]) {
    for (const streamed of [false, true]) {
      const rec = recorder(t)
      const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
      const options = { tools: quote(gw, wrapped), stopWhen: stepCountIs(3), prompt: 'hi', ...withTelemetry(gw) }
      if (streamed) await streamText({ model: streaming(), ...options }).consumeStream()
      else await generateText({ model: script([['quote', text, 'q1']]), ...options })
      await rec.flush()
      const hashes = rec.events({ event: 'tool_call' }).map((c) => c.args_hash)
      assert.deepEqual(hashes, [expected], `wrapped=${wrapped} streamed=${streamed}`)
      assert.notEqual(expected, tooltrail.stableHash({ symbol: 'X', exchange: 'NYSE', currency: 'USD' }))
    }
  }
})
