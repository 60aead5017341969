// The OpenAI Agents tracing processor (tooltrail/integrations/openai-agents
// `processor(gw)`): one line logs every tool an agent calls, a run per agent
// run outside tooltrail runs, model calls with the provider's usage; calls
// whose arguments are not JSON (refused before any tool code) are logged
// `invalid_arguments`; runs follow streamed runs; with the wrappers nothing
// is logged twice. Same checks as tests/python/test_openai_agents_tracing.py.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, run, setTraceProcessors, tool: sdkTool, OpenAIChatCompletionsModel } = require('@openai/agents')
const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
const { z } = require('zod')
const OpenAI = require('openai')
const tooltrail = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const agents = require('tooltrail/integrations/openai-agents')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const params = z.object({ symbol: z.string() })
const execute = async ({ symbol }) => {
  await sleep(5)
  if (symbol === 'Z') throw new Error('exchange closed')
  return `${symbol}: 10`
}
const script = (...calls) => new ScriptedModel([calls.map(([id, args]) => functionCall('quote', args, { callId: id })), [assistantMessage('ok')]])

function setup(t, config = {}) {
  const rec = recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, config })
  setTraceProcessors([agents.processor(gw)])
  t.after(() => setTraceProcessors([]))
  return { rec, gw }
}

const results = (rec) => rec.events({ event: 'tool_result' }).map((r) => [r.tool, r.ok, r.error_class ?? null]).sort()

test('one line logs every call of each agent run under a run of its own', async (t) => {
  const { rec } = setup(t)
  const quote = sdkTool({ name: 'quote', description: 'q', parameters: params, execute })
  for (let i = 0; i < 2; i++) {
    const model = script(['c1', '{"symbol":"X"}'], ['c2', '{"symbol":"Z"}'], ['c3', '{not json'])
    await run(new Agent({ name: 'a', tools: [quote], model }), 'hi')
  }
  await rec.flush()
  assert.deepEqual(results(rec), [
    ['quote', false, 'ToolError'], ['quote', false, 'ToolError'],
    ['quote', false, 'invalid_arguments'], ['quote', false, 'invalid_arguments'],
    ['quote', true, null], ['quote', true, null],
  ])
  const starts = rec.events({ event: 'run_start' })
  assert.equal(starts.length, 2)
  assert.ok(starts.every((s) => s.implicit === true))
  assert.deepEqual(rec.events({ event: 'run_end' }).map((e) => e.tool_calls), [3, 3])
  const ok = rec.events({ event: 'tool_result' }).filter((r) => r.ok)
  assert.ok(ok.every((r) => r.latency_ms >= 4), 'timed from the span: the tool awaited 5 ms')
})

test('with the wrappers, each call is logged once, under the agent run, and non-JSON calls too', async (t) => {
  const { rec, gw } = setup(t)
  const quote = agents.tool(gw, { name: 'quote', description: 'q', parameters: params, execute })
  const model = script(['c1', '{"symbol":"X"}'], ['c2', '{not json'], ['c3', '{"symbol":1}'])
  await run(agents.instrument(new Agent({ name: 'a', tools: [quote], model }), gw), 'hi')
  await rec.flush()
  assert.equal(rec.events({ event: 'run_start' }).length, 1) // the agent run's, not one per call
  // The wrappers log the model's call id; the SDK's trace of the refused
  // non-JSON call has none.
  assert.deepEqual(rec.events({ event: 'tool_call' }).map((c) => c.call_id ?? null).sort(), ['c1', 'c3', null])
  assert.deepEqual(results(rec), [['quote', false, 'invalid_arguments'], ['quote', false, 'invalid_arguments'], ['quote', true, null]])
})

test('a streamed run inside gateway.run keeps the run open until its stream is read; budgets apply', async (t) => {
  const { rec, gw } = setup(t, { budgets: { max_tool_calls: 2 } })
  const quote = agents.tool(gw, { name: 'quote', description: 'q', parameters: params, execute })
  const model = script(['c1', '{"symbol":"A"}'], ['c2', '{"symbol":"B"}'], ['c3', '{"symbol":"C"}'])
  const streamed = await gw.run({ request_id: 'req-1' }, () => run(new Agent({ name: 'a', tools: [quote], model }), 'hi', { stream: true }))
  for await (const event of streamed) assert.ok(event) // read after the function returned
  await streamed.completed
  await rec.flush()
  const events = rec.events().map((e) => e.event)
  assert.equal(events.at(-1), 'run_end')
  const end = rec.events({ event: 'run_end' })[0]
  assert.deepEqual([end.tool_calls, end.refused, end.stop_reason], [2, 1, 'max_tool_calls'])
})

test('model calls are recorded with the usage the provider reported', async (t) => {
  const { rec, gw } = setup(t)
  let asked = 0
  const fetch = async () => {
    asked++
    const message = asked === 1
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'quote', arguments: '{"symbol":"X"}' } }] }
      : { role: 'assistant', content: 'done' }
    const body = {
      id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message, finish_reason: asked === 1 ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 1200, completion_tokens: asked === 1 ? 80 : 20, total_tokens: 0, prompt_tokens_details: { cached_tokens: 1000 } },
    }
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  }
  const client = new OpenAI({ apiKey: 'test', baseURL: 'http://model.invalid/v1', fetch })
  const model = new OpenAIChatCompletionsModel(client, 'gpt-4o-mini')
  const quote = sdkTool({ name: 'quote', description: 'q', parameters: params, execute })
  await gw.run({ request_id: 'req-1' }, () => run(new Agent({ name: 'a', tools: [quote], model }), 'hi'))
  await rec.flush()
  const steps = rec.events({ event: 'model_call' })
  assert.deepEqual(steps.map((s) => [s.model, s.input_tokens, s.output_tokens, s.cached_input_tokens]), [
    ['gpt-4o-mini', 1200, 80, 1000], ['gpt-4o-mini', 1200, 20, 1000],
  ])
  const end = rec.events({ event: 'run_end' })[0]
  assert.deepEqual([end.input_tokens, end.output_tokens, end.tool_calls], [2400, 100, 1])
})

test("the provider's hosted tools are logged from the response (web search, a hosted MCP server)", async (t) => {
  const { rec, gw } = setup(t)
  const { OpenAIResponsesModel } = require('@openai/agents')
  const fetch = async () => new Response(JSON.stringify({
    id: 'resp_1', object: 'response', created_at: 0, model: 'gpt-4.1-mini', status: 'completed',
    output: [
      { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'refund policy' } },
      { id: 'mcp_1', type: 'mcp_call', name: 'lookup_order', server_label: 'shop', arguments: '{"order": 7}', error: 'order service unavailable', status: 'failed' },
      { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done', annotations: [] }] },
    ],
    parallel_tool_calls: true, tool_choice: 'auto', tools: [],
    usage: { input_tokens: 500, output_tokens: 40, total_tokens: 540, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
  }), { status: 200, headers: { 'content-type': 'application/json' } })
  const client = new OpenAI({ apiKey: 'test', baseURL: 'http://model.invalid/v1', fetch })
  const model = new OpenAIResponsesModel(client, 'gpt-4.1-mini')
  await gw.run({ request_id: 'req-1' }, () => run(new Agent({ name: 'a', model }), 'What is the refund policy?'))
  await rec.flush()
  const calls = new Map(rec.events({ event: 'tool_call' }).map((c) => [c.span_id, c]))
  const got = rec.events({ event: 'tool_result' }).map((r) => [calls.get(r.span_id).tool, calls.get(r.span_id).call_id, r.ok, r.error_class ?? null])
  assert.deepEqual(got, [['web_search', 'ws_1', true, null], ['lookup_order', 'mcp_1', false, 'ToolError']])
  const search = [...calls.values()].find((c) => c.tool === 'web_search')
  // The same hash as Python's processor gives the same item.
  assert.equal(search.args_hash, tooltrail.stableHash({ action: { type: 'search', query: 'refund policy' } }))
  assert.equal(rec.events({ event: 'tool_result' }).find((r) => !r.ok).error_message, 'order service unavailable')
  assert.deepEqual(rec.events({ event: 'model_call' }).map((m) => [m.model, m.input_tokens]), [['gpt-4.1-mini', 500]])
})
