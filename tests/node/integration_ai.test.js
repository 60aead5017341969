// tooltrail/integrations/ai against the real `ai` package (the version pinned
// in package.json), offline: the SDK's MockLanguageModelV4 asks for the tools.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { generateText, stepCountIs, tool } = require('ai')
const { MockLanguageModelV4 } = require('ai/test')
const { z } = require('zod')
const tooltrail = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const { wrapTools } = require('tooltrail/integrations/ai')
const { ROOT, tempDir } = require('./helpers')

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } }
const calling = (...calls) => ({
  content: calls.map(([toolName, args], i) => ({ type: 'tool-call', toolCallId: `c${i}`, toolName, input: JSON.stringify(args) })),
  finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [],
})
const done = { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] }
const script = (...steps) => new MockLanguageModelV4({ doGenerate: [...steps.map((calls) => calling(...calls)), done] })

class Unavailable extends Error {
  constructor(message) {
    super(message)
    this.status = 503
  }
}

function makeTools(ran) {
  return {
    getOrders: tool({
      description: "A user's orders",
      inputSchema: z.object({ user: z.string() }),
      execute: async ({ user }, { toolCallId }) => {
        ran.push(user)
        if (user === 'down') throw new Unavailable('orders service down')
        return `orders of ${user} (${toolCallId})`
      },
    }),
    answer: tool({ description: 'no execute: the app answers' , inputSchema: z.object({}) }),
  }
}

// What the model was shown for each tool call of the first step.
const toolOutputs = (result) => result.steps[0].content.filter((c) => c.type !== 'tool-call').map((c) => [c.type, c.output ?? String(c.error?.message)])

test('8 concurrent runs log each call under its own run, no ctx anywhere', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const ran = []
  const tools = wrapTools(makeTools(ran), gw)
  const runIds = await Promise.all(Array.from({ length: 8 }, (_, i) => gw.run({ request_id: `req-${i}` }, async (run) => {
    const result = await generateText({ model: script([['getOrders', { user: `u${i}` }]]), tools, stopWhen: stepCountIs(3), prompt: 'hi' })
    assert.deepEqual(toolOutputs(result), [['tool-result', `orders of u${i} (c0)`]]) // options reach execute
    return run.runId
  })))
  await rec.flush()
  assert.equal(new Set(runIds).size, 8)
  runIds.forEach((runId, i) => {
    const calls = rec.run(runId).calls()
    assert.deepEqual(calls.map((c) => [c.tool, c.ok, c.args_hash]), [['getOrders', true, tooltrail.stableHash({ user: `u${i}` })]])
  })
  assert.deepEqual(ran.sort(), Array.from({ length: 8 }, (_, i) => `u${i}`))
})

test('a throwing execute is logged with its error_class and the model sees a tool-error', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const tools = wrapTools(makeTools([]), gw)
  const result = await gw.run({ request_id: 'r' }, () =>
    generateText({ model: script([['getOrders', { user: 'down' }]]), tools, stopWhen: stepCountIs(3), prompt: 'hi' }))
  assert.deepEqual(toolOutputs(result), [['tool-error', 'orders service down']])
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.ok, c.error_class]), [[false, 'http_5xx']])
})

test('a budget refusal reaches the SDK as a tool-error; the tool does not run', async (t) => {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, config: { budgets: { max_tool_calls: 1 } } })
  const ran = []
  const tools = wrapTools(makeTools(ran), gw)
  const result = await gw.run({ request_id: 'r' }, () =>
    generateText({ model: script([['getOrders', { user: 'a' }], ['getOrders', { user: 'b' }]]), tools, stopWhen: stepCountIs(3), prompt: 'hi' }))
  assert.deepEqual(ran, ['a'])
  const [output] = result.steps[0].content.filter((c) => c.type === 'tool-error')
  assert.equal(output.error.code, 'budget_exceeded')
  await rec.flush()
  assert.deepEqual(rec.calls().map((c) => [c.decision, c.error_class]), [['allow', null], ['block', 'budget_exceeded']])
})

test('tools are copied; tools without execute are kept; a direct gateway.call is refused', async (t) => {
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: recorder(t) })
  const tools = makeTools([])
  const wrapped = wrapTools(tools, gw)
  assert.notEqual(wrapped.getOrders, tools.getOrders)
  assert.equal(wrapped.getOrders.inputSchema, tools.getOrders.inputSchema)
  assert.equal(wrapped.answer, tools.answer)
  assert.equal(wrapTools(wrapped, gw).getOrders, wrapped.getOrders) // once per gateway
  await gw.run({ request_id: 'r' }, async () => {
    assert.throws(() => gw.call(null, 'getOrders', { user: 'x' }), /runs through its agent/)
  })
  // No current run: the call runs under an implicit run; a strict gateway refuses it.
  assert.match(await wrapped.getOrders.execute({ user: 'x' }, { toolCallId: 'c9' }), /orders of x/)
  const strict = new tooltrail.ToolGateway({ impls: {}, logger: recorder(t), strict: true })
  assert.throws(() => wrapTools(tools, strict).getOrders.execute({ user: 'x' }, {}), (err) => err.code === 'missing_id')
})

test('the CLI reads the adapter logs', async () => {
  const dir = tempDir('tt-ai-')
  const writer = new tooltrail.EventWriter({ path: dir })
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: writer })
  const tools = wrapTools(makeTools([]), gw)
  for (const [i, user] of ['ok', 'down'].entries()) {
    await gw.run({ run_id: `run-${i}`, request_id: `req-${i}` }, () =>
      generateText({ model: script([['getOrders', { user }]]), tools, stopWhen: stepCountIs(3), prompt: 'hi' }))
  }
  assert.equal(await writer.flush(), true)
  const cli = (...args) => spawnSync(process.execPath, [path.join(ROOT, 'bindings-node', 'cli.js'), ...args], { encoding: 'utf8' })
  const runs = JSON.parse(cli('runs', dir, '--json').stdout)
  assert.deepEqual(runs.map((r) => [r.run_id, r.tool_calls, r.error_classes]), [['run-0', 1, []], ['run-1', 1, ['http_5xx']]])
  const shown = cli('show', 'run-1', dir)
  assert.equal(shown.status, 0, shown.stderr)
  assert.match(shown.stdout, /getOrders/)
  assert.match(shown.stdout, /FAILED http_5xx/)
})

test('installing or requiring tooltrail pulls no framework in', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  for (const name of ['ai', '@openai/agents', 'zod']) {
    assert.equal(pkg.dependencies?.[name], undefined)
    assert.match(pkg.devDependencies[name], /^\d+\.\d+\.\d+$/) // tested at one exact version
  }
  const code = "require('tooltrail'); require('tooltrail/integrations/ai'); require('tooltrail/integrations/openai-agents');"
    + "process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules'))))"
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), [])
})
