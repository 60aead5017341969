// Vercel AI SDK (`ai`): a `tools` object whose `execute`s go through a
// tooltrail gateway under the current run (docs/integrations.md). The SDK is
// not loaded here: a tool is a plain `{ description, inputSchema, execute }`.
'use strict'

const { callThrough, register } = require('./common')

const WRAPPED = Symbol.for('tooltrail.gateway')

/**
 * A copy of `tools` (the object given to `generateText` / `streamText`) whose
 * `execute(input, options)` calls go through `gateway`, logged and hashed
 * with `input`. A throw is logged with its error_class and reaches the SDK
 * unchanged (a `tool-error` part the model sees); a budget or loop-guard
 * refusal is thrown the same way. Tools without `execute` are kept as they are.
 */
function wrapTools(tools, gateway) {
  if (tools === null || typeof tools !== 'object') throw new TypeError('wrapTools(tools, gateway): tools must be an object')
  const out = {}
  for (const [name, tool] of Object.entries(tools)) {
    out[name] = wrapTool(name, tool, gateway)
  }
  return out
}

function wrapTool(name, tool, gateway) {
  if (tool === null || typeof tool !== 'object' || typeof tool.execute !== 'function') return tool
  if (tool[WRAPPED] === gateway) return tool
  register(gateway, name, 'AI SDK')
  const execute = tool.execute
  return {
    ...tool,
    [WRAPPED]: gateway,
    execute(input, options) {
      const body = (_, { signal }) => execute.call(tool, input, withSignal(options, signal))
      return callThrough(gateway, name, input, body, undefined, options?.toolCallId)
    },
  }
}

// The gateway's timeout signal (set when `timeouts` has the tool) joins the SDK's.
function withSignal(options, signal) {
  if (signal === undefined) return options
  const abortSignal = options?.abortSignal ? AbortSignal.any([options.abortSignal, signal]) : signal
  return { ...options, abortSignal }
}

module.exports = { wrapTools }
