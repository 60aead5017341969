"""Type names shared by the stubs and the Python layer (importable at runtime,
so `typing.get_args(StopReason)` works and the drift tests can compare the
Literals with the native tuples; `_native.pyi` imports them from here because
stubtest requires every public name of a stub to exist in the native module).

Python 3.9 syntax: these annotations are evaluated at import.
"""

from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, Protocol, TypedDict, Union

# The event vocabulary is generated from the core's schema (events.py).
from .events import AlertLevel as AlertLevel
from .events import AlertRule as AlertRule
from .events import ErrorClass as ErrorClass
from .events import ErrorKind as ErrorKind
from .events import StopReason as StopReason

if TYPE_CHECKING:
    from ._native import RunCtx


# Every `.code` a tooltrail exception carries (its `.error_class` too);
# `tooltrail.ERROR_CODES`. A CanonicalError's code is its ErrorKind.
ErrorCode = Literal[
    "non_finite",
    "integer_out_of_range",
    "lone_surrogate",
    "duplicate_key",
    "non_string_key",
    "unsupported_type",
    "depth_exceeded",
    "invalid_json",
    "config_error",
    "writer_error",
    "unknown_tool",
    "missing_id",
    "validation_failed",
    "budget_exceeded",
    "loop_detected",
    "invalid_argument",
    "query_error",
    "unknown_run",
    "snapshot_mismatch",
    "internal",
]



# What the canonicalizer accepts at the top (nested values are checked at
# runtime: CanonicalTypeError names the path of anything else).
JsonValue = Union[None, bool, int, float, str, list[Any], tuple[Any, ...], dict[str, Any]]


class Logger(Protocol):
    """Anything with `.event(name, fields)`: an EventWriter, a test recorder.
    Called positionally, so a logger may name its parameters as it likes."""

    def event(self, name: str, fields: dict[str, Any], /) -> Any: ...


class RunCtxDict(TypedDict, total=False):
    """A `ctx` given as a dict (the keys of `RunCtx`; None means absent)."""

    run_id: Optional[str]
    trace_id: Optional[str]
    user_id: Optional[str]
    request_id: Optional[str]
    parent_span_id: Optional[str]
    traceparent: Optional[str]  # W3C header: sets trace_id and parent_span_id


# Where a `ctx` is expected: a RunCtx or the same ids as a dict. (A string
# forward reference: RunCtx lives in the native module, which the stubs type.)
CtxLike = Union["RunCtx", RunCtxDict]

# A tool implementation: a dict of args becomes keyword arguments, a list or
# tuple positional ones, anything else the single argument.
Tool = Callable[..., Any]


class DroppedStats(TypedDict):
    queue_full: int
    sink_error: int
    closed: int


class OtlpDroppedStats(TypedDict):
    queue_full: int
    rejected: int
    retries_exhausted: int
    network: int
    closed: int
    invalid: int


class OtlpStats(TypedDict):
    accepted: int
    exported: int
    dropped: OtlpDroppedStats
    spans_exported: int
    spans_dropped: int
    requests: int
    retries: int
    queued: int


class _WriterStatsBase(TypedDict):
    accepted: int
    written: int
    dropped: DroppedStats
    write_errors: int
    drop_reports: int
    queued: int
    queued_bytes: int


class WriterStats(_WriterStatsBase, total=False):
    """`EventWriter.stats()`."""

    otlp: OtlpStats  # present when the config has sinks.otlp (docs/otlp.md)


# Query results (`Logs`): the CLI's `--json` values (core/query/src/answer.rs;
# core/query/tests/answer_types.rs checks these declarations against it).
# Whole numbers arrive as int, so counts are int and milliseconds float.


class RunSummary(TypedDict):
    run_id: str
    start: str
    user_id: Optional[str]
    agent_id: Optional[str]
    request_id: Optional[str]
    tool_calls: int
    # Calls that ran and failed; `refused`: calls refused before running
    # (unknown tool, budget, loop guard).
    errors: int
    refused: int
    stop_reason: Optional[StopReason]
    duration_ms: Optional[float]
    spend_usd: Optional[float]
    error_classes: list[str]


class RecordedRunSummary(RunSummary):
    """A run in a test recorder (`tooltrail.testing`): a `RunSummary` plus the tools called."""

    tools: list[str]


class _RecordedCallBase(TypedDict):
    run_id: Optional[str]
    seq: int
    tool: str
    decision: Literal["allow", "block"]
    args_hash: Optional[str]
    ok: Optional[bool]  # None while the call is in flight
    error_class: Optional[str]
    error_message: Optional[str]
    latency_ms: Optional[float]


class RecordedCall(_RecordedCallBase, total=False):
    """One call in a test recorder: its `tool_call` joined with its `tool_result`."""

    args: Any  # when the gateway stores arguments (redacted)
    result: Any  # when the gateway stores this run's results (redacted)


class ToolStats(TypedDict):
    tool: str
    calls: int
    errors: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float


class HotPair(TypedDict):
    tool: str
    args_hash: str
    calls: int


class StatsReport(TypedDict):
    tools: list[ToolStats]
    hottest: list[HotPair]
    approximate: bool


class ModelStats(TypedDict):
    """`Logs.stats(by="model")`: one model's calls."""

    model: str
    model_calls: int
    input_tokens: int
    output_tokens: int
    spend_usd: float
    unpriced_model_calls: int  # calls with no cost: not in spend_usd
    errors: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float


class ModelStatsReport(TypedDict):
    by: Literal["model"]
    models: list[ModelStats]


class AgentStats(TypedDict):
    """`Logs.stats(by="agent")`: one agent's runs, calls and spend."""

    agent_id: Optional[str]
    runs: int
    tool_calls: int
    tool_errors: int
    model_calls: int
    input_tokens: int
    output_tokens: int
    spend_usd: float  # model calls' cost and spend added with add_spend
    unpriced_model_calls: int


class AgentStatsReport(TypedDict):
    by: Literal["agent"]
    agents: list[AgentStats]


SpendBy = Literal["minute", "hour", "run", "model", "agent"]


class SpendRun(TypedDict):
    run_id: str
    spend_usd: float


class SpendModel(TypedDict):
    model: Optional[str]  # None: spend the application added with add_spend
    spend_usd: float


class SpendRow(TypedDict):
    """One row of `Logs.spend()`: a minute or hour (RFC 3339 start), a run, a model or an agent."""

    key: Optional[str]  # by model: None is added spend; by agent: None is no agent
    spend_usd: float
    model_usd: float
    added_usd: float
    model_calls: int
    unpriced_model_calls: int  # no cost: not in the sums
    input_tokens: int
    output_tokens: int
    runs: int
    spike: bool  # a timeline bucket inside a spike
    top_runs: list[SpendRun]
    top_models: list[SpendModel]


class SpendSpike(TypedDict):
    """Consecutive buckets above 3 × the median bucket."""

    since: str  # the first bucket's start
    until: str  # the last bucket's end
    median_usd: float
    total: SpendRow


class SpendReport(TypedDict):
    by: SpendBy
    rows: list[SpendRow]
    total: SpendRow  # every row summed (key None)
    spikes: list[SpendSpike]


class LoopFinding(TypedDict):
    run_id: str
    tool: str
    args_hash: str
    count: int
    blocked: int


class AlertChange(TypedDict):
    ts: str
    rule: AlertRule
    level: AlertLevel
    value: float
    threshold: float
    tripped_run_id: Optional[str]  # warn / critical: the run of the latest offending sample
    tripped_trace_id: Optional[str]


class LogGaps(TypedDict):
    """`Logs.gaps()`: what the logs say is missing from them."""

    complete: bool  # nothing skipped, no drop reported
    skipped_lines: int  # lines that were not whole events (garbage, a torn line, too long)
    too_long_lines: int  # of those, lines over 16 MiB
    dropped: dict[str, int]  # writer_dropped counts by reason: queue_full, sink_error, closed (always present), others
    dropped_events: int  # their sum


class AgentLogEntry(TypedDict):
    """One tool call in `agent_logs`, newest first."""

    ts: str
    run_id: str
    seq: Optional[float]
    tool: str
    decision: Literal["allow", "block"]
    args_hash: Optional[str]
    ok: Optional[bool]  # None: no result in the logs (yet)
    latency_ms: Optional[float]
    reason: Optional[str]  # the error class of a refused or failed call
    spend_usd: Optional[float]  # the run's spend, once its run_end is logged


class AgentMetrics(TypedDict):
    """`agent_metrics`: an agent's totals over a period."""

    agent_id: Optional[str]
    period: Literal["hour", "day", "week", "month", "all"]
    since: Optional[str]
    runs: int
    tool_calls: int
    errors: int
    blocked_actions: int
    total_spend_usd: float
    model_calls: int
    input_tokens: int
    output_tokens: int
    stop_reasons: dict[str, int]
