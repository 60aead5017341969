// OpenAI Agents SDK (`@openai/agents`): a tracing processor that logs what
// the SDK traces, in one line (docs/integrations.md, "OpenAI Agents SDK
// (Node)"):
//
//   const { addTraceProcessor } = require('@openai/agents')
//   addTraceProcessor(processor(gw))
//
// - each agent run outside a tooltrail run gets a run of its own, ended
//   when the SDK's trace ends (a streamed run: when its stream is done);
//   inside `gateway.run(ids, fn)` its calls join that run, held open until
//   the trace ends;
// - every function tool and MCP tool call that no wrapper logged (a call
//   whose arguments were not JSON included: `invalid_arguments`), dated and
//   timed from the span's start to its end;
// - every model call the SDK traces (`generation` spans), with its usage.
//
// Tools built with this package's `tool()` or wrapped with `wrapTools` are
// logged by their wrappers (the error's own class, budgets), not twice.
'use strict'

const ambient = require('../lib/ambient')
const { register, Outcome } = require('./common')

// gateway -> (traceId -> { run, owned }): the runs of the traces in progress.
const TRACES = new WeakMap()
// Spans whose tool call a wrapper logged.
const WRAPPED_SPANS = new Set()

function tracesOf(gateway) {
  let traces = TRACES.get(gateway)
  if (traces === undefined) TRACES.set(gateway, (traces = new Map()))
  return traces
}

/** Called by the wrappers: the current span's tool call is logged by them. */
function markCurrentSpan(sdk) {
  const span = sdk.getCurrentSpan?.()
  if (span?.spanId) WRAPPED_SPANS.add(span.spanId)
}

/**
 * The run of the agent run in progress here (a trace a processor of
 * `gateway` follows), for a wrapped call made with no current run.
 */
function traceRun(gateway, sdk) {
  const trace = sdk.getCurrentTrace?.()
  return trace ? tracesOf(gateway).get(trace.traceId)?.run ?? null : null
}

/** A TracingProcessor writing to `gateway` (see the module). */
function processor(gateway) {
  if (gateway === null || typeof gateway !== 'object' || typeof gateway._ambientCall !== 'function') {
    throw new TypeError('processor(gateway): gateway must be a ToolGateway')
  }
  const traces = tracesOf(gateway)
  const known = new Set()
  return {
    async onTraceStart(trace) {
      safely(() => {
        const current = ambient.runs.getStore()
        if (current !== undefined) {
          current._hold() // the trace may outlive the function (a stream)
          traces.set(trace.traceId, { run: current, owned: false })
          return
        }
        let run = null
        try {
          run = gateway._implicitRun()
        } catch (err) {
          if (err?.code !== 'missing_id') throw err // strict: each call decides
        }
        if (run !== null) traces.set(trace.traceId, { run, owned: true })
      })
    },
    async onTraceEnd(trace) {
      safely(() => {
        const entry = traces.get(trace.traceId)
        if (entry === undefined) return
        traces.delete(trace.traceId)
        if (entry.owned) entry.run.end()
        else entry.run._release()
      })
    },
    async onSpanStart() {},
    async onSpanEnd(span) {
      await safelyAsync(async () => {
        const data = span.spanData
        const run = traces.get(span.traceId)?.run ?? null
        if (data?.type === 'function') {
          if (WRAPPED_SPANS.delete(span.spanId)) return
          if (!known.has(data.name)) {
            if (!Object.hasOwn(gateway._impls, data.name)) register(gateway, data.name, 'OpenAI Agents')
            known.add(data.name)
          }
          await logCall(gateway, run, span)
        } else if ((data?.type === 'generation' || data?.type === 'response') && run !== null) {
          modelCall(run, span)
          if (data.type === 'response') await hostedCalls(gateway, run, data._response, known)
        }
      })
    },
    async shutdown() {},
    async forceFlush() {},
  }
}

// One traced tool call, dated from the span's start, ended as it ended.
async function logCall(gateway, run, span) {
  const data = span.spanData
  const text = typeof data.input === 'string' && data.input !== '' ? data.input : undefined
  const args = jsonObject(text)
  const error = span.error
  const body = () => {
    if (!error) return data.output
    const detail = error.data?.error ?? error.message ?? ''
    // Text that is not a JSON object never reached the tool (an empty input
    // with the SDK's parsing message: the SDK hid the text it refused).
    const refused = (text !== undefined && args === undefined) || /parsing tool arguments/.test(String(data.output ?? ''))
    throw new Outcome(refused ? 'invalid_arguments' : 'ToolError', String(detail), null)
  }
  const call = () => gateway._ambientCall(data.name, args ?? {}, body, true, text, undefined, epochUs(span.startedAt))
  try {
    await (run === null ? call() : ambient.runs.run(run, call))
  } catch (err) {
    if (!(err instanceof Outcome) && err?.code !== 'budget_exceeded' && err?.code !== 'loop_detected') throw err
  }
}

function modelCall(run, span) {
  const data = span.spanData
  // The span's usage (streamed calls), else the traced response's (the
  // Chat Completions and Responses shapes; traced when sensitive data is
  // included).
  const usage = data.usage ?? (Array.isArray(data.output) ? data.output[0]?.usage : undefined) ?? data._response?.usage ?? {}
  const started = epochUs(span.startedAt)
  const ended = epochUs(span.endedAt)
  try {
    run.modelCall({
      model: String(data.model ?? data._response?.model ?? 'unknown'),
      provider: 'openai',
      usage, // the core reads the counts from OpenAI's shapes
      latencyMs: started !== undefined && ended !== undefined ? (ended - started) / 1000 : undefined,
      ok: !span.error,
      errorClass: span.error ? 'ModelError' : undefined,
    })
  } catch (err) {
    if (err?.code !== 'budget_exceeded') throw err // recorded; the next call is refused
  }
}

// The tools the provider ran during a Responses call (web search, file
// search, code interpreter, hosted MCP servers, …): each output item of
// theirs is a call named for the tool, its id as `call_id`; failed when its
// status says so. Their time is the model call's: no latency of their own.
async function hostedCalls(gateway, run, response, known) {
  for (const item of Array.isArray(response?.output) ? response.output : []) {
    const kind = typeof item?.type === 'string' ? item.type : ''
    if (!kind.endsWith('_call') || kind === 'function_call' || kind === 'custom_tool_call') continue
    const mcp = kind === 'mcp_call'
    const name = mcp ? String(item.name) : kind.slice(0, -'_call'.length)
    if (!known.has(name)) {
      if (!Object.hasOwn(gateway._impls, name)) register(gateway, name, 'OpenAI Agents (hosted)')
      known.add(name)
    }
    const text = mcp ? String(item.arguments || '{}') : undefined
    const args = mcp ? jsonObject(text) ?? {} : hostedArgs(item)
    const failed = item.error || item.status === 'failed' || item.status === 'incomplete'
    const body = () => {
      if (failed) throw new Outcome('ToolError', String(item.error || `the hosted tool ended ${item.status}`), null)
      return null
    }
    try {
      await ambient.runs.run(run, () => gateway._ambientCall(name, args, body, true, text, typeof item.id === 'string' ? item.id : undefined))
    } catch (err) {
      if (!(err instanceof Outcome) && err?.code !== 'budget_exceeded' && err?.code !== 'loop_detected') throw err
    }
  }
}

// What a hosted tool was asked: its action (web search, computer, shell),
// else its queries or code.
function hostedArgs(item) {
  for (const key of ['action', 'queries', 'code']) {
    if (item[key] !== undefined && item[key] !== null) return { [key]: withoutNulls(item[key]) }
  }
  return {}
}

// Members whose value is null are left out, as Python's model_dump(exclude_none=True) does.
function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]))
}

function jsonObject(text) {
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

function epochUs(iso) {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN
  return Number.isFinite(ms) ? ms * 1000 : undefined
}

let warned = false
function warn(err) {
  if (warned) return
  warned = true
  try {
    process.emitWarning(`tooltrail: the OpenAI Agents processor failed (${err?.name ?? 'Error'}: ${err?.message ?? err}); the agent was not affected`, { type: 'TooltrailWarning', code: 'TOOLTRAIL_LOGGER_FAILED' })
  } catch {
    // never reaches the agent
  }
}

function safely(fn) {
  try {
    fn()
  } catch (err) {
    warn(err)
  }
}

async function safelyAsync(fn) {
  try {
    await fn()
  } catch (err) {
    warn(err)
  }
}

module.exports = { processor, markCurrentSpan, traceRun }
