// Vercel AI SDK (`ai`): a `tools` object whose `execute`s go through a
// tooltrail gateway under the current run, and `telemetry(gateway)`, an SDK
// telemetry integration logging what an agent does with no tool wrapped
// (docs/integrations.md). The SDK is not loaded here: a tool is a plain
// `{ description, inputSchema, execute }`, an integration a plain object.
'use strict'

const { AsyncLocalStorage } = require('node:async_hooks')
const ambient = require('../lib/ambient')
const native = require('../lib/native')
const { callThrough, register, Outcome } = require('./common')

const WRAPPED = Symbol.for('tooltrail.gateway')

// While a tool the telemetry logs runs: `{ gateway, toolCallId, taken }`. A
// tool wrapped for the same gateway (which the telemetry could not see: the
// SDK hides the tools with `recordInputs: false`) is then not logged twice.
const claims = new AsyncLocalStorage()
// The model's argument text of the tool call a wrapped tool runs for
// ({ toolCallId, text }), set by the telemetry: the wrapper hashes it.
const rawArgs = new AsyncLocalStorage()

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
      const claim = claims.getStore()
      if (claim !== undefined && claim.gateway === gateway && !claim.taken && claim.toolCallId === options?.toolCallId) {
        claim.taken = true // the telemetry logs this call
        return execute.call(tool, input, options)
      }
      const body = (_, { signal }) => execute.call(tool, input, withSignal(options, signal))
      // The model's own text when the telemetry saw it: the SDK's `input`
      // has the schema's defaults and coercions applied.
      const raw = rawArgs.getStore()
      const text = raw !== undefined && raw.toolCallId === options?.toolCallId ? raw.text : undefined
      return callThrough(gateway, name, input, body, text, options?.toolCallId)
    },
  }
}

// The gateway's timeout signal (set when `timeouts` has the tool) joins the SDK's.
function withSignal(options, signal) {
  if (signal === undefined) return options
  const abortSignal = options?.abortSignal ? AbortSignal.any([options.abortSignal, signal]) : signal
  return { ...options, abortSignal }
}

/**
 * An AI SDK telemetry integration (`registerTelemetry(telemetry(gw))`, or
 * `experimental_telemetry: { integrations: [telemetry(gw)] }` per call)
 * logging to `gateway` what `generateText` / `streamText` do, with no tool
 * wrapped:
 * - each invocation outside any run gets an implicit run of its own, ended
 *   when the invocation ends (a stream: when it has been consumed, aborted or
 *   failed) and its tool calls have; inside a run it is logged under that run;
 * - each tool the SDK executes: a call timed around its `execute`, with the
 *   model's arguments and call id, failed with the error the tool threw (a
 *   refusal, a budget or the loop guard, is thrown to the SDK as `wrapTools`
 *   throws it); tools `wrapTools` wrapped for this gateway are logged by
 *   their wrapper, in the invocation's run;
 * - each model response: a `model_call` with the model, usage, latency,
 *   finish reason and the tool calls asked for;
 * - tool calls the SDK refused before any tool ran: `invalid_arguments`, or
 *   `unknown_tool` for a name the tools do not have.
 * A failure inside tooltrail never reaches the agent.
 */
function telemetry(gateway) {
  if (gateway === null || typeof gateway !== 'object' || typeof gateway._ambientCall !== 'function') {
    throw new TypeError('telemetry(gateway): gateway must be a ToolGateway')
  }
  const self = {}
  const followed = invocationsOf(gateway)
  // The invocation `callId` this integration follows, or undefined.
  const mine = (event) => {
    const inv = followed.get(event?.callId)
    return inv !== undefined && inv.owner === self ? inv : undefined
  }

  self.onStart = (event) => safely(() => {
    if (event.operationId !== 'ai.generateText' && event.operationId !== 'ai.streamText') return
    if (followed.has(event.callId)) return // another integration for this gateway follows it
    let run = ambient.runs.getStore() ?? null
    let owned = false
    if (run === null) {
      try {
        run = gateway._implicitRun() // null: ids optional, calls are logged without a run
      } catch (err) {
        if (err?.code === 'missing_id') return // a strict gateway: not logged, nothing refused
        throw err
      }
      owned = run !== null
    } else {
      // The current run stays open until the invocation ends (a stream
      // handed back may be read after `gateway.run`'s function returned).
      run._hold()
    }
    followed.set(event.callId, new Invocation(self, followed, event.callId, run, owned, event.tools))
  })

  self.onLanguageModelCallEnd = (event) => safely(() => {
    const inv = mine(event)
    if (inv === undefined) return
    const content = Array.isArray(event.content) ? event.content : []
    const asked = content.filter((part) => part?.type === 'tool-call')
    if (inv.run !== null) {
      const usage = event.usage ?? {}
      try {
        inv.run.modelCall({
          model: String(event.modelId ?? 'unknown'),
          provider: event.provider ?? null,
          usage, // the core reads the counts from the SDK's shape
          latencyMs: event.performance?.responseTimeMs,
          finishReason: event.finishReason ?? null,
          toolCalls: asked.map((part) => ({ name: String(part.toolName), call_id: part.toolCallId ?? null })),
        })
      } catch (err) {
        if (err?.code !== 'budget_exceeded') throw err // recorded; the agent is not stopped here
      }
    }
    // Calls the SDK refused (their part has the error): the tool never ran.
    for (const part of asked) {
      if (part.invalid !== true) continue
      const unknown = isNoSuchTool(part.error) || isNoSuchTool(part.error?.originalError)
      const text = typeof part.input === 'string' ? part.input : undefined
      const message = typeof part.error?.message === 'string' ? part.error.message : String(part.error)
      inv.within(() => logRefused(gateway, String(part.toolName), part.input ?? {}, text, part.toolCallId,
        unknown ? 'unknown_tool' : 'invalid_arguments', message))
    }
  })

  // The model call itself: its raw result still has each tool call's
  // argument text as the model sent it (the SDK parses and validates it
  // afterwards), which the calls are hashed with, as in the other adapters.
  self.executeLanguageModelCall = async (options) => {
    const result = await options.execute()
    safely(() => {
      const inv = mine(options)
      if (inv === undefined || result === null || typeof result !== 'object') return
      const keep = (part) => {
        if (part?.type === 'tool-call' && typeof part.input === 'string') inv.rawArgs.set(part.toolCallId, part.input)
      }
      if (Array.isArray(result.content)) result.content.forEach(keep)
    })
    if (result !== null && typeof result === 'object' && typeof result.stream?.pipeThrough === 'function') {
      const inv = mine(options)
      if (inv !== undefined) {
        const stream = result.stream.pipeThrough(new TransformStream({
          transform(part, controller) {
            if (part?.type === 'tool-call' && typeof part.input === 'string') inv.rawArgs.set(part.toolCallId, part.input)
            controller.enqueue(part)
          },
        }))
        return { ...result, stream }
      }
    }
    return result
  }

  self.executeTool = (options) => {
    const { execute } = options
    let inv, name
    try {
      inv = mine(options)
      name = String(options.toolCall?.toolName)
    } catch {
      inv = undefined
    }
    if (inv === undefined) return execute()
    const text = inv.rawArgs.get(options.toolCallId)
    if (inv.tools?.[name]?.[WRAPPED] === gateway) {
      // Its wrapper logs it, with the model's text.
      return inv.within(() => rawArgs.run({ toolCallId: options.toolCallId, text }, execute))
    }
    const toolCallId = options.toolCallId
    let settle
    const outcome = new Promise((resolve, reject) => {
      settle = { resolve, reject }
    })
    let ran
    let logged
    try {
      known(gateway, name)
      // Ended by onToolExecutionEnd (the output) or by the tool's throw.
      const body = () => {
        ran = claims.run({ gateway, toolCallId, taken: false }, execute)
        Promise.resolve(ran).then(() => setImmediate(settle.resolve), settle.reject)
        return outcome
      }
      logged = inv.within(() => gateway._ambientCall(name, options.toolCall?.input, body, true, text,
        typeof toolCallId === 'string' ? toolCallId : undefined))
    } catch (err) {
      if (ran !== undefined) return ran
      // A refusal (a budget, the loop guard): the tool does not run, the SDK
      // sees the error, as through `wrapTools`. Anything else is tooltrail's.
      if (err?.code === 'budget_exceeded' || err?.code === 'loop_detected') throw err
      warn(err)
      return inv.within(execute)
    }
    if (ran === undefined) return inv.within(execute)
    inv.begin(toolCallId, settle)
    Promise.resolve(logged).then(() => inv.done(toolCallId), () => inv.done(toolCallId))
    return ran
  }

  self.onToolExecutionEnd = (event) => safely(() => {
    const inv = mine(event)
    const settle = inv?.calls.get(event.toolCall?.toolCallId)
    if (settle === undefined) return
    const output = event.toolOutput
    if (output?.type === 'tool-error') settle.reject(output.error)
    else settle.resolve(output?.output)
  })

  self.onEnd = (event) => safely(() => mine(event)?.end(undefined))
  self.onError = (event) => safely(() => mine(event)?.end(event?.error ?? new Error('the generation failed')))
  self.onAbort = (event) => safely(() => mine(event)?.end(abortError(event?.reason)))
  return self
}

/** One generateText / streamText invocation the telemetry follows. */
class Invocation {
  constructor(owner, followed, callId, run, owned, tools) {
    this.owner = owner
    this.followed = followed
    this.callId = callId
    this.run = run // null: ids optional and no current run
    this.owned = owned // an implicit run opened for it, ended with it
    this.tools = tools !== null && typeof tools === 'object' ? tools : undefined
    this.calls = new Map() // toolCallId -> how its logged call settles
    this.rawArgs = new Map() // toolCallId -> the argument text the model sent
    this.pending = 0
    this.ended = false
    this.error = undefined
    this.released = false // a current run's hold, given back at the end
  }

  // `fn()` with the invocation's run current (streams and callbacks may not
  // carry the caller's context).
  within(fn) {
    return this.run === null ? fn() : ambient.runs.run(this.run, fn)
  }

  begin(toolCallId, settle) {
    this.pending += 1
    if (typeof toolCallId === 'string') this.calls.set(toolCallId, settle)
  }

  done(toolCallId) {
    this.pending -= 1
    this.calls.delete(toolCallId)
    this.close()
  }

  end(error) {
    if (this.ended) return
    this.ended = true
    this.error = error
    this.close()
  }

  // The run ends once the invocation has and its tool calls have (a tool
  // still running when a stream is aborted).
  close() {
    if (!this.ended || this.pending > 0) return
    if (this.followed.get(this.callId) === this) this.followed.delete(this.callId)
    if (this.owned) {
      this.owned = false
      safely(() => this.run.end(this.error))
    } else if (this.run !== null && !this.released) {
      this.released = true
      safely(() => this.run._release())
    }
  }
}

// gateway -> (callId -> Invocation): one integration per gateway follows an
// invocation, even when the same gateway's telemetry is registered twice.
const INVOCATIONS = new WeakMap()
function invocationsOf(gateway) {
  let map = INVOCATIONS.get(gateway)
  if (map === undefined) INVOCATIONS.set(gateway, (map = new Map()))
  return map
}

// Tool names added to each gateway (`register`, once per name).
const KNOWN = new WeakMap()
function known(gateway, name) {
  let names = KNOWN.get(gateway)
  if (names === undefined) KNOWN.set(gateway, (names = new Set()))
  if (names.has(name)) return
  register(gateway, name, 'AI SDK')
  names.add(name)
}

// A `tool_call` and a failed `tool_result` with `errorClass` for a call the
// SDK refused before the tool ran. `argsText`: the model's text, when the
// SDK could not parse it (the core hashes it, with its args_error).
function logRefused(gateway, name, args, argsText, callId, errorClass, message) {
  known(gateway, name)
  try {
    callThrough(gateway, name, args, () => {
      throw new Outcome(errorClass, message, null)
    }, argsText, typeof callId === 'string' ? callId : undefined)
  } catch {
    // The Outcome itself, or a refusal: the SDK already answered the model.
  }
}

function isNoSuchTool(err) {
  return err !== null && typeof err === 'object' && err.name === 'AI_NoSuchToolError'
}

// What `Run.end` reads as a cancellation (by the error's name).
function abortError(reason) {
  if (reason instanceof Error && reason.name === 'AbortError') return reason
  const err = new Error(reason instanceof Error ? reason.message : 'the generation was aborted')
  err.name = 'AbortError'
  return err
}

// A callback's own failure never reaches the agent (the SDK would swallow a
// throw, but not a slow one): said once per process.
function safely(fn) {
  try {
    fn()
  } catch (err) {
    warn(err)
  }
}

function warn(err) {
  try {
    const detail = err !== null && typeof err === 'object' ? `${err.name ?? 'Error'}: ${err.message}` : String(err)
    const first = native._firstWarning('logger_failed', detail)
    if (first !== null) process.emitWarning(first[0], { type: 'TooltrailWarning', code: first[1] })
  } catch {
    // nothing left to say it with
  }
}

module.exports = { wrapTools, telemetry }
