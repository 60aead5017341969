// Type test of the framework adapters (npm run typecheck): the wrapped tools
// keep the frameworks' own types, so they go where the originals went.
import tooltrail from 'tooltrail'
import { telemetry, wrapTools } from 'tooltrail/integrations/ai'
import * as agentsAdapter from 'tooltrail/integrations/openai-agents'
import { generateText, registerTelemetry, tool as aiTool, type Telemetry, type ToolSet } from 'ai'
import { Agent, type FunctionTool } from '@openai/agents'
import { z } from 'zod'

const gw = new tooltrail.ToolGateway({ impls: {} })

const aiTools = wrapTools({
  getOrders: aiTool({ inputSchema: z.object({ user: z.string() }), execute: async ({ user }) => `orders of ${user}` }),
}, gw)
const set: ToolSet = aiTools
// @ts-expect-error the tools object comes first
wrapTools(gw, aiTools)

// The telemetry integration goes where the SDK takes one: globally or per call.
const integration: Telemetry = telemetry(gw)
registerTelemetry(telemetry(gw))
void generateText({ model: 'm', tools: aiTools, prompt: 'hi', experimental_telemetry: { integrations: [integration] } })
void generateText({ model: 'm', prompt: 'hi', telemetry: { integrations: telemetry(gw) } })
// @ts-expect-error the gateway is required
telemetry()
// @ts-expect-error a gateway, not its options
telemetry({ impls: {} })

const getOrders = agentsAdapter.tool(gw, {
  name: 'get_orders',
  description: 'Orders of a user',
  parameters: z.object({ user: z.string() }),
  execute: async ({ user }) => `orders of ${user}`,
})
const fn: FunctionTool<unknown, typeof getOrders extends FunctionTool<unknown, infer P> ? P : never> = getOrders
const agent: Agent = agentsAdapter.instrument(new Agent({ name: 'a', tools: [getOrders] }), gw)
const tools: typeof agent.tools = agentsAdapter.wrapTools(agent.tools, gw)
// @ts-expect-error the parameters say n is a number
agentsAdapter.tool(gw, { name: 'typed', description: 'x', parameters: z.object({ n: z.number() }), execute: async ({ n }: { n: string }) => n })

void set, fn, tools
