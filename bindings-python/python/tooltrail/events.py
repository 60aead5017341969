"""tooltrail's events as Python types: one ``TypedDict`` per event.

Generated from core/pipeline/src/schema/table.rs by
`UPDATE_GENERATED=1 cargo test -p tooltrail-core --test generated`; do not edit.

Python 3.9 has no ``NotRequired``: an event with optional members is a
``total=False`` TypedDict over a private base that holds the required ones.
``FIELD_ORDER`` gives the order members are written in.
"""

from typing import Any, Literal, Optional, TypedDict, Union

#: The event names tooltrail writes.
EventName = Literal[
    "run_start", "tool_call", "tool_result", "run_end", "alert", "writer_dropped",
    "incident_window_open", "incident_window_close", "model_call",
]

#: Why a run stopped.
StopReason = Literal[
    "completed", "error", "max_tool_calls", "max_steps", "max_duration", "max_spend",
    "loop_detected", "cancelled", "timeout",
]

#: The normalized error classes; any other failure is its exception's class name.
ErrorClass = Literal[
    "unknown_tool", "invalid_arguments", "timeout", "validation_failed", "budget_exceeded",
    "loop_detected", "rate_limited", "http_4xx", "http_5xx", "network", "cancelled",
]

#: Whether the gateway let a call run.
Decision = Literal[
    "allow", "block",
]

#: How `args_hash` was computed: SHA-256, or HMAC-SHA256 with a configured key.
HashAlg = Literal[
    "sha256", "hmac-sha256",
]

#: The alert rules (configured under `logging.alerts`).
AlertRule = Literal[
    "tool_calls_per_run_p95", "timeout_rate", "validation_fail_rate", "error_rate",
    "spend_usd_per_min",
]

#: An alert's new level (`resolved`: back below the warn threshold).
AlertLevel = Literal[
    "warn", "critical", "resolved",
]

#: Why the writer dropped events.
DropReason = Literal[
    "queue_full", "sink_error", "closed",
]

#: Why a value has no canonical JSON form.
ErrorKind = Literal[
    "non_finite", "integer_out_of_range", "lone_surrogate", "duplicate_key", "non_string_key",
    "unsupported_type", "depth_exceeded", "invalid_json",
]


class LoopGuard(TypedDict):
    """The loop guard: identical (tool, args_hash) calls in one run."""

    #: Flag the call from this many identical calls.
    warn_after: int
    #: Refuse the call from this many identical calls.
    block_after: int


class Budgets(TypedDict, total=False):
    """The budgets in force (each only when configured)."""

    #: Most tool calls.
    max_tool_calls: int
    #: Most agent steps.
    max_steps: int
    #: Longest duration, seconds.
    max_duration_s: float
    #: Most spend, USD.
    max_spend_usd: float
    #: Most model input tokens.
    max_input_tokens: int
    #: Most model output tokens.
    max_output_tokens: int
    #: The loop guard.
    loop_guard: LoopGuard


class McpServer(TypedDict):
    """The MCP server a `tooltrail mcp-proxy` session fronts."""

    #: `serverInfo.name` from the server's answer to `initialize` (null before or without one).
    name: Optional[str]
    #: `serverInfo.version` from the same answer (null before or without one).
    version: Optional[str]
    #: The server's command line as the proxy ran it (arguments holding blanks or quotes are single-quoted).
    command: str


class CanonErrorInfo(TypedDict):
    """Why a value has no JSON form: the error kind and the path of the offending value."""

    #: The error kind.
    kind: ErrorKind
    #: The path of the offending value, e.g. `$.ids`.
    path: str


class BudgetUse(TypedDict):
    """A budget's limit and what the run used of it."""

    #: The limit.
    limit: float
    #: What was used.
    used: float


class BudgetUsage(TypedDict, total=False):
    """Each configured limit with what the run used."""

    #: Tool calls.
    max_tool_calls: BudgetUse
    #: Agent steps.
    max_steps: BudgetUse
    #: Duration, seconds.
    max_duration_s: BudgetUse
    #: Spend, USD.
    max_spend_usd: BudgetUse
    #: Model input tokens.
    max_input_tokens: BudgetUse
    #: Model output tokens.
    max_output_tokens: BudgetUse


class RequestedTool(TypedDict):
    """A tool call the model asked for: its name and id, never its arguments."""

    #: The tool's name.
    name: str
    #: The model's id of the call (the `call_id` of the `tool_call` it leads to).
    call_id: Optional[str]


class _RunStartEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["run_start"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: The span the run is a child of.
    parent_span_id: Optional[str]
    #: The budgets in force.
    budgets: Budgets


class RunStartEvent(_RunStartEventRequired, total=False):
    """A run begins."""

    #: The agent, where configured.
    agent_id: str
    #: `true` for a run tooltrail opened because a call had no run and no ctx (absent otherwise).
    implicit: bool
    #: The enclosing run: one opened in another run's scope, or a forked worker's (absent otherwise).
    parent_run_id: str
    #: The MCP server a `tooltrail mcp-proxy` session fronts (absent otherwise).
    mcp_server: McpServer


class _ToolCallEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["tool_call"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: The tool.
    tool: str
    #: 1, 2, … within the run.
    seq: int
    #: The span the call is a child of.
    parent_span_id: Optional[str]
    #: Whether the call runs.
    decision: Decision


class ToolCallEvent(_ToolCallEventRequired, total=False):
    """Before a tool runs (also when it is refused)."""

    #: The agent, where configured.
    agent_id: str
    #: The framework's or model's id of this call (absent when it has none).
    call_id: str
    #: `stable_hash` of the arguments; null when they have no canonical form.
    args_hash: Optional[str]
    #: Why `args_hash` is null.
    args_error: CanonErrorInfo
    #: How `args_hash` was computed.
    hash_alg: HashAlg
    #: The redacted arguments, when storing args is on.
    args: Any
    #: The loop guard's warning: this many identical calls.
    loop_count: int
    #: `false` when refused.
    ok: Literal[False]
    #: Why it was refused.
    error_class: Union[ErrorClass, str]


class _ToolResultEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["tool_result"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: The tool.
    tool: str
    #: The `seq` of its `tool_call`.
    seq: int
    #: Milliseconds, microsecond precision.
    latency_ms: float
    #: Whether it succeeded (and its result passed validation).
    ok: bool


class ToolResultEvent(_ToolResultEventRequired, total=False):
    """After a tool returned or failed."""

    #: The agent, where configured.
    agent_id: str
    #: The tool's timeout (ms), when it returned after it: a sync tool cannot be interrupted.
    deadline_ms: float
    #: `true` when the tool returned after its timeout (its value was still returned).
    deadline_exceeded: bool
    #: Why it failed.
    error_class: Union[ErrorClass, str]
    #: The error message, redacted and truncated, when configured.
    error_message: str
    #: The redacted result, when sampled.
    result: Any
    #: Why a sampled result has no JSON form.
    result_error: CanonErrorInfo


class _RunEndEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["run_end"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: Why the run stopped.
    stop_reason: StopReason
    #: Milliseconds, microsecond precision.
    duration_ms: float
    #: Tool calls that ran.
    tool_calls: int
    #: Tool calls that ran and failed.
    errors: int
    #: Tool calls refused before running (unknown tool, budget, loop guard).
    refused: int
    #: Agent steps.
    steps: int
    #: Spend, USD: model calls' costs plus spend added by the app.
    spend_usd: float
    #: Each limit with what was used.
    budgets: BudgetUsage


class RunEndEvent(_RunEndEventRequired, total=False):
    """A run ends."""

    #: The agent, where configured.
    agent_id: str
    #: Model calls recorded (this and the next four: only when there were any).
    model_calls: int
    #: Model input tokens.
    input_tokens: int
    #: Model output tokens.
    output_tokens: int
    #: Model calls with no cost (unknown price or no usage): `spend_usd` leaves them out.
    unpriced_model_calls: int
    #: The share of model calls whose cost is in `spend_usd` (1: all of them).
    priced_share: float


class _AlertEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["alert"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: The rule.
    rule: AlertRule
    #: Its new level.
    level: AlertLevel
    #: The measured value.
    value: float
    #: The threshold crossed (for `resolved`: the warn threshold).
    threshold: float
    #: The window, seconds.
    window_s: float


class AlertEvent(_AlertEventRequired, total=False):
    """An alert rule changes state."""

    #: The agent, where configured.
    agent_id: str
    #: warn / critical: the run of the rule's latest offending sample.
    tripped_run_id: Optional[str]
    #: warn / critical: that sample's trace.
    tripped_trace_id: Optional[str]


class _WriterDroppedEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["writer_dropped"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: How many events were dropped since the last report.
    count: int
    #: Why.
    reason: DropReason


class WriterDroppedEvent(_WriterDroppedEventRequired, total=False):
    """After events were dropped (ids are null: it belongs to no run)."""

    #: The agent, where configured.
    agent_id: str


class _IncidentWindowOpenEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["incident_window_open"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: When the window closes by itself.
    until: str


class IncidentWindowOpenEvent(_IncidentWindowOpenEventRequired, total=False):
    """An incident window opened or moved: args are stored, redacted, until `until`."""

    #: The agent, where configured.
    agent_id: str


class _IncidentWindowCloseEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["incident_window_close"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: When the window was set to close.
    until: str


class IncidentWindowCloseEvent(_IncidentWindowCloseEventRequired, total=False):
    """An incident window closed (noticed at the first activity after `until`)."""

    #: The agent, where configured.
    agent_id: str


class _ModelCallEventRequired(TypedDict):
    #: Schema version: 1.
    v: Literal[1]
    #: When, RFC 3339 UTC with microseconds.
    ts: str
    #: The event name.
    event: Literal["model_call"]
    #: The run (null outside any run).
    run_id: Optional[str]
    #: The W3C trace id (32 lowercase hex).
    trace_id: Optional[str]
    #: The call's or run's span id (16 lowercase hex).
    span_id: Optional[str]
    #: The incoming request.
    request_id: Optional[str]
    #: The end user, null when unknown.
    user_id: Optional[str]
    #: 1, 2, … within the run.
    step: int
    #: The span the call is a child of (the run's).
    parent_span_id: Optional[str]
    #: The model.
    model: str
    #: The provider (`openai`, …).
    provider: Optional[str]
    #: Input tokens, cached ones included (null: not reported).
    input_tokens: Optional[int]
    #: Output tokens, reasoning ones included (null: not reported).
    output_tokens: Optional[int]
    #: USD: as given, or from the price table; null when unpriced (never guessed).
    cost_usd: Optional[float]
    #: Milliseconds (null: neither given nor timed).
    latency_ms: Optional[float]
    #: Whether the call succeeded.
    ok: bool
    #: Why the model stopped, as the provider said (`stop`, `tool_calls`, `length`, …).
    finish_reason: Optional[str]
    #: The tools the model asked for, in order (names and ids, never arguments).
    tool_calls: list[RequestedTool]


class ModelCallEvent(_ModelCallEventRequired, total=False):
    """A model step ended (recorded by the app or a framework adapter)."""

    #: The agent, where configured.
    agent_id: str
    #: The part of `input_tokens` read from the cache, when reported.
    cached_input_tokens: int
    #: The part of `output_tokens` spent reasoning, when reported.
    reasoning_tokens: int
    #: Why it failed.
    error_class: Union[ErrorClass, str]


#: Any event tooltrail writes.
ToolTrailEvent = Union[
    RunStartEvent, ToolCallEvent, ToolResultEvent, RunEndEvent, AlertEvent, WriterDroppedEvent,
    IncidentWindowOpenEvent, IncidentWindowCloseEvent, ModelCallEvent,
]

#: The TypedDict of each event name.
EVENT_TYPES: dict[str, Any] = {
    "run_start": RunStartEvent,
    "tool_call": ToolCallEvent,
    "tool_result": ToolResultEvent,
    "run_end": RunEndEvent,
    "alert": AlertEvent,
    "writer_dropped": WriterDroppedEvent,
    "incident_window_open": IncidentWindowOpenEvent,
    "incident_window_close": IncidentWindowCloseEvent,
    "model_call": ModelCallEvent,
}

#: The members of each event, in the order they are written.
FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "run_start": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "parent_span_id", "budgets", "implicit", "parent_run_id", "mcp_server",
    ),
    "tool_call": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "tool", "seq", "parent_span_id", "call_id", "args_hash", "args_error", "hash_alg", "args",
        "loop_count", "decision", "ok", "error_class",
    ),
    "tool_result": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "tool", "seq", "latency_ms", "ok", "deadline_ms", "deadline_exceeded", "error_class",
        "error_message", "result", "result_error",
    ),
    "run_end": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "stop_reason", "duration_ms", "tool_calls", "errors", "refused", "steps", "spend_usd",
        "budgets", "model_calls", "input_tokens", "output_tokens", "unpriced_model_calls",
        "priced_share",
    ),
    "alert": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "rule", "level", "value", "threshold", "window_s", "tripped_run_id", "tripped_trace_id",
    ),
    "writer_dropped": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "count", "reason",
    ),
    "incident_window_open": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "until",
    ),
    "incident_window_close": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "until",
    ),
    "model_call": (
        "v", "ts", "event", "run_id", "trace_id", "span_id", "request_id", "user_id", "agent_id",
        "step", "parent_span_id", "model", "provider", "input_tokens", "output_tokens",
        "cached_input_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "ok", "error_class",
        "finish_reason", "tool_calls",
    ),
}
