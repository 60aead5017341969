// tooltrail/integrations/mcp: an MCP client (`@modelcontextprotocol/sdk`'s
// `Client`) whose `callTool` goes through a tooltrail gateway, under the
// current run (docs/integrations.md, "MCP"). The rules are the proxy's
// (`tooltrail mcp-proxy`, core/mcp/src) and Python's
// (`tooltrail.integrations.mcp`):
//
// - tool = the MCP tool's name; args hashed = `arguments` (`{}` when absent);
// - a result with `isError: true` is logged `ToolError` (the caller gets the
//   result); a JSON-RPC error `McpError`; a closed connection
//   `ConnectionClosed`; the SDK's request timeout `timeout`; an aborted
//   signal `cancelled` (the caller gets what the SDK throws: McpError in
//   every case, -32001 for an abort too);
// - a call refused by a budget or the loop guard never reaches the server:
//   the caller gets the SDK's `McpError` with code REFUSED (-32010), the
//   message "tooltrail: …" and `data` { error_class, budget / tool }, as
//   the proxy answers; its `cause` is tooltrail's TooltrailError.
//
// The SDK is an optional dependency: required when `instrument` is called.
'use strict'

const { TooltrailError } = require('../index')
const native = require('../lib/native')
const { Outcome } = require('./common')

/** The JSON-RPC error code of a call tooltrail refused (the proxy's too). */
const REFUSED = -32010
// The MCP SDKs' codes for a closed connection and a request that timed out.

/**
 * Routes `client.callTool` through `gateway` (inside `gateway.run(ids, fn)`);
 * returns the same client. Other requests are untouched.
 */
function instrument(client, gateway) {
  const { McpError } = require('@modelcontextprotocol/sdk/types.js')
  const original = client.callTool.bind(client)
  const known = new Set()

  client.callTool = async function callTool(params, resultSchema, options) {
    const name = params.name
    if (!known.has(name)) {
      // The server decides which tools exist; `gateway.call(null, name,
      // args)` reaches this one over MCP too.
      gateway.wrap(name, (args) => original({ name, arguments: args }))
      known.add(name)
    }
    let answer
    const body = async (_args, { signal } = {}) => {
      // The gateway's timeout (its `timeouts` entry) aborts the request too.
      const merged = signal && options?.signal ? AbortSignal.any([signal, options.signal]) : signal ?? options?.signal
      try {
        answer = await original(params, resultSchema, { ...options, signal: merged })
      } catch (err) {
        if (err instanceof McpError) {
          // The SDK rejects an aborted request with code -32001 too (as a
          // timeout): the aborted signal says it was cancelled.
          // The proxy's rule, from the core: unknown_tool, invalid_arguments,
          // ConnectionClosed, a timeout, McpError.
          const message = err.message.replace(/^MCP error -?\d+: /, '')
          const as = merged?.aborted ? 'AbortError' : native._mcpErrorClass(Number(err.code), message)
          // Logged with the server's message, as the proxy logs it.
          throw new Outcome(as, message, err)
        }
        throw err
      }
      // An `isError` result is a ToolError (the core's rule, with the
      // message the proxy logs); the caller still gets the result.
      const failure = native._mcpResultError(answer)
      if (failure !== null) throw new Outcome('ToolError', failure, null)
      return answer
    }
    let pending
    try {
      pending = gateway._ambientCall(name, params.arguments ?? {}, body)
    } catch (err) {
      if (err instanceof TooltrailError && (err.code === 'budget_exceeded' || err.code === 'loop_detected')) {
        const [code, message, data] = native._mcpRefusal(err)
        const refused = new McpError(code, message, data)
        refused.cause = err
        throw refused
      }
      throw err
    }
    try {
      await pending
    } catch (err) {
      if (!(err instanceof Outcome)) throw err
      if (err.name !== 'ToolError') throw err.original
    }
    return answer
  }
  return client
}

module.exports = { instrument, REFUSED }
