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

/**
 * How a call ended, named for the log (the error's name is the call's
 * error_class, as for any error): `invalid_arguments`, `ToolError`, …. It
 * never reaches the caller: the adapter catches it and throws `original`
 * (the framework's own error) or returns what the framework returned.
 */
class Outcome extends Error {
  constructor(name, message, original, result) {
    super(message)
    this.name = name
    this.original = original
    this.result = result
  }
}

/**
 * Logs one call of tool `name` that the framework refused before the
 * tool's code ran (arguments that are not JSON or fail the tool's schema):
 * a `tool_call` and a failed `tool_result` with error class
 * `invalid_arguments` and `message`.
 */
async function logInvalid(gateway, name, args, argsText, callId, message) {
  try {
    await callThrough(gateway, name, args, () => {
      throw new Outcome('invalid_arguments', message, null)
    }, argsText, callId)
  } catch {
    // The Outcome itself, or a refusal (a budget used up): the framework
    // already answered the model, and logging never reaches the agent.
  }
}

module.exports = { callThrough, register, jsonArguments, Outcome, logInvalid }
