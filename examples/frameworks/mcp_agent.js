// A support agent that calls its tools on an MCP server (the Python one,
// examples/frameworks/mcp_server.py: the same server for both languages),
// through the Node MCP SDK's Client, logged by tooltrail. Eight requests run at
// once over one client (Promise.all), each in its own run; no ctx is passed
// anywhere. Run (with examples/fake_api.py serving; PYTHON: an interpreter
// with the `mcp` package, default .venv/bin/python):
//   FAKE_API=http://127.0.0.1:PORT node examples/frameworks/mcp_agent.js LOG_DIR
'use strict'
const path = require('node:path')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js')
const { instrument } = require('tooltrail/integrations/mcp')
const { gateway } = require('./http_tools')

const PYTHON = process.env.PYTHON || path.join(__dirname, '..', '..', '.venv', 'bin', 'python')

async function main(logDir) {
  const gw = gateway(logDir, 'mc-js')
  const client = new Client({ name: 'support-agent', version: '1.0.0' })
  await client.connect(new StdioClientTransport({
    command: PYTHON,
    args: [path.join(__dirname, 'mcp_server.py')],
    env: { ...process.env }, // FAKE_API (the SDK passes only a safe subset by default)
  }))
  instrument(client, gw)
  try {
    await Promise.all(Array.from({ length: 8 }, (_, i) =>
      gw.run({ run_id: `mc-js-run-${i}`, request_id: `mc-js-req-${i}` }, async () => {
        await client.callTool({ name: 'search_orders', arguments: { user: `user-${i}` } })
        await client.callTool({ name: 'get_invoice', arguments: { order_id: 100 + i } })
      })))
  } finally {
    await client.close()
  }
}

main(process.argv[2])
