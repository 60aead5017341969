// `tooltrail/integrations/mcp`: a Node SDK `Client` whose `callTool` goes
// through the gateway, against the fixture server (mcp_fixtures/server.js)
// over stdio; and the proxy refuses alike.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js')
const { McpError } = require('@modelcontextprotocol/sdk/types.js')
const tooltrail = require('tooltrail')
const { Recorder } = require('tooltrail/testing')
const { instrument, REFUSED } = require('tooltrail/integrations/mcp')
const { ROOT, rejects, tempDir } = require('./helpers')

const SERVER = path.join(__dirname, 'mcp_fixtures', 'server.js')
const CLI = path.join(ROOT, 'bindings-node', 'cli.js')

async function connect(gw, body, args = [SERVER], instrumented = true) {
  const client = new Client({ name: 'tooltrail-test', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args }))
  if (instrumented) assert.equal(instrument(client, gw), client)
  try {
    return await body(client)
  } finally {
    await client.close()
  }
}

function gateway(config) {
  const rec = new Recorder()
  return [new tooltrail.ToolGateway({ impls: {}, logger: rec, config }), rec]
}

test('calls go through the gateway under the current run', async () => {
  const [gw, rec] = gateway({ logging: { tool_calls: { store_results: 'full' } } })
  const [runId, added, failed, rejected] = await connect(gw, (c) => gw.run({ request_id: 'req-1' }, async (run) => [
    run.runId,
    await c.callTool({ name: 'add', arguments: { a: 1, b: 2 } }),
    await c.callTool({ name: 'fail', arguments: { message: 'disk full' } }),
    await rejects(c.callTool({ name: 'reject', arguments: { reason: 'bad reason' } })),
  ]))
  assert.equal(added.content[0].text, '3')
  assert.equal(failed.isError, true)
  assert.ok(rejected instanceof McpError && rejected.code === -32602)
  const run = rec.lastRun()
  assert.equal(run.runId, runId)
  assert.deepEqual(run.toolSequence(), ['add', 'fail', 'reject'])
  const calls = run.events({ event: 'tool_call' })
  assert.equal(calls[0].args_hash, tooltrail.stableHash({ a: 1, b: 2 }))
  assert.ok(calls.every((c) => c.request_id === 'req-1'))
  const results = run.events({ event: 'tool_result' })
  assert.deepEqual(results.map((r) => [r.ok, r.error_class ?? null]), [[true, null], [false, 'ToolError'], [false, 'invalid_arguments']])
  assert.deepEqual(results[0].result.content, [{ type: 'text', text: '3' }])
})

test('a call outside a run runs under an implicit run', async () => {
  const [gw, rec] = gateway()
  const [added, ran] = await connect(gw, async (c) => [
    await c.callTool({ name: 'add', arguments: { a: 1, b: 1 } }),
    await gw.run({ request_id: 'r' }, () => c.callTool({ name: 'calls' })),
  ])
  assert.deepEqual([added.content[0].text, ran.content[0].text], ['2', '1'])
  const [implicit, explicit] = rec.runs()
  assert.deepEqual(implicit.toolSequence(), ['add'])
  assert.equal(implicit.events({ event: 'run_start' })[0].implicit, true)
  assert.equal(explicit.events({ event: 'run_start' })[0].implicit, undefined)
})

test('on a strict gateway a call outside a run is refused before the server', async () => {
  const rec = new Recorder()
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec, strict: true })
  const ran = await connect(gw, async (c) => {
    const err = await rejects(c.callTool({ name: 'add', arguments: { a: 1, b: 1 } }))
    assert.equal(err.code, 'missing_id')
    assert.match(err.message, /no current run/)
    return gw.run({ request_id: 'r' }, () => c.callTool({ name: 'calls' }))
  })
  assert.equal(ran.content[0].text, '0')
  // `arguments` absent: hashed as {}.
  assert.deepEqual(rec.lastRun().argsHashes(), [tooltrail.stableHash({})])
})

test('refusals reject with McpError carrying the proxy\'s code, message and data', async () => {
  const dir = tempDir('tt-mcp-client-')
  const cfg = path.join(dir, 'tooltrail.yaml')
  fs.writeFileSync(cfg, 'budgets:\n  loop_guard: { warn_after: 2, block_after: 2 }\n')
  const [gw, rec] = gateway(cfg)
  const refused = async (c) => {
    await c.callTool({ name: 'search', arguments: { query: 'x' } })
    const err = await rejects(c.callTool({ name: 'search', arguments: { query: 'x' } }))
    return [err, await c.callTool({ name: 'calls', arguments: {} })]
  }
  const [adapter, ran] = await connect(gw, (c) => gw.run({ request_id: 'r' }, () => refused(c)))
  assert.equal(ran.content[0].text, '1') // the refused call never reached the server
  assert.ok(adapter instanceof McpError)
  assert.equal(adapter.code, REFUSED)
  assert.equal(adapter.cause.code, 'loop_detected')
  assert.deepEqual(adapter.data, { error_class: 'loop_detected', tool: 'search' })
  assert.equal(rec.lastRun().stopReason, 'loop_detected')

  const proxy = [CLI, 'mcp-proxy', '--config', cfg, '--logs', path.join(dir, 'logs'), '--', process.execPath, SERVER]
  const [proxied] = await connect(gw, refused, proxy, false)
  assert.deepEqual([proxied.code, proxied.message, proxied.data], [adapter.code, adapter.message, adapter.data])
})

test('a budget refusal carries the budget', async () => {
  const [gw] = gateway({ budgets: { max_tool_calls: 1 } })
  const err = await connect(gw, (c) => gw.run({ request_id: 'r' }, async () => {
    await c.callTool({ name: 'add', arguments: { a: 1, b: 1 } })
    return rejects(c.callTool({ name: 'add', arguments: { a: 1, b: 2 } }))
  }))
  assert.equal(err.code, REFUSED)
  assert.deepEqual(err.data, { error_class: 'budget_exceeded', budget: 'max_tool_calls', stop_reason: 'max_tool_calls' })
  assert.equal(err.cause.code, 'budget_exceeded')
})

test('a timeout, a cancellation and a crash are classified', async () => {
  const [gw, rec] = gateway()
  const [timedOut, cancelled, closed] = await connect(gw, (c) => gw.run({ request_id: 'r' }, async () => {
    const timedOut = await rejects(c.callTool({ name: 'block', arguments: {} }, undefined, { timeout: 200 }))
    const controller = new AbortController()
    const cancelled = await rejects(c.callTool({ name: 'block', arguments: {} }, undefined, {
      signal: controller.signal,
      onprogress: () => controller.abort(),
    }))
    return [timedOut, cancelled, await rejects(c.callTool({ name: 'crash', arguments: {} }))]
  }))
  assert.equal(timedOut.code, -32001)
  assert.ok(cancelled, 'the SDK rejects an aborted call')
  assert.equal(closed.code, -32000)
  assert.deepEqual(rec.lastRun().events({ event: 'tool_result' }).map((r) => r.error_class),
    ['timeout', 'cancelled', 'ConnectionClosed'])
})

test('requiring tooltrail or the adapter does not load the SDK', () => {
  const { execFileSync } = require('node:child_process')
  const code = "require('tooltrail'); require('tooltrail/integrations/mcp');"
    + "const loaded = Object.keys(require.cache).filter((k) => k.includes('@modelcontextprotocol'));"
    + 'if (loaded.length) throw new Error(loaded.join())'
  execFileSync(process.execPath, ['-e', code], { cwd: ROOT })
})

test('eight concurrent runs on one client keep their own ids', async () => {
  const [gw, rec] = gateway()
  const runIds = await connect(gw, (c) => Promise.all(Array.from({ length: 8 }, (_, i) =>
    gw.run({ request_id: `req-${i}` }, async (run) => {
      await c.callTool({ name: 'add', arguments: { a: i, b: 1 } })
      await c.callTool({ name: 'search', arguments: { query: `q${i}` } })
      return run.runId
    }))))
  assert.equal(new Set(runIds).size, 8)
  runIds.forEach((runId, i) => {
    const run = rec.run(runId)
    assert.deepEqual(run.toolSequence(), ['add', 'search'])
    assert.equal(run.stopReason, 'completed')
    const calls = run.events({ event: 'tool_call' })
    assert.deepEqual(calls.map((c) => c.request_id), [`req-${i}`, `req-${i}`])
    assert.equal(calls[0].args_hash, tooltrail.stableHash({ a: i, b: 1 }))
  })
})
