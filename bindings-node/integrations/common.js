// Shared by the framework adapters (docs/integrations.md): one tool call
// through the gateway under the current run (or an implicit one). No rules here: ids, hashing,
// budgets and the loop guard are the gateway's.
'use strict'

/**
 * Runs `body(args, { signal })` as one call of tool `name` (added by
 * `register`) under the current run, else an implicit run, logged and
 * hashed with `args` (the model's arguments). A returned error result
 * (`isError`, an HTTP status from 400) is logged as a failure and returned
 * as is; an async generator is logged when it ends. `argsText`: the
 * arguments as the model sent them (JSON text), when the framework has it:
 * the core parses and hashes that text, as Python's adapters have it do.
 * `callId`: the model's id of the call (`tool_call.call_id`), when the
 * framework gives it.
 */
function callThrough(gateway, name, args, body, argsText, callId) {
  return gateway._ambientCall(name, args, body, true, argsText, typeof callId === 'string' ? callId : undefined)
}

/**
 * Adds `name` to the gateway once, with an implementation that refuses
 * `gateway.call(ctx, name, args)`: the tool needs its framework's per-call
 * values, which only the framework's own invocation has.
 */
function register(gateway, name, framework) {
  gateway.wrap(name, () => {
    throw new TypeError(`tool ${JSON.stringify(name)} is a ${framework} tool: it runs through its agent, not gateway.call`)
  })
}

/**
 * The model's JSON arguments as the frameworks read them (empty text is
 * `{}`); undefined when they are not a JSON object (the framework rejects
 * those before the tool runs). Python's adapters read them the same way, so
 * the same arguments give the same `args_hash`.
 */
function jsonArguments(text) {
  if (text === '' || text == null) return {}
  let value
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
}

module.exports = { callThrough, register, jsonArguments }
