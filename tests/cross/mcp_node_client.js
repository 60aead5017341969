// tests/cross/test_mcp.py's Node leg: one MCP tool call through the Node
// adapter (`tooltrail/integrations/mcp`) against the Node fixture server,
// logged to the directory given. argv: LOG_DIR TOOL ARGS_JSON.
'use strict'
const path = require('node:path')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js')
const tooltrail = require('tooltrail')
const { instrument } = require('tooltrail/integrations/mcp')

async function main() {
  const [logs, tool, argsJson] = process.argv.slice(2)
  const writer = new tooltrail.EventWriter({ path: logs })
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: writer })
  const server = path.join(__dirname, '..', 'node', 'mcp_fixtures', 'server.js')
  const client = new Client({ name: 'cross', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [server] }))
  instrument(client, gw)
  await gw.run({ request_id: 'cross-node' }, () => client.callTool({ name: tool, arguments: JSON.parse(argsJson) }))
  await client.close()
  writer.close()
}
main()
