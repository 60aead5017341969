// tooltrail/integrations/openai-agents against the real @openai/agents (the
// version pinned in package.json), offline: the SDK's ScriptedModel asks for
// the tools.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, run, setTracingDisabled, tool: sdkTool } = require('@openai/agents')
const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
const { z } = require('zod')
const tooltrail = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const { tool, wrapTools, instrument } = require('tooltrail/integrations/openai-agents')

setTracingDisabled(true) // offline: no trace export

const SDK_ERROR = 'An error occurred while running the tool. Please try again.' // the default errorFunction's text

class Unavailable extends Error {
  constructor(message) {
    super(message)
    this.status = 503
  }
}

const script = (...calls) => new ScriptedModel([
  ...calls.map(([name, args], i) => [functionCall(name, args, { callId: `c${i}` })]),
  [assistantMessage('done')],
])

// What the model was told each tool call returned.
function toolOutputs(model) {
  const items = model.lastCall.request.input
  return items.filter((item) => item.type === 'function_call_result').map((item) => item.output.text ?? item.output)
}

function getOrders(gw, ran, extra = {}) {
  return tool(gw, {
    name: 'get_orders',
    description: "A user's orders",
    parameters: z.object({ user: z.string(), limit: z.number().default(5) }),
    execute: async ({ user, limit }) => {
      ran.push(user)
      if (user === 'down') throw new Unavailable('orders service down')
      return `${limit} orders of ${user}`
    },
    ...extra,
  })
}

test('8 concurrent runs log each call under its own run, hashed with the JSON arguments', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const agent = new Agent({ name: 'support', tools: [getOrders(gw, ran)] })
  const runIds = await Promise.all(Array.from({ length: 8 }, (_, i) => gw.run({ request_id: `req-${i}` }, async (r) => {
    const model = script(['get_orders', { user: `u${i}` }])
    await run(agent.clone({ model }), 'hi')
    assert.deepEqual(toolOutputs(model), [`5 orders of u${i}`])
    return r.runId
  })))
  await rec.flush()
  assert.equal(new Set(runIds).size, 8)
  runIds.forEach((runId, i) => {
    // {user} as the model sent it, not {user, limit: 5} after the schema's default.
    assert.deepEqual(rec.run(runId).argsHashes(), [tooltrail.stableHash({ user: `u${i}` })])
  })
  assert.deepEqual(ran.sort(), Array.from({ length: 8 }, (_, i) => `u${i}`))
})

test('a throwing execute is logged and the SDK handles it as before', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const model = script(['get_orders', { user: 'down' }])
  await gw.run({ request_id: 'r' }, () => run(new Agent({ name: 'a', tools: [getOrders(gw, [])], model }), 'hi'))
  assert.deepEqual(toolOutputs(model), [SDK_ERROR])
  const strict = getOrders(gw, [], { errorFunction: null })
  await assert.rejects(gw.run({ request_id: 'r2' }, () =>
    run(new Agent({ name: 'a', tools: [strict], model: script(['get_orders', { user: 'down' }]) }), 'hi')), /orders service down/)
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.ok, c.error_class]), [[false, 'http_5xx'], [false, 'http_5xx']])
})

test('budget and loop-guard refusals are tool errors the model reads; the tool does not run', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, config: { budgets: { max_tool_calls: 2, loop_guard: { block_after: 2 } } } })
  const ran = []
  const model = script(['get_orders', { user: 'a' }], ['get_orders', { user: 'a' }], ['get_orders', { user: 'b' }], ['get_orders', { user: 'c' }])
  await gw.run({ request_id: 'r' }, () => run(new Agent({ name: 'a', tools: [getOrders(gw, ran)], model }), 'hi'))
  assert.deepEqual(ran, ['a', 'b'])
  assert.deepEqual(toolOutputs(model), ['5 orders of a', SDK_ERROR, '5 orders of b', SDK_ERROR])
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => c.error_class), [null, 'loop_detected', null, 'budget_exceeded'])
})

test('instrument wraps tools made elsewhere at invoke', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const plain = sdkTool({
    name: 'double', description: 'd', parameters: z.object({ n: z.number() }), errorFunction: null,
    execute: ({ n }) => {
      ran.push(n)
      if (n < 0) throw new RangeError('negative')
      return String(2 * n)
    },
  })
  const agent = instrument(new Agent({ name: 'a', tools: [plain] }), gw)
  assert.notEqual(agent.tools[0], plain)
  assert.equal(wrapTools(agent.tools, gw)[0], agent.tools[0]) // once per gateway
  await gw.run({ request_id: 'r' }, () => run(agent.clone({ model: script(['double', { n: 2 }]) }), 'hi'))
  await assert.rejects(gw.run({ request_id: 'r2' }, () => run(agent.clone({ model: script(['double', { n: -1 }]) }), 'hi')), /negative/)
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.ok, c.error_class, c.args_hash]), [
    [true, null, tooltrail.stableHash({ n: 2 })], [false, 'RangeError', tooltrail.stableHash({ n: -1 })]])
  assert.deepEqual(ran, [2, -1])
})

test('without a current run the tool runs under an implicit run; the model reads its output', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const model = script(['get_orders', { user: 'a' }])
  await run(new Agent({ name: 'a', tools: [getOrders(gw, ran)], model }), 'hi')
  assert.deepEqual(ran, ['a'])
  assert.deepEqual(toolOutputs(model), ['5 orders of a'])
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.tool, c.ok]), [['get_orders', true]])
  assert.deepEqual(rec.events({ event: 'run_start' }).map((e) => e.implicit), [true])
})

test('strict: without a current run the SDK reports missing_id to the model; nothing runs', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, strict: true })
  const ran = []
  const model = script(['get_orders', { user: 'a' }])
  await run(new Agent({ name: 'a', tools: [getOrders(gw, ran)], model }), 'hi')
  assert.deepEqual(ran, [])
  assert.deepEqual(toolOutputs(model), [SDK_ERROR])
  await rec.flush()
  assert.deepEqual(rec.calls(), [])
})

test('a tool without a name is named after its execute, as the SDK does', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const lookUp = tool(gw, { description: 'l', parameters: z.object({ key: z.string() }), execute: async function look_up({ key }) { return key } })
  assert.equal(lookUp.name, 'look_up')
  const model = script(['look_up', { key: 'k' }])
  await gw.run({ request_id: 'r' }, () => run(new Agent({ name: 'a', tools: [lookUp], model }), 'hi'))
  assert.deepEqual(toolOutputs(model), ['k'])
  await rec.flush()
  assert.deepEqual(rec.toolSequence(), ['look_up'])
})

// The model's argument texts, hashed by the core as sent: the same answers
// as the Python adapter's test (tests/python/test_integration_openai_agents.py).
// Not here: text that is not JSON, which this SDK refuses before any tool
// code runs (Python's SDK hands it to the tool's invoker, where it is logged).
const RAW_ARGUMENTS = [
  ['{"user":"u1","note":"caf\\u00e9"}', 'hash'],
  ['{"user":"u1","order":1234567890123456789}', 'integer_out_of_range'],
  ['{"user":"u1","user":"u2"}', 'duplicate_key'],
]

for (const [text, want] of RAW_ARGUMENTS) {
  test(`the model's arguments are hashed by the core as sent: ${text}`, async (t) => {
    // Before: JSON.parse rounded the integer and kept the last duplicate
    // (a hash Python never gives), and text that is not JSON was not logged.
    const rec = recorder(t)
    const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
    const plain = sdkTool({
      name: 'get_orders',
      description: "A user's orders",
      parameters: z.object({ user: z.string() }).passthrough(),
      execute: async ({ user }) => `orders of ${user}`,
    })
    const model = new ScriptedModel([[functionCall('get_orders', text, { callId: 'c0' })], [assistantMessage('done')]])
    const agent = new Agent({ name: 'a', tools: wrapTools([plain], gw), model })
    await gw.run({ request_id: 'r' }, () => run(agent, 'hi'))
    await rec.flush()
    const [call] = rec.events().filter((e) => e.event === 'tool_call')
    if (want === 'hash') assert.equal(call.args_hash, tooltrail.stableHashJson(text))
    else assert.deepEqual([call.args_hash, call.args_error.kind], [null, want])
  })
}
