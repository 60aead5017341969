// A support agent on the OpenAI Agents SDK for JS (`@openai/agents`), its
// tools logged by tooltrail. Eight requests run at once (Promise.all), each in
// its own run; no ctx is passed anywhere. The model is the SDK's ScriptedModel
// asking for the tools, so this runs offline. Run (with examples/fake_api.py
// serving): FAKE_API=http://127.0.0.1:PORT node examples/frameworks/openai_agents_agent.js LOG_DIR
'use strict'
const { Agent, run, setTracingDisabled } = require('@openai/agents')
const { ScriptedModel, assistantMessage, functionCall } = require('@openai/agents-core/testing')
const { z } = require('zod')
const { tool } = require('tooltrail/integrations/openai-agents')
const { httpGet, gateway } = require('./http_tools')

setTracingDisabled(true) // offline: no trace export

const model = (i) => new ScriptedModel([
  [functionCall('search_orders', { user: `user-${i}` }, { callId: `call-${i}-1` })],
  [functionCall('get_invoice', { order_id: 100 + i }, { callId: `call-${i}-2` })],
  [assistantMessage('Your invoice is on its way.')],
])

async function main(logDir) {
  const gw = gateway(logDir, 'oa-js')
  const tools = [
    tool(gw, {
      name: 'search_orders',
      description: "Finds a user's orders",
      parameters: z.object({ user: z.string() }),
      execute: async ({ user }) => JSON.stringify(await httpGet(`/orders?user=${user}`)),
    }),
    tool(gw, {
      name: 'get_invoice',
      description: "Fetches an order's invoice",
      parameters: z.object({ order_id: z.number() }),
      execute: async ({ order_id }) => JSON.stringify(await httpGet(`/invoice?id=${order_id}`)),
    }),
  ]
  await Promise.all(Array.from({ length: 8 }, (_, i) =>
    gw.run({ run_id: `oa-js-run-${i}`, request_id: `oa-js-req-${i}` }, () =>
      run(new Agent({ name: 'support', tools, model: model(i) }), `Where is my invoice? (request ${i})`))))
}

main(process.argv[2])
