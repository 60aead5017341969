// A support agent on the Vercel AI SDK (`ai`), its tools logged by tooltrail.
// Eight requests run at once (Promise.all), each in its own run; no ctx is
// passed anywhere. The model is the SDK's MockLanguageModelV4 scripted to ask
// for the tools, so this runs offline. Run (with examples/fake_api.py serving):
//   FAKE_API=http://127.0.0.1:PORT node examples/frameworks/ai_agent.js LOG_DIR
'use strict'
const { generateText, stepCountIs, tool } = require('ai')
const { MockLanguageModelV4 } = require('ai/test')
const { z } = require('zod')
const { wrapTools } = require('tooltrail/integrations/ai')
const { httpGet, gateway } = require('./http_tools')

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } }
const toolCall = (id, toolName, args) => ({
  content: [{ type: 'tool-call', toolCallId: id, toolName, input: JSON.stringify(args) }],
  finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [],
})
const model = (i) => new MockLanguageModelV4({
  doGenerate: [
    toolCall(`call-${i}-1`, 'search_orders', { user: `user-${i}` }),
    toolCall(`call-${i}-2`, 'get_invoice', { order_id: 100 + i }),
    { content: [{ type: 'text', text: 'Your invoice is on its way.' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
  ],
})

async function main(logDir) {
  const gw = gateway(logDir, 'ai-js')
  const tools = wrapTools({
    search_orders: tool({
      description: "Finds a user's orders",
      inputSchema: z.object({ user: z.string() }),
      execute: async ({ user }) => httpGet(`/orders?user=${user}`),
    }),
    get_invoice: tool({
      description: "Fetches an order's invoice",
      inputSchema: z.object({ order_id: z.number() }),
      execute: async ({ order_id }) => httpGet(`/invoice?id=${order_id}`),
    }),
  }, gw)
  await Promise.all(Array.from({ length: 8 }, (_, i) =>
    gw.run({ run_id: `ai-js-run-${i}`, request_id: `ai-js-req-${i}` }, () =>
      generateText({ model: model(i), tools, stopWhen: stepCountIs(5), prompt: `Where is my invoice? (request ${i})` }))))
}

main(process.argv[2])
