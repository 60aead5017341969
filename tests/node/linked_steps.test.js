// Linked steps: a run opened inside another run is its child (same trace,
// `parent_run_id`, under the call in progress), a tool called from a tool is
// that call's child, and framework calls carry the model's `call_id`. Same
// checks as tests/python/test_linked_steps.py.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { generateText, stepCountIs, tool } = require('ai')
const { MockLanguageModelV4 } = require('ai/test')
const { z } = require('zod')
const { ToolGateway } = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const { wrapTools } = require('tooltrail/integrations/ai')
const { scenario, START_US } = require('./linked_replay')

test('nested runs and tool-in-tool calls are linked', async (t) => {
  const rec = recorder(t)
  await scenario(new ToolGateway({ impls: {}, logger: rec, _deterministic: START_US }))
  await rec.flush()
  const [outer, sub, side] = rec.events({ event: 'run_start' })
  const calls = new Map(rec.events({ event: 'tool_call' }).map((c) => [`${c.tool} ${c.run_id}`, c]))
  const delegate = calls.get(`delegate ${outer.run_id}`)
  const inner = calls.get(`lookup ${outer.run_id}`)
  assert.equal(delegate.parent_span_id, outer.span_id)
  assert.equal(inner.parent_span_id, delegate.span_id)
  assert.equal(sub.parent_run_id, outer.run_id)
  assert.equal(sub.trace_id, outer.trace_id)
  assert.equal(sub.parent_span_id, delegate.span_id)
  assert.deepEqual([sub.request_id, sub.user_id, sub.agent_id], ['req-1', 'u-1', 'sub-agent'])
  assert.equal(calls.get(`lookup ${sub.run_id}`).parent_span_id, sub.span_id)
  assert.equal(side.parent_run_id, outer.run_id)
  assert.equal(side.parent_span_id, outer.span_id)
  assert.deepEqual([side.request_id, side.trace_id], ['req-2', outer.trace_id])
  assert.equal('parent_run_id' in outer, false)
})

test('an AI SDK tool call carries the model\'s toolCallId', async (t) => {
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec })
  const tools = wrapTools({
    quote: tool({ description: 'q', inputSchema: z.object({ symbol: z.string() }), execute: async ({ symbol }) => symbol }),
  }, gw)
  let step = 0
  const model = new MockLanguageModelV4({
    doGenerate: async () => {
      step++
      const usage = { inputTokens: { total: 1 }, outputTokens: { total: 1 } }
      if (step > 1) return { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }
      return {
        content: [{ type: 'tool-call', toolCallId: 'call-q-1', toolName: 'quote', input: JSON.stringify({ symbol: 'X' }) }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [],
      }
    },
  })
  await gw.run({ request_id: 'r' }, () => generateText({ model, tools, stopWhen: stepCountIs(3), prompt: 'hi' }))
  await rec.flush()
  assert.deepEqual(rec.events({ event: 'tool_call' }).map((c) => [c.tool, c.call_id]), [['quote', 'call-q-1']])
})

test('an OpenAI Agents tool call carries the model\'s callId, built by tool() or wrapped', async (t) => {
  const { Agent, run, setTracingDisabled, tool: sdkTool } = require('@openai/agents')
  const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
  const agents = require('tooltrail/integrations/openai-agents')
  setTracingDisabled(true)
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec })
  const params = z.object({ symbol: z.string() })
  const quote = agents.tool(gw, { name: 'quote', description: 'q', parameters: params, execute: ({ symbol }) => symbol })
  const news = sdkTool({ name: 'news', description: 'n', parameters: params, execute: ({ symbol }) => symbol })
  const model = new ScriptedModel([
    [functionCall('quote', '{"symbol":"X"}', { callId: 'call_oa_1' }), functionCall('news', '{"symbol":"Y"}', { callId: 'call_oa_2' })],
    [assistantMessage('ok')],
  ])
  const agent = agents.instrument(new Agent({ name: 'a', tools: [quote, news], model }), gw)
  await gw.run({ request_id: 'r' }, () => run(agent, 'hi'))
  await rec.flush()
  const got = rec.events({ event: 'tool_call' }).map((c) => [c.tool, c.call_id]).sort()
  assert.deepEqual(got, [['news', 'call_oa_2'], ['quote', 'call_oa_1']])
})
