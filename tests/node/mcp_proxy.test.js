// `tooltrail mcp-proxy` (the npm bin) between the Node MCP SDK's client and a
// server written with the same SDK (mcp_fixtures/server.js): calls,
// refusals, a server crash mid-call and a client cancelling, as the client
// sees them and as the log records them; the CLI reads the log.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js')
const { McpError } = require('@modelcontextprotocol/sdk/types.js')
const tooltrail = require('tooltrail')
const { ROOT, rejects, tempDir } = require('./helpers')

const CLI = path.join(ROOT, 'bindings-node', 'cli.js')
const SERVER = path.join(__dirname, 'mcp_fixtures', 'server.js')
const REFUSED = -32010
const CONNECTION_CLOSED = -32000

/** The proxy's command line for `dir` (config written there, logs in dir/logs). */
function proxyArgs(dir, config = '') {
  const cfg = path.join(dir, 'tooltrail.yaml')
  fs.writeFileSync(cfg, config)
  return [CLI, 'mcp-proxy', '--config', cfg, '--logs', path.join(dir, 'logs'), '--', process.execPath, SERVER]
}

async function withProxy(config, body) {
  const dir = tempDir('tt-mcp-proxy-')
  const client = new Client({ name: 'tooltrail-test', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args: proxyArgs(dir, config) }))
  let out
  try {
    out = await body(client)
  } finally {
    await client.close()
  }
  return { out, dir, events: readEvents(dir) }
}

function readEvents(dir) {
  const text = fs.readFileSync(path.join(dir, 'logs', 'tooltrail.jsonl'), 'utf8')
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line))
}

const only = (events, name) => events.filter((e) => e.event === name)
const cli = (...args) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })

test('calls are relayed and recorded', async () => {
  const { out, dir, events } = await withProxy('', async (c) => [
    await c.callTool({ name: 'add', arguments: { a: 1, b: 2 } }),
    await c.callTool({ name: 'fail', arguments: { message: 'disk full' } }),
    await rejects(c.callTool({ name: 'reject', arguments: { reason: 'bad reason' } })),
    await c.listTools(),
  ])
  const [added, failed, rejected, listed] = out
  assert.equal(added.content[0].text, '3')
  assert.equal(failed.isError, true)
  assert.ok(rejected instanceof McpError && rejected.code === -32602, String(rejected))
  assert.ok(listed.tools.some((t) => t.name === 'add'))

  assert.deepEqual(events.map((e) => e.event), ['run_start', ...Array(3).fill(['tool_call', 'tool_result']).flat(), 'run_end'])
  const runId = events[0].run_id
  // run_start names the server: its name and version (from `initialize`) and the command.
  const server = events[0].mcp_server
  assert.deepEqual([server.name, server.version, server.command], ['tooltrail-fixture', '1.0.0', `${process.execPath} ${SERVER}`])
  assert.ok(events.every((e) => e.run_id === runId))
  assert.equal(only(events, 'tool_call')[0].args_hash, tooltrail.stableHash({ a: 1, b: 2 }))
  assert.deepEqual(only(events, 'tool_result').map((r) => [r.tool, r.ok, r.error_class ?? null]), [
    ['add', true, null], ['fail', false, 'ToolError'], ['reject', false, 'invalid_arguments'],
  ])
  assert.equal(events.at(-1).stop_reason, 'completed')

  const runs = JSON.parse(cli('runs', path.join(dir, 'logs'), '--json'))
  assert.deepEqual(runs.map((r) => r.run_id), [runId])
  const shown = cli('show', runId, path.join(dir, 'logs'))
  assert.match(shown, /ToolError/)
  assert.match(shown, /stop_reason=completed/)
})

test('the loop guard refuses with a JSON-RPC error and the server never sees the call', async () => {
  const config = 'budgets:\n  loop_guard: { warn_after: 2, block_after: 2 }\n'
  const { out, events } = await withProxy(config, async (c) => {
    await c.callTool({ name: 'search', arguments: { query: 'x' } })
    const refused = await rejects(c.callTool({ name: 'search', arguments: { query: 'x' } }))
    return [refused, await c.callTool({ name: 'calls', arguments: {} })]
  })
  const [refused, ran] = out
  assert.ok(refused instanceof McpError)
  assert.equal(refused.code, REFUSED)
  assert.match(refused.message, /tooltrail: loop detected/)
  assert.deepEqual(refused.data, { error_class: 'loop_detected', tool: 'search' })
  assert.equal(ran.content[0].text, '1')
  assert.equal(events.at(-1).stop_reason, 'loop_detected')
})

test('a server crashing mid-call fails the call and the run', async () => {
  const { out, events } = await withProxy('', async (c) => rejects(c.callTool({ name: 'crash', arguments: { code: 3 } })))
  assert.ok(out instanceof McpError && out.code === CONNECTION_CLOSED, String(out))
  const crash = only(events, 'tool_result').at(-1)
  assert.deepEqual([crash.tool, crash.ok, crash.error_class], ['crash', false, 'ConnectionClosed'])
  assert.equal(events.at(-1).stop_reason, 'error')
})

test('a client cancelling a call is recorded as cancelled', async () => {
  const { out, events } = await withProxy('', async (c) => {
    const controller = new AbortController()
    const cancelled = await rejects(c.callTool({ name: 'block', arguments: {} }, undefined, {
      signal: controller.signal,
      onprogress: () => controller.abort(), // the server is running the call
    }))
    return [cancelled, await c.callTool({ name: 'add', arguments: { a: 2, b: 2 } })]
  })
  assert.equal(out[1].content[0].text, '4')
  const results = Object.fromEntries(only(events, 'tool_result').map((r) => [r.tool, r]))
  assert.equal(results.block.error_class, 'cancelled')
  assert.equal(results.add.ok, true)
  assert.equal(events.at(-1).stop_reason, 'completed')
})

test('SIGTERM to the npm bin answers the pending call, stops the server and ends the run cancelled', async () => {
  // Raw JSON-RPC over the bin's stdio, as an IDE would speak it: the proxy
  // runs inside Node here (cli.js), whose own signal handling must not
  // swallow the signal while the proxy blocks the thread.
  const { spawn } = require('node:child_process')
  const readline = require('node:readline')
  const dir = tempDir('tt-mcp-proxy-')
  const proc = spawn(process.execPath, proxyArgs(dir), { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]()
  const send = (msg) => proc.stdin.write(`${JSON.stringify(msg)}\n`)
  const receive = async () => JSON.parse((await lines.next()).value)
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })))
  send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
  assert.equal((await receive()).id, 0)
  send({ jsonrpc: '2.0', method: 'notifications/initialized' })
  send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'block', arguments: {}, _meta: { progressToken: 'p' } } })
  assert.equal((await receive()).method, 'notifications/progress') // the call is running
  proc.kill('SIGTERM')
  const answer = await receive()
  assert.equal(answer.id, 1)
  assert.equal(answer.error.code, CONNECTION_CLOSED)
  const { code, signal } = await exited
  assert.ok(code !== 0 || signal !== null, `exit ${code} ${signal}`)
  const events = readEvents(dir)
  assert.equal(only(events, 'tool_result')[0].error_class, 'cancelled')
  assert.deepEqual([events.at(-1).event, events.at(-1).stop_reason], ['run_end', 'cancelled'])
})
