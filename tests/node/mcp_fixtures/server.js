// An MCP server written with the Node SDK (`@modelcontextprotocol/sdk`, its
// low-level `Server`, so that a tool can answer with a JSON-RPC error), run
// over stdio by the Node MCP tests. The tools mirror
// tests/python/mcp_fixtures/server.py: a result (`add`, `search`), an error
// result (`fail`, or an unknown tool), a JSON-RPC error (`reject`), a call that
// waits until cancelled (`block`, after a progress notification), a crash
// (`crash` exits mid-call), and `calls`, how many tool calls it has run.
'use strict'

const { Server } = require('@modelcontextprotocol/sdk/server/index.js')
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js')
const { CallToolRequestSchema, ListToolsRequestSchema, McpError } = require('@modelcontextprotocol/sdk/types.js')

const ran = []
const text = (t, isError = false) => ({ content: [{ type: 'text', text: String(t) }], isError })
const object = (properties) => ({ type: 'object', properties })

const tools = {
  add: { schema: object({ a: { type: 'number' }, b: { type: 'number' } }), run: ({ a, b }) => text(a + b) },
  search: {
    schema: object({ query: { type: 'string' }, limit: { type: 'number' } }),
    run: ({ query, limit = 10 }) => text(`${limit} results for ${query}`),
  },
  fail: { schema: object({ message: { type: 'string' } }), run: ({ message }) => text(message, true) },
  reject: {
    schema: object({ reason: { type: 'string' } }),
    run: ({ reason }) => {
      throw new McpError(-32602, reason)
    },
  },
  block: {
    schema: object({}),
    run: async (_args, extra) => {
      const token = extra._meta?.progressToken
      if (token !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } })
      }
      await new Promise((resolve) => extra.signal.addEventListener('abort', resolve))
      return text('cancelled')
    },
  },
  crash: { schema: object({ code: { type: 'number' } }), run: ({ code = 3 }) => process.exit(code) },
}

const server = new Server({ name: 'tooltrail-fixture', version: '1.0.0' }, { capabilities: { tools: {} } })
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: Object.entries(tools).map(([name, t]) => ({ name, inputSchema: t.schema })),
}))
server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
  const { name, arguments: args = {} } = request.params
  if (name === 'calls') return text(ran.length)
  const tool = tools[name]
  if (!tool) return text(`Unknown tool: ${name}`, true)
  ran.push(name)
  return tool.run(args, extra)
})
server.connect(new StdioServerTransport())
