// Hand-written types for tooltrail, drift-tested against the core: the query
// answers by core/query/tests/answer_types.rs, the error codes and attributes by
// core/pipeline/tests/generated.rs (and the runtime lists by tests/node/errors.test.js).
// The event types (an interface per event, `ToolTrailEvent`, and the value
// sets `ErrorKind`, `ErrorClass`, `StopReason`, …) are generated from the
// core's schema table into events.d.ts (core/pipeline/tests/generated.rs) and
// re-exported here.
import type { AlertLevel, AlertRule, ErrorKind, ErrorClass, StopReason } from './events'
export * from './events'

/** Every `code` a TooltrailError can carry. */
export type ErrorCode =
  | ErrorKind
  | 'config_error'
  | 'writer_error'
  | 'unknown_tool'
  | 'missing_id'
  | 'validation_failed'
  | 'budget_exceeded'
  | 'loop_detected'
  | 'invalid_argument'
  | 'query_error'
  | 'unknown_run'
  | 'snapshot_mismatch'
  | 'internal'

/** Base class of every error tooltrail throws. */
export declare class TooltrailError extends Error {
  readonly code: ErrorCode
  /** The same string as `code` (Python's `.error_class`). */
  readonly errorClass: ErrorCode
  /** Canonicalization errors: the kind (same as `code`). */
  readonly kind?: ErrorKind
  /** Canonicalization errors: JSON path of the offending value, e.g. `$.filters[3]`. */
  readonly path?: string
  readonly detail?: string
  /** config_error: the offending key; missing_id: the missing id; invalid_argument: the argument (`ctx.user_id`, `traceparent`, `reason`, `run_id`, `timeoutMs`). */
  readonly key?: string
  /** Gateway errors: the tool. */
  readonly tool?: string
  /** budget_exceeded: the budget's config key, and the stop reason it gives the run. */
  readonly budget?: 'max_tool_calls' | 'max_steps' | 'max_duration_s' | 'max_spend_usd' | 'max_input_tokens' | 'max_output_tokens'
  readonly stopReason?: StopReason
  /** unknown_run: the run a query asked for (its message says if the record is incomplete). */
  readonly runId?: string
}

export declare const ERROR_KINDS: readonly ErrorKind[]
export declare const ERROR_CODES: readonly ErrorCode[]
export declare const ERROR_CLASSES: readonly ErrorClass[]
export declare const STOP_REASONS: readonly StopReason[]
export declare const version: string

/**
 * Lowercase hex SHA-256 of the RFC 8785 canonical JSON of `value`; with a `key`
 * (a string, taken as UTF-8, or bytes) HMAC-SHA256 over the same bytes.
 * Throws a TooltrailError (`kind`, `path`) for a value outside the canonical
 * policy, and a TypeError (`code` `ERR_INVALID_ARG_TYPE`) for a key of another type.
 */
export declare function stableHash(value: unknown, key?: string | Uint8Array | null): string
/**
 * `stableHash` of JSON text (a string, or UTF-8 bytes), parsed strictly:
 * duplicate keys, out-of-range integers and lone surrogates are errors.
 */
export declare function stableHashJson(text: string | Uint8Array, key?: string | Uint8Array | null): string
/** RFC 8785 canonical JSON text of `value` (same errors as `stableHash`). */
export declare function canonicalJson(value: unknown): string

/** A path as Node's `fs` takes one: a string, UTF-8 bytes, or a `file:` URL. */
export type PathLike = string | Uint8Array | URL

export interface EventWriterOptions {
  /** JSONL directory; default `./tooltrail-logs`. */
  path?: PathLike
  sink?: 'file' | 'stdout' | 'memory'
  queueEvents?: number
  queueBytes?: number
  batchEvents?: number
  batchBytes?: number
  /** Milliseconds (at most 1000). */
  flushInterval?: number
  overflow?: 'drop' | 'block'
  /** Milliseconds, with `overflow: 'block'`. */
  blockTimeout?: number
  /** Milliseconds. */
  closeTimeout?: number
  maxFileBytes?: number
  maxFiles?: number
  /** Keep a run index beside each log file (default true), so `tooltrail show` reads only the run's batches. */
  runIndex?: boolean
  /** A configuration (YAML path or object): its `sinks.otlp` adds OTLP export (docs/otlp.md). */
  config?: PathLike | ConfigObject
}

/** The OTLP exporter's counters (events, and spans apart). */
export interface OtlpStats {
  accepted: number
  exported: number
  dropped: { queueFull: number; rejected: number; retriesExhausted: number; network: number; closed: number; invalid: number }
  spansExported: number
  spansDropped: number
  requests: number
  retries: number
  queued: number
}

export interface WriterStats {
  accepted: number
  written: number
  dropped: { queueFull: number; sinkError: number; closed: number }
  writeErrors: number
  dropReports: number
  queued: number
  queuedBytes: number
  /** Present when the config has `sinks.otlp`. */
  otlp?: OtlpStats
}

/** Non-blocking, batched JSONL event writer. Timeouts are in milliseconds. */
export declare class EventWriter {
  /** `options`, or the JSONL directory alone. */
  constructor(options?: EventWriterOptions | PathLike)
  /** Enqueues one event; false if it was dropped (counted). */
  event(name: string, fields?: Record<string, unknown>): boolean
  flush(timeoutMs?: number): Promise<boolean>
  flushSync(timeoutMs?: number): boolean
  close(timeoutMs?: number): Promise<boolean>
  closeSync(timeoutMs?: number): boolean
  readonly closed: boolean
  stats(): WriterStats
}

/** The W3C `traceparent` header for an outgoing call made from `spanId`; throws on invalid ids. */
export declare function traceparent(traceId: string, spanId: string, sampled?: boolean): string

/** The parts of an incoming `traceparent` header, or null if it is not valid. */
export declare function parseTraceparent(header: string): { traceId: string; parentSpanId: string; sampled: boolean } | null

/** A redacted copy of `value`; `redactFields` adds sensitive keys. */
export declare function redact<T = unknown>(value: T, redactFields?: string[]): unknown

/** The configuration as an object (YAML files are read by path). */
export interface ConfigObject {
  logging?: Record<string, unknown>
  budgets?: Record<string, unknown>
  /** `{ otlp: { endpoint, headers, timeout_s, max_retries, … } }` (docs/otlp.md). */
  sinks?: Record<string, unknown>
}

/** Validates a YAML file path or config object; throws `config_error` naming the key. */
export declare function loadConfig<T extends string | ConfigObject>(config: T): T
export declare function loadConfig(config: PathLike): string

/** The ids a call runs under. `traceparent` (W3C) sets trace_id and parent_span_id. */
export interface RunCtx {
  run_id?: string
  trace_id?: string
  user_id?: string | null
  request_id?: string | null
  parent_span_id?: string
  traceparent?: string
  /** The agent (a run's own, written on each of its events); default `logging.agent_id`. */
  agent_id?: string | null
}

/** Anything with `.event(name, fields)`, e.g. an EventWriter. */
export interface Logger {
  event(name: string, fields: Record<string, unknown>): unknown
}

export type Tool = (args: any, options: { readonly signal?: AbortSignal }) => unknown

export interface ToolGatewayOptions<I extends Record<string, Tool>> {
  impls: I
  logger?: Logger
  config?: PathLike | ConfigObject
  /** Return false or throw to reject a result (`validation_failed`). */
  validators?: Partial<Record<keyof I, (result: any) => unknown>>
  /** Per-tool timeouts in milliseconds; the tool's `signal` aborts. */
  timeouts?: Partial<Record<keyof I, number>>
  /** Called with the `alert` event's fields on every alert level change. */
  onAlert?: (alert: Record<string, unknown>) => void
  /**
   * Tests and replays: ids count up and the clock stands still, so a scenario
   * logs the same bytes every time. `true` starts the clock at
   * 2026-01-01T00:00:00Z; a string is an RFC 3339 start time (docs/testing.md).
   */
  deterministic?: boolean | string
  /**
   * Refuse a call made with no ctx and no current run (`missing_id`) instead
   * of running it under an implicit run (`run_start.implicit`). Default false.
   */
  strict?: boolean
}

/** A tool the model asked for: its name, or an object with `name` (or `function.name`) and `call_id` (or `id`); arguments are never stored. */
export type RequestedToolLike = string | { name?: string; call_id?: string | null; id?: string; function?: { name: string } }

/** What the provider reported about a model call (`run.modelCall`, `step.set`). */
export interface ModelUsage {
  inputTokens?: number | null
  outputTokens?: number | null
  cachedInputTokens?: number | null
  reasoningTokens?: number | null
  finishReason?: string | null
  toolCalls?: RequestedToolLike[] | null
  costUsd?: number | null
  ok?: boolean | null
  errorClass?: ErrorClass | (string & {}) | null
  /**
   * The provider's or framework's usage object as it came (OpenAI Chat
   * Completions or Responses, the AI SDK's, LangChain's `usage_metadata`):
   * the token counts are read from it; those given by name win.
   */
  usage?: Record<string, unknown> | null
}

/** `run.modelCall(options)`: a model step that ended. */
export interface ModelCallOptions extends ModelUsage {
  model: string
  provider?: string | null
  latencyMs?: number | null
}

/** The step object `run.modelStep` hands its function. */
export interface ModelStep {
  set(usage: ModelUsage): void
}

/** One agent run: calls share its ids and budgets. */
export declare class Run<I extends Record<string, Tool> = Record<string, Tool>> {
  readonly ctx: Readonly<RunCtx>
  readonly runId: string
  readonly traceId: string
  call<K extends keyof I & string>(name: K, args?: Parameters<I[K]>[0]): ReturnType<I[K]>
  /** Marks one agent step; throws `budget_exceeded` past max_steps. */
  step(): number
  /** Adds spend in USD; returns the run's total. */
  addSpend(usd: number): number
  /** Records a model step that ended (`model_call`); priced by the core unless `costUsd` is given. */
  modelCall(options: ModelCallOptions): void
  /** Times a model call: budgets checked first, `fn(step)` awaited, the `model_call` recorded. */
  modelStep<T>(model: { model: string; provider?: string | null }, fn: (step: ModelStep) => T | Promise<T>): Promise<T>
  stop(reason: StopReason): void
  /** A W3C traceparent for outgoing calls made within this run; null if the run's trace id is not a W3C id. */
  traceparent(): string | null
  /** Ends the run (idempotent); with an error it stops `error` (`cancelled` for AbortError). */
  end(error?: unknown): void
  /** `fn` running with this run current wherever it is called (callbacks, a run from `startRun`). */
  wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R
}

/** The tool call in progress (`currentCall()`): its own ids. */
export declare class Call {
  private constructor()
  readonly tool: string
  readonly seq: number | null
  readonly spanId: string | null
  readonly runId: string | null
  readonly traceId: string | null
  readonly requestId: string | null
  readonly userId: string | null
  /** A W3C traceparent for the tool's outgoing requests, this call's span as the parent; null unless the ids are W3C ids. */
  traceparent(sampled?: boolean): string | null
}

/** The run whose `gateway.run(ids, fn)` is active in this async context, or null. */
export declare function currentRun(): Run | null

/** The tool call in progress in this async context (a wrapped tool, a call without ctx), or null. */
export declare function currentCall(): Call | null

/** Every tool call goes through here; see docs/gateway.md. */
export declare class ToolGateway<I extends Record<string, Tool> = Record<string, Tool>> {
  constructor(options: ToolGatewayOptions<I>)
  /** Whether calls with no ctx and no current run are refused (the `strict` option). */
  readonly strict: boolean
  /** The tool's return value, or a Promise for async tools (logged when it settles). `ctx` null or undefined: the current run's, else an implicit run. */
  call<K extends keyof I & string>(ctx: RunCtx | null | undefined, name: K, args?: Parameters<I[K]>[0]): ReturnType<I[K]>
  /** `fn` taking the same args object, its calls going through this gateway as tool `name` under the current run. */
  wrap<A, R>(name: string, fn: (args: A, options: { readonly signal?: AbortSignal }) => R): (args: A) => R
  redact(value: unknown): unknown
  /** `run_start`, then fn, then `run_end` with the stop reason; returns fn's result. */
  run<T>(ids: RunCtx | undefined, fn: (run: Run<I>) => Promise<T> | T): Promise<T>
  startRun(ids?: RunCtx): Run<I>
  /** Window values and alert levels. */
  metrics(): Record<string, unknown>
  /** Re-evaluates alert rules now; also closes an incident window whose time is up. */
  checkAlerts(): void
  /**
   * Opens an incident window: calls store their args, redacted, for `minutes`
   * (+ `seconds`) from now, then stop by themselves; 0 closes it now. Writes
   * `incident_window_open` / `incident_window_close`. Returns the closing
   * instant (RFC 3339).
   */
  incidentWindow(length: { minutes?: number; seconds?: number }): string
}

/** A run as the logs tell it (`Logs.runs`). */
export interface RunSummary {
  run_id: string
  start: string
  user_id: string | null
  agent_id: string | null
  request_id: string | null
  tool_calls: number
  /** Calls that ran and failed. */
  errors: number
  /** Calls refused before running (unknown tool, budget, loop guard). */
  refused: number
  stop_reason: StopReason | null
  duration_ms: number | null
  spend_usd: number | null
  error_classes: string[]
}

export interface ToolStats {
  tool: string
  calls: number
  errors: Record<string, number>
  p50_ms: number
  p95_ms: number
  p99_ms: number
}

/** A (tool, args_hash) pair called most often. */
export interface HotPair {
  tool: string
  args_hash: string
  calls: number
}

/** `Logs.stats()`: per tool, and the hottest (tool, args_hash) pairs. */
export interface StatsReport {
  tools: ToolStats[]
  hottest: HotPair[]
  /** true when percentiles came from buckets (within 0.5%) or hot-pair counts from a bounded counter. */
  approximate: boolean
}

/** `Logs.stats({ by: 'model' })`: one model's calls. */
export interface ModelStats {
  model: string
  model_calls: number
  input_tokens: number
  output_tokens: number
  spend_usd: number
  /** Calls with no cost: not in spend_usd. */
  unpriced_model_calls: number
  errors: Record<string, number>
  p50_ms: number
  p95_ms: number
  p99_ms: number
}

export interface ModelStatsReport {
  by: 'model'
  models: ModelStats[]
}

/** `Logs.stats({ by: 'agent' })`: one agent's runs, calls and spend. */
export interface AgentStats {
  agent_id: string | null
  runs: number
  tool_calls: number
  tool_errors: number
  model_calls: number
  input_tokens: number
  output_tokens: number
  /** Model calls' cost and spend added with addSpend. */
  spend_usd: number
  unpriced_model_calls: number
}

export interface AgentStatsReport {
  by: 'agent'
  agents: AgentStats[]
}

export type SpendBy = 'minute' | 'hour' | 'run' | 'model' | 'agent'

export interface SpendRun {
  run_id: string
  spend_usd: number
}

export interface SpendModel {
  /** null: spend the application added with addSpend. */
  model: string | null
  spend_usd: number
}

/** One row of `Logs.spend()`: a minute or hour (RFC 3339 start), a run, a model or an agent. */
export interface SpendRow {
  /** By model: null is added spend; by agent: null is no agent. */
  key: string | null
  spend_usd: number
  model_usd: number
  added_usd: number
  model_calls: number
  /** No cost: not in the sums. */
  unpriced_model_calls: number
  input_tokens: number
  output_tokens: number
  runs: number
  /** A timeline bucket inside a spike. */
  spike: boolean
  top_runs: SpendRun[]
  top_models: SpendModel[]
}

/** Consecutive buckets above 3 × the median bucket. */
export interface SpendSpike {
  since: string
  until: string
  median_usd: number
  total: SpendRow
}

/** `Logs.spend()`. */
export interface SpendReport {
  by: SpendBy
  rows: SpendRow[]
  /** Every row summed (key null). */
  total: SpendRow
  spikes: SpendSpike[]
}

/** `Logs.loops()`: identical calls repeated in one run. */
export interface LoopFinding {
  run_id: string
  tool: string
  args_hash: string
  count: number
  /** Of those, calls the loop guard refused. */
  blocked: number
}

/** `Logs.alerts()`: one alert level change. */
export interface AlertChange {
  ts: string
  rule: AlertRule
  level: AlertLevel
  value: number
  threshold: number
  /** warn / critical: the run of the latest offending sample. */
  tripped_run_id: string | null
  tripped_trace_id: string | null
}

/**
 * What the logs say is missing from them (`Logs.gaps()`, `tooltrail gaps --json`).
 * Queries over an incomplete record also emit a process warning (type
 * `TooltrailWarning`, code `TOOLTRAIL_INCOMPLETE_LOG`), once per path and state.
 */
export interface LogGaps {
  /** Nothing skipped, no drop reported. */
  complete: boolean
  /** Lines that were not whole events (garbage, a torn line, too long). */
  skipped_lines: number
  /** Of those, lines over 16 MiB. */
  too_long_lines: number
  /** `writer_dropped` counts by reason (the three known ones always present). */
  dropped: { queue_full: number; sink_error: number; closed: number; [reason: string]: number }
  /** Their sum. */
  dropped_events: number
}

export interface RunFilters {
  /** This run only (read through the writer's run index when the logs have one). */
  run?: string
  agentId?: string
  user?: string
  request?: string
  since?: string
  until?: string
  stopReason?: StopReason
  tool?: string
  errorClass?: string
  /** 'start' (oldest first, the default) or 'spend' (costliest first). */
  sort?: 'start' | 'spend'
}

/** Queries over tooltrail JSONL logs: the CLI's `--json` answers as values. */
export declare class Logs {
  constructor(path?: PathLike)
  readonly path: string
  runs(filters?: RunFilters): RunSummary[]
  /** Throws a TooltrailError with code `unknown_run` (and `runId`) for a run with no event in the logs. */
  timeline(runId: string): Array<Record<string, unknown>>
  stats(options?: { top?: number; agentId?: string; by?: 'tool' }): StatsReport
  stats(options: { top?: number; agentId?: string; by: 'model' }): ModelStatsReport
  stats(options: { top?: number; agentId?: string; by: 'agent' }): AgentStatsReport
  /** What the runs cost: by minute (default) or hour with the spikes, or by run, model or agent, costliest first. */
  spend(options?: { by?: SpendBy; since?: string; until?: string; agentId?: string; top?: number }): SpendReport
  loops(options?: { min?: number; agentId?: string }): LoopFinding[]
  alerts(options?: { config?: PathLike | Record<string, unknown> }): AlertChange[]
  gaps(): LogGaps
  agentLogs(agentId?: string | null, options?: { limit?: number }): AgentLogEntry[]
  agentMetrics(agentId?: string | null, options?: { period?: AgentPeriod }): AgentMetrics
}

/** One tool call in `agentLogs`, newest first. */
export interface AgentLogEntry {
  ts: string
  run_id: string
  seq: number | null
  tool: string
  decision: 'allow' | 'block'
  args_hash: string | null
  /** null: no result in the logs (yet). */
  ok: boolean | null
  latency_ms: number | null
  /** The error class of a refused or failed call. */
  reason: string | null
  /** The run's spend, once its run_end is logged. */
  spend_usd: number | null
}

export type AgentPeriod = 'hour' | 'day' | 'week' | 'month' | 'all'

/** `agentMetrics`: an agent's totals over a period. */
export interface AgentMetrics {
  agent_id: string | null
  period: AgentPeriod
  since: string | null
  runs: number
  tool_calls: number
  errors: number
  blocked_actions: number
  total_spend_usd: number
  model_calls: number
  input_tokens: number
  output_tokens: number
  stop_reasons: Record<string, number>
}

/** The agent's latest tool calls, newest first (`limit` default 50; `path` default ./tooltrail-logs). */
export declare function agentLogs(agentId?: string | null, options?: { limit?: number; path?: PathLike }): AgentLogEntry[]
/** The agent's totals over the last `period` (default `day`). */
export declare function agentMetrics(agentId?: string | null, options?: { period?: AgentPeriod; path?: PathLike }): AgentMetrics
