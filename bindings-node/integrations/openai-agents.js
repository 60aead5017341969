// OpenAI Agents SDK (`@openai/agents`): function tools whose calls go through
// a tooltrail gateway under the current run (docs/integrations.md). The SDK
// is required only by `tool()`, when it is called.
'use strict'

const ambient = require('../lib/ambient')
const { callThrough, register, jsonArguments, Outcome, logInvalid } = require('./common')
const { processor, markCurrentSpan, traceRun } = require('./openai-agents-tracing')

const WRAPPED = Symbol.for('tooltrail.gateway')

/**
 * `tool(options)` from `@openai/agents` whose `execute` goes through
 * `gateway`: a call is logged and hashed with the JSON arguments the model
 * sent (as the Python adapter does), a throw is logged with its error_class
 * and then handled by the SDK as before (`errorFunction`: a message for the
 * model by default), and a budget or loop-guard refusal is a tool error the
 * same way.
 */
function tool(gateway, options) {
  const sdk = require('@openai/agents')
  const execute = options.execute
  let name = null
  // The invocations whose arguments the SDK accepted (execute ran): any
  // other invocation was refused for its arguments, and is logged so.
  const accepted = new WeakSet()
  const wrapped = function (input, runContext, details) {
    if (details) accepted.add(details)
    const text = details?.toolCall?.arguments
    const argsText = typeof text === 'string' ? text || '{}' : undefined
    return withinTrace(gateway, sdk, () =>
      callThrough(gateway, name, input, () => execute(input, runContext, details), argsText, details?.toolCall?.callId))
  }
  // Without options.name the SDK names the tool after execute.
  Object.defineProperty(wrapped, 'name', { value: execute.name })
  const built = sdk.tool({ ...options, execute: wrapped })
  name = built.name // the SDK's normalized name, as the model calls it
  register(gateway, name, 'OpenAI Agents')
  const invoke = built.invoke
  built.invoke = async function (runContext, input, details) {
    markCurrentSpan(sdk) // a processor leaves this call to the wrapper
    let result
    try {
      result = await invoke.call(this, runContext, input, details)
    } catch (err) {
      if (details && !accepted.has(details)) await logRefused(gateway, name, input, details, err?.message)
      throw err
    }
    // The SDK answered bad arguments with a message for the model.
    if (details && !accepted.has(details)) await logRefused(gateway, name, input, details, String(result))
    return result
  }
  built[WRAPPED] = gateway
  return built
}

// A call the SDK refused for its arguments, logged with the model's text.
function logRefused(gateway, name, input, details, message) {
  const sdk = require('@openai/agents')
  const text = typeof input === 'string' ? input || '{}' : undefined
  return withinTrace(gateway, sdk, () =>
    logInvalid(gateway, name, jsonArguments(input) ?? input, text, details?.toolCall?.callId, message ?? ''))
}

// `fn()` under the run a processor of `gateway` opened for the agent run in
// progress, when no tooltrail run is current (else as is).
function withinTrace(gateway, sdk, fn) {
  if (ambient.runs.getStore() !== undefined) return fn()
  const run = traceRun(gateway, sdk)
  return run === null ? fn() : ambient.runs.run(run, fn)
}

/**
 * Function tools made elsewhere (`tool()` of the SDK, an MCP server's) with
 * their `invoke` through `gateway`. The SDK handles a tool's error inside
 * `invoke`: one its `errorFunction` turns into a message for the model is
 * logged as a success; one it throws (`errorFunction: null`) as a failure.
 * Make tools with this module's `tool()` to log every failure.
 */
function wrapTools(tools, gateway) {
  return tools.map((t) => wrapTool(t, gateway))
}

function wrapTool(t, gateway) {
  if (t === null || typeof t !== 'object' || t.type !== 'function' || typeof t.invoke !== 'function') return t
  if (t[WRAPPED] === gateway) return t
  register(gateway, t.name, 'OpenAI Agents')
  const invoke = t.invoke
  return {
    ...t,
    [WRAPPED]: gateway,
    async invoke(runContext, input, details) {
      const sdk = require('@openai/agents')
      markCurrentSpan(sdk) // a processor leaves this call to the wrapper
      // Every call the model made is logged, its arguments hashed as sent;
      // text that is not a JSON object gets an `args_error`, the SDK
      // answers it as before, and the call is logged `invalid_arguments`.
      const text = typeof input === 'string' ? input || '{}' : undefined
      const args = jsonArguments(input)
      const body = async () => {
        const result = await invoke.call(t, runContext, input, details)
        if (args === undefined) throw new Outcome('invalid_arguments', String(result), null, result)
        return result
      }
      try {
        return await withinTrace(gateway, sdk, () => callThrough(gateway, t.name, args ?? input, body, text, details?.toolCall?.callId))
      } catch (err) {
        if (err instanceof Outcome) return err.result
        throw err
      }
    },
  }
}

/** Replaces `agent.tools` with `wrapTools(agent.tools, gateway)`; returns `agent`. */
function instrument(agent, gateway) {
  agent.tools = wrapTools(agent.tools, gateway)
  return agent
}

module.exports = { tool, wrapTools, instrument, processor }
