// tooltrail's events as TypeScript types: one interface per event.
// Generated from core/pipeline/src/schema/table.rs by
// `UPDATE_GENERATED=1 cargo test -p tooltrail-core --test generated`; do not edit.

/** The event names tooltrail writes. */
export type EventName =
  | 'run_start'
  | 'tool_call'
  | 'tool_result'
  | 'run_end'
  | 'alert'
  | 'writer_dropped'
  | 'incident_window_open'
  | 'incident_window_close'
  | 'model_call'

/** Why a run stopped. */
export type StopReason =
  | 'completed'
  | 'error'
  | 'max_tool_calls'
  | 'max_steps'
  | 'max_duration'
  | 'max_spend'
  | 'loop_detected'
  | 'cancelled'
  | 'timeout'

/** The normalized error classes; any other failure is its exception's class name. */
export type ErrorClass =
  | 'unknown_tool'
  | 'invalid_arguments'
  | 'timeout'
  | 'validation_failed'
  | 'budget_exceeded'
  | 'loop_detected'
  | 'rate_limited'
  | 'http_4xx'
  | 'http_5xx'
  | 'network'
  | 'cancelled'

/** Whether the gateway let a call run. */
export type Decision =
  | 'allow'
  | 'block'

/** How `args_hash` was computed: SHA-256, or HMAC-SHA256 with a configured key. */
export type HashAlg =
  | 'sha256'
  | 'hmac-sha256'

/** The alert rules (configured under `logging.alerts`). */
export type AlertRule =
  | 'tool_calls_per_run_p95'
  | 'timeout_rate'
  | 'validation_fail_rate'
  | 'error_rate'
  | 'spend_usd_per_min'

/** An alert's new level (`resolved`: back below the warn threshold). */
export type AlertLevel =
  | 'warn'
  | 'critical'
  | 'resolved'

/** Why the writer dropped events. */
export type DropReason =
  | 'queue_full'
  | 'sink_error'
  | 'closed'

/** Why a value has no canonical JSON form. */
export type ErrorKind =
  | 'non_finite'
  | 'integer_out_of_range'
  | 'lone_surrogate'
  | 'duplicate_key'
  | 'non_string_key'
  | 'unsupported_type'
  | 'depth_exceeded'
  | 'invalid_json'

/** Any JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }

/** The loop guard: identical (tool, args_hash) calls in one run. */
export interface LoopGuard {
  /** Flag the call from this many identical calls. */
  warn_after: number
  /** Refuse the call from this many identical calls. */
  block_after: number
}

/** The budgets in force (each only when configured). */
export interface Budgets {
  /** Most tool calls. */
  max_tool_calls?: number
  /** Most agent steps. */
  max_steps?: number
  /** Longest duration, seconds. */
  max_duration_s?: number
  /** Most spend, USD. */
  max_spend_usd?: number
  /** Most model input tokens. */
  max_input_tokens?: number
  /** Most model output tokens. */
  max_output_tokens?: number
  /** The loop guard. */
  loop_guard?: LoopGuard
}

/** The MCP server a `tooltrail mcp-proxy` session fronts. */
export interface McpServer {
  /** `serverInfo.name` from the server's answer to `initialize` (null before or without one). */
  name: string | null
  /** `serverInfo.version` from the same answer (null before or without one). */
  version: string | null
  /** The server's command line as the proxy ran it (arguments holding blanks or quotes are single-quoted). */
  command: string
}

/** Why a value has no JSON form: the error kind and the path of the offending value. */
export interface CanonErrorInfo {
  /** The error kind. */
  kind: ErrorKind
  /** The path of the offending value, e.g. `$.ids`. */
  path: string
}

/** A budget's limit and what the run used of it. */
export interface BudgetUse {
  /** The limit. */
  limit: number
  /** What was used. */
  used: number
}

/** Each configured limit with what the run used. */
export interface BudgetUsage {
  /** Tool calls. */
  max_tool_calls?: BudgetUse
  /** Agent steps. */
  max_steps?: BudgetUse
  /** Duration, seconds. */
  max_duration_s?: BudgetUse
  /** Spend, USD. */
  max_spend_usd?: BudgetUse
  /** Model input tokens. */
  max_input_tokens?: BudgetUse
  /** Model output tokens. */
  max_output_tokens?: BudgetUse
}

/** A tool call the model asked for: its name and id, never its arguments. */
export interface RequestedTool {
  /** The tool's name. */
  name: string
  /** The model's id of the call (the `call_id` of the `tool_call` it leads to). */
  call_id: string | null
}

/** A run begins. */
export interface RunStartEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'run_start'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** The span the run is a child of. */
  parent_span_id: string | null
  /** The budgets in force. */
  budgets: Budgets
  /** `true` for a run tooltrail opened because a call had no run and no ctx (absent otherwise). */
  implicit?: boolean
  /** The enclosing run: one opened in another run's scope, or a forked worker's (absent otherwise). */
  parent_run_id?: string
  /** The MCP server a `tooltrail mcp-proxy` session fronts (absent otherwise). */
  mcp_server?: McpServer
}

/** Before a tool runs (also when it is refused). */
export interface ToolCallEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'tool_call'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** The tool. */
  tool: string
  /** 1, 2, … within the run. */
  seq: number
  /** The span the call is a child of. */
  parent_span_id: string | null
  /** The framework's or model's id of this call (absent when it has none). */
  call_id?: string
  /** `stable_hash` of the arguments; null when they have no canonical form. */
  args_hash?: string | null
  /** Why `args_hash` is null. */
  args_error?: CanonErrorInfo
  /** How `args_hash` was computed. */
  hash_alg?: HashAlg
  /** The redacted arguments, when storing args is on. */
  args?: JsonValue
  /** The loop guard's warning: this many identical calls. */
  loop_count?: number
  /** Whether the call runs. */
  decision: Decision
  /** `false` when refused. */
  ok?: false
  /** Why it was refused. */
  error_class?: ErrorClass | (string & {})
}

/** After a tool returned or failed. */
export interface ToolResultEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'tool_result'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** The tool. */
  tool: string
  /** The `seq` of its `tool_call`. */
  seq: number
  /** Milliseconds, microsecond precision. */
  latency_ms: number
  /** Whether it succeeded (and its result passed validation). */
  ok: boolean
  /** The tool's timeout (ms), when it returned after it: a sync tool cannot be interrupted. */
  deadline_ms?: number
  /** `true` when the tool returned after its timeout (its value was still returned). */
  deadline_exceeded?: boolean
  /** Why it failed. */
  error_class?: ErrorClass | (string & {})
  /** The error message, redacted and truncated, when configured. */
  error_message?: string
  /** The redacted result, when sampled. */
  result?: JsonValue
  /** Why a sampled result has no JSON form. */
  result_error?: CanonErrorInfo
}

/** A run ends. */
export interface RunEndEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'run_end'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** Why the run stopped. */
  stop_reason: StopReason
  /** Milliseconds, microsecond precision. */
  duration_ms: number
  /** Tool calls that ran. */
  tool_calls: number
  /** Tool calls that ran and failed. */
  errors: number
  /** Tool calls refused before running (unknown tool, budget, loop guard). */
  refused: number
  /** Agent steps. */
  steps: number
  /** Spend, USD: model calls' costs plus spend added by the app. */
  spend_usd: number
  /** Each limit with what was used. */
  budgets: BudgetUsage
  /** Model calls recorded (this and the next four: only when there were any). */
  model_calls?: number
  /** Model input tokens. */
  input_tokens?: number
  /** Model output tokens. */
  output_tokens?: number
  /** Model calls with no cost (unknown price or no usage): `spend_usd` leaves them out. */
  unpriced_model_calls?: number
  /** The share of model calls whose cost is in `spend_usd` (1: all of them). */
  priced_share?: number
}

/** An alert rule changes state. */
export interface AlertEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'alert'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** The rule. */
  rule: AlertRule
  /** Its new level. */
  level: AlertLevel
  /** The measured value. */
  value: number
  /** The threshold crossed (for `resolved`: the warn threshold). */
  threshold: number
  /** The window, seconds. */
  window_s: number
  /** warn / critical: the run of the rule's latest offending sample. */
  tripped_run_id?: string | null
  /** warn / critical: that sample's trace. */
  tripped_trace_id?: string | null
}

/** After events were dropped (ids are null: it belongs to no run). */
export interface WriterDroppedEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'writer_dropped'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** How many events were dropped since the last report. */
  count: number
  /** Why. */
  reason: DropReason
}

/** An incident window opened or moved: args are stored, redacted, until `until`. */
export interface IncidentWindowOpenEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'incident_window_open'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** When the window closes by itself. */
  until: string
}

/** An incident window closed (noticed at the first activity after `until`). */
export interface IncidentWindowCloseEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'incident_window_close'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** When the window was set to close. */
  until: string
}

/** A model step ended (recorded by the app or a framework adapter). */
export interface ModelCallEvent {
  /** Schema version: 1. */
  v: 1
  /** When, RFC 3339 UTC with microseconds. */
  ts: string
  /** The event name. */
  event: 'model_call'
  /** The run (null outside any run). */
  run_id: string | null
  /** The W3C trace id (32 lowercase hex). */
  trace_id: string | null
  /** The call's or run's span id (16 lowercase hex). */
  span_id: string | null
  /** The incoming request. */
  request_id: string | null
  /** The end user, null when unknown. */
  user_id: string | null
  /** The agent, where configured. */
  agent_id?: string
  /** 1, 2, … within the run. */
  step: number
  /** The span the call is a child of (the run's). */
  parent_span_id: string | null
  /** The model. */
  model: string
  /** The provider (`openai`, …). */
  provider: string | null
  /** Input tokens, cached ones included (null: not reported). */
  input_tokens: number | null
  /** Output tokens, reasoning ones included (null: not reported). */
  output_tokens: number | null
  /** The part of `input_tokens` read from the cache, when reported. */
  cached_input_tokens?: number
  /** The part of `output_tokens` spent reasoning, when reported. */
  reasoning_tokens?: number
  /** USD: as given, or from the price table; null when unpriced (never guessed). */
  cost_usd: number | null
  /** Milliseconds (null: neither given nor timed). */
  latency_ms: number | null
  /** Whether the call succeeded. */
  ok: boolean
  /** Why it failed. */
  error_class?: ErrorClass | (string & {})
  /** Why the model stopped, as the provider said (`stop`, `tool_calls`, `length`, …). */
  finish_reason: string | null
  /** The tools the model asked for, in order (names and ids, never arguments). */
  tool_calls: RequestedTool[]
}

/** Any event tooltrail writes. */
export type ToolTrailEvent =
  | RunStartEvent
  | ToolCallEvent
  | ToolResultEvent
  | RunEndEvent
  | AlertEvent
  | WriterDroppedEvent
  | IncidentWindowOpenEvent
  | IncidentWindowCloseEvent
  | ModelCallEvent
