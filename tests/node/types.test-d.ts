// Type test: compiled with `tsc --noEmit` (npm run typecheck). Exercises the
// public declarations; a wrong or missing declaration fails the compile.
import tooltrail = require('tooltrail')
import { EventWriter, TooltrailError, stableHash, stableHashJson, canonicalJson } from 'tooltrail'
import type { ErrorKind, ErrorCode, WriterStats } from 'tooltrail'

const h: string = stableHash({ a: 1 }, 'key')
const h2: string = stableHashJson('{"a":1}', new Uint8Array([1]))
const c: string = canonicalJson([1, 'x'])
const kinds: readonly ErrorKind[] = tooltrail.ERROR_KINDS
const v: string = tooltrail.version

const w = new EventWriter({ path: 'logs', flushInterval: 100, overflow: 'block', blockTimeout: 50 })
const accepted: boolean = w.event('tool_call', { tool: 'x' })
const flushed: Promise<boolean> = w.flush(1000)
const ok: boolean = w.closeSync()
const s: WriterStats = w.stats()
const full: number = s.dropped.queueFull

try {
  stableHash(new Set())
} catch (e) {
  if (e instanceof TooltrailError) {
    const code: ErrorCode = e.code
    const path: string | undefined = e.path
    void code, path
  }
}

// Canonical-JSON API: keys are strings or bytes (null/undefined: no key).
const h3: string = stableHash([1n, null], null)
const h4: string = stableHashJson(new Uint8Array([0x31]), undefined)
// @ts-expect-error a numeric key is not a key
stableHash({}, 42)
// @ts-expect-error JSON text is a string or bytes
stableHashJson({ a: 1 })
// @ts-expect-error canonicalJson returns a string
const notNumber: number = canonicalJson(1)
try {
  canonicalJson(NaN)
} catch (e) {
  if (e instanceof TooltrailError && e.kind !== undefined) {
    const kind: ErrorKind = e.kind
    const detail: string | undefined = e.detail
    void kind, detail
  }
}
void h3, h4, notNumber

// @ts-expect-error overflow is 'drop' | 'block'
new EventWriter({ overflow: 'sometimes' })
// Paths as Node's fs takes them: a string, bytes or a file: URL.
new EventWriter(new URL('file:///tmp/logs')).closeSync()
new EventWriter({ path: new Uint8Array([108, 111, 103, 115]), config: new URL('file:///tmp/c.yaml') }).closeSync()
const cfgPath: string = tooltrail.loadConfig(new URL('file:///tmp/c.yaml'))
void cfgPath
// @ts-expect-error a path is not a number
new tooltrail.Logs(5)
// @ts-expect-error the event name is required
w.event()

const gw = new tooltrail.ToolGateway({
  impls: { add: ({ a, b }: { a: number; b: number }) => a + b, fetchIt: async (_: { url: string }) => 'body' },
  logger: w,
  validators: { fetchIt: (r: string) => r.length > 0 },
  timeouts: { fetchIt: 1000 },
})
const sum: number = gw.call({ run_id: 'r', trace_id: 't' }, 'add', { a: 1, b: 2 })
const body: Promise<string> = gw.call({ run_id: 'r', traceparent: '00-…' }, 'fetchIt', { url: 'x' })
// @ts-expect-error unknown tool names are rejected at compile time
gw.call({ run_id: 'r' }, 'nope', {})
const classes: readonly tooltrail.ErrorClass[] = tooltrail.ERROR_CLASSES
const cfg = tooltrail.loadConfig({ budgets: { max_tool_calls: 5 } })
const red: unknown = tooltrail.redact({ a: 1 })
const until: string = gw.incidentWindow({ minutes: 15 })
// @ts-expect-error minutes are a number
gw.incidentWindow({ minutes: '15' })
const agentRun: Promise<string | null | undefined> = gw.run({ run_id: 'r', agent_id: 'billing-bot' }, (run) => run.ctx.agent_id)

const done: Promise<number> = gw.run({ user_id: 'u' }, async (run) => {
  run.step()
  run.addSpend(0.01)
  const n: number = run.call('add', { a: 1, b: 2 })
  run.stop('completed')
  return n
})
// @ts-expect-error not a stop reason
gw.startRun().stop('bored')
const reasons: readonly tooltrail.StopReason[] = tooltrail.STOP_REASONS

// Ambient context and wrappers.
const search = gw.wrap('search', ({ q }: { q: string }, { signal }) => (signal ? [q] : []))
const fetchDoc = gw.wrap('fetchDoc', async ({ url }: { url: string }) => url.length)
const ambientDone: Promise<number> = gw.run({}, async (run) => {
  const hits: string[] = search({ q: 'x' })
  const len: Promise<number> = fetchDoc({ url: 'u' })
  // @ts-expect-error the args object keeps its type
  search({ q: 1 })
  const viaAmbient: number = gw.call(null, 'add', { a: 1, b: 2 })
  const current: tooltrail.Run | null = tooltrail.currentRun()
  const call: tooltrail.Call | null = tooltrail.currentCall()
  const header: string | null = call ? call.traceparent() : null
  const span: string | null | undefined = call?.spanId
  const later: (a: number) => string = run.wrap((a: number) => String(a))
  return hits.length + viaAmbient + (await len) + (current ? 1 : 0) + (header ?? '').length + (span ?? '').length + later(1).length
})

const summaries: tooltrail.RunSummary[] = new tooltrail.Logs('logs').runs({ stopReason: 'max_spend' })
const p95: number = new tooltrail.Logs('logs').stats().tools[0].p95_ms
const mine: number = new tooltrail.Logs('logs').stats({ agentId: 'support-bot' }).tools.length
  + new tooltrail.Logs('logs').loops({ min: 2, agentId: 'support-bot' }).length
const tripped: string | null = new tooltrail.Logs('logs').alerts()[0].tripped_run_id
const entries: tooltrail.AgentLogEntry[] = tooltrail.agentLogs('support-bot', { limit: 50 })
const blocked: number = tooltrail.agentMetrics('support-bot', { period: 'day' }).blocked_actions
// @ts-expect-error not a period
tooltrail.agentMetrics('support-bot', { period: 'fortnight' })
const byAgent: tooltrail.RunSummary[] = new tooltrail.Logs('logs').runs({ agentId: 'support-bot' })
const gaps: tooltrail.LogGaps = new tooltrail.Logs('logs').gaps()
const lost: number = gaps.dropped.queue_full + gaps.dropped_events + gaps.skipped_lines

// The generated event types (events.d.ts, re-exported): narrowing on `event`.
function describe(e: tooltrail.ToolTrailEvent): string {
  switch (e.event) {
    case 'run_end': {
      const why: tooltrail.StopReason = e.stop_reason
      return `${why} after ${e.tool_calls} calls, ${e.budgets.max_tool_calls?.used ?? 0} counted`
    }
    case 'tool_result':
      return e.ok ? `${e.tool} ${e.latency_ms} ms` : `${e.tool} failed: ${e.error_class ?? '?'}`
    case 'writer_dropped':
      return `${e.count} dropped (${e.reason})`
    default:
      return e.event
  }
}
const line: tooltrail.ToolCallEvent = JSON.parse('{}')
const cls: tooltrail.ErrorClass | (string & {}) | undefined = line.error_class
// @ts-expect-error not a drop reason
const why: tooltrail.DropReason = 'disk_full'
const badEnd: tooltrail.RunEndEvent = {
  v: 1, ts: 't', event: 'run_end', run_id: null, trace_id: null, span_id: null, request_id: null, user_id: null,
  // @ts-expect-error not a stop reason
  stop_reason: 'done',
  duration_ms: 1, tool_calls: 0, errors: 0, steps: 0, spend_usd: 0, budgets: {},
}

void h, h2, c, kinds, v, accepted, flushed, ok, full, sum, body, classes, cfg, red, done, reasons, summaries, p95
void describe, cls, why, badEnd, until, agentRun, mine, tripped

// tooltrail/testing
import { Recorder, recorder, type RecordedCall } from 'tooltrail/testing'
const rec = new Recorder()
const gwRec = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: rec, deterministic: true })
const gwStart = new tooltrail.ToolGateway({ impls: { t: () => 1 }, deterministic: '2026-01-01T00:00:00Z' })
const stop: string | null = rec.lastRun().stopReason
const seq: string[] = rec.run('r').toolSequence()
const failed: RecordedCall[] = rec.lastRun().errors()
const hashes: Array<string | null> = rec.argsHashes()
const status: 'created' | 'matched' | 'updated' = rec.lastRun().assertMatchesSnapshot('snap.jsonl')
const rec2: Recorder = recorder()
void gwRec, gwStart, stop, seq, failed, hashes, status, rec2

// tooltrail/integrations/mcp: structural, so any client with callTool fits.
import { instrument, REFUSED } from 'tooltrail/integrations/mcp'
const mcpClient = { callTool: async (p: { name: string; arguments?: Record<string, unknown> }) => p.name, extra: 1 }
const instrumented: typeof mcpClient = instrument(mcpClient, gwRec)
const refusedCode: -32010 = REFUSED
// @ts-expect-error: not an MCP client
instrument({ call: () => 1 }, gwRec)
void instrumented, refusedCode
