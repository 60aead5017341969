// Every call the model attempted is in the log: arguments the framework
// refuses (failing the tool's schema, or not JSON) give a `tool_call` and a
// failed `tool_result` with error class `invalid_arguments` and the SDK's
// message; the SDK answers the model as before. Same checks as
// tests/python/test_invalid_arguments.py.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Agent, run, setTracingDisabled } = require('@openai/agents')
const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
const { z } = require('zod')
const { ToolGateway } = require('tooltrail')
const { recorder } = require('tooltrail/testing')
const agents = require('tooltrail/integrations/openai-agents')

setTracingDisabled(true)

function summary(rec) {
  const calls = new Map(rec.events({ event: 'tool_call' }).map((c) => [c.span_id, c]))
  return rec.events({ event: 'tool_result' })
    .map((r) => [r.tool, calls.get(r.span_id).call_id, r.ok, r.error_class ?? null])
    .sort((a, b) => a[1].localeCompare(b[1]))
}

test('OpenAI Agents: arguments failing the schema of a tool() are logged invalid_arguments', async (t) => {
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec })
  const params = z.object({ symbol: z.string(), qty: z.number() })
  const quote = agents.tool(gw, { name: 'quote', description: 'q', parameters: params, execute: ({ symbol }) => symbol })
  const model = new ScriptedModel([
    [
      functionCall('quote', '{"symbol":"X","qty":"many"}', { callId: 'c1' }),
      functionCall('quote', '{"symbol":"Y","qty":1}', { callId: 'c2' }),
    ],
    [assistantMessage('done')],
  ])
  const agent = agents.instrument(new Agent({ name: 'a', tools: [quote], model }), gw)
  const result = await gw.run({ request_id: 'r' }, () => run(agent, 'hi'))
  assert.equal(result.finalOutput, 'done') // the SDK answered the model as before
  await rec.flush()
  assert.deepEqual(summary(rec), [
    ['quote', 'c1', false, 'invalid_arguments'],
    ['quote', 'c2', true, null],
  ])
  const failed = rec.events({ event: 'tool_result' }).find((r) => r.ok === false)
  // What the SDK answered the model with (its errorFunction's message).
  assert.match(failed.error_message, /An error occurred while running the tool/)
})
