# Stubs for the native module (hand-written; drift-tested in tests/python/test_errors.py).
from os import PathLike
from typing import Any, Callable, Dict, List, Literal, Optional, Protocol, Tuple, TypedDict, Union

ErrorKind = Literal[
    "non_finite",
    "integer_out_of_range",
    "lone_surrogate",
    "duplicate_key",
    "non_string_key",
    "unsupported_type",
    "depth_exceeded",
    "invalid_json",
]

ErrorClass = Literal[
    "unknown_tool",
    "timeout",
    "validation_failed",
    "budget_exceeded",
    "loop_detected",
    "rate_limited",
    "http_4xx",
    "http_5xx",
    "network",
    "cancelled",
]

StopReason = Literal[
    "completed",
    "error",
    "max_tool_calls",
    "max_steps",
    "max_duration",
    "max_spend",
    "loop_detected",
    "cancelled",
    "timeout",
]

STOP_REASONS: Tuple[StopReason, ...]
ERROR_KINDS: Tuple[ErrorKind, ...]
ERROR_CLASSES: Tuple[ErrorClass, ...]
__version__: str

JsonValue = Union[None, bool, int, float, str, list, tuple, dict]

class TooltrailError(Exception):
    error_class: str

class CanonicalError(TooltrailError):
    kind: ErrorKind
    path: str
    detail: str

class CanonicalValueError(CanonicalError, ValueError): ...
class CanonicalTypeError(CanonicalError, TypeError): ...
class WriterError(TooltrailError, OSError): ...

class ConfigError(TooltrailError, ValueError):
    key: str

class UnknownToolError(TooltrailError, LookupError):
    tool: str

class MissingIdError(TooltrailError, ValueError):
    key: str

class ToolValidationError(TooltrailError, ValueError):
    tool: str

class BudgetExceededError(TooltrailError, RuntimeError):
    budget: str
    stop_reason: StopReason

class LoopDetectedError(TooltrailError, RuntimeError):
    tool: str

class RunError(TooltrailError, ValueError): ...
class QueryError(TooltrailError, ValueError): ...

def query(path: str, command: str, options: Optional[Dict[str, Any]] = None) -> Any: ...
def cli_main(argv: List[str]) -> int: ...

def stable_hash(obj: Any, key: Optional[Union[str, bytes]] = None) -> str: ...
def stable_hash_json(text: Union[str, bytes], key: Optional[Union[str, bytes]] = None) -> str: ...
def canonical_json(obj: Any) -> str: ...
def canonical_json_text(text: Union[str, bytes]) -> str: ...

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
    otlp: OtlpStats  # present when the config has sinks.otlp (docs/otlp.md)

class EventWriter:
    def __init__(
        self,
        path: Optional[Union[str, "PathLike[str]"]] = None,
        *,
        sink: Optional[Literal["file", "stdout"]] = None,
        queue_events: Optional[int] = None,
        queue_bytes: Optional[int] = None,
        batch_events: Optional[int] = None,
        batch_bytes: Optional[int] = None,
        flush_interval: Optional[float] = None,
        overflow: Optional[Literal["drop", "block"]] = None,
        block_timeout: Optional[float] = None,
        close_timeout: Optional[float] = None,
        max_file_bytes: Optional[int] = None,
        max_files: Optional[int] = None,
        config: Union[str, "PathLike[str]", Dict[str, Any], "Config", None] = None,
    ) -> None: ...
    def event(self, name: str, fields: Optional[Dict[str, Any]] = None) -> bool: ...
    def flush(self, timeout: float = 5.0, *, export: bool = True) -> bool: ...
    def close(self, timeout: Optional[float] = None) -> bool: ...
    @property
    def closed(self) -> bool: ...
    def stats(self) -> WriterStats: ...
    def __enter__(self) -> "EventWriter": ...
    def __exit__(self, *exc: object) -> bool: ...

def redact(obj: Any, redact_fields: Optional[List[str]] = None) -> Any: ...
def traceparent(trace_id: str, span_id: str, sampled: bool = True) -> str: ...
def parse_traceparent(header: str) -> Optional[Tuple[str, str, bool]]: ...

class Config: ...

def load_config(path: Union[str, "PathLike[str]"]) -> Config: ...

class RunCtx:
    def __init__(
        self,
        run_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        user_id: Optional[str] = None,
        request_id: Optional[str] = None,
        *,
        parent_span_id: Optional[str] = None,
        traceparent: Optional[str] = None,
    ) -> None: ...
    @property
    def run_id(self) -> Optional[str]: ...
    @property
    def trace_id(self) -> Optional[str]: ...
    @property
    def user_id(self) -> Optional[str]: ...
    @property
    def request_id(self) -> Optional[str]: ...
    @property
    def parent_span_id(self) -> Optional[str]: ...

class _Call: ...

class Logger(Protocol):
    def event(self, name: str, fields: Dict[str, Any]) -> Any: ...

CtxLike = Union[RunCtx, Dict[str, Optional[str]]]

class ToolGateway:
    def __init__(
        self,
        *,
        impls: Dict[str, Callable[..., Any]],
        logger: Optional[Logger] = None,
        config: Union[None, str, "PathLike[str]", Dict[str, Any], Config] = None,
        validators: Optional[Dict[str, Callable[[Any], Any]]] = None,
        timeouts: Optional[Dict[str, float]] = None,
        on_alert: Optional[Callable[[Dict[str, Any]], Any]] = None,
    ) -> None: ...
    def call(self, ctx: CtxLike, name: str, args: Any) -> Any: ...
    async def acall(self, ctx: CtxLike, name: str, args: Any, *, timeout: Optional[float] = None) -> Any: ...
    def redact(self, obj: Any) -> Any: ...
    def _begin(self, ctx: CtxLike, name: str, args: Any) -> Tuple[_Call, Callable[..., Any]]: ...
    def _finish_ok(self, call: _Call, result: Any) -> None: ...
    def _finish_err(self, call: _Call, error: BaseException) -> None: ...
    def _advance_clock(self, us: int) -> None: ...
    def run(
        self,
        ctx: Optional[CtxLike] = None,
        *,
        run_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        user_id: Optional[str] = None,
        request_id: Optional[str] = None,
        traceparent: Optional[str] = None,
    ) -> "Run": ...
    def metrics(self) -> Dict[str, Any]: ...
    def check_alerts(self) -> None: ...

class Run:
    ctx: RunCtx
    @property
    def run_id(self) -> str: ...
    @property
    def trace_id(self) -> str: ...
    def call(self, name: str, args: Any) -> Any: ...
    async def acall(self, name: str, args: Any, *, timeout: Optional[float] = None) -> Any: ...
    def step(self) -> int: ...
    def add_spend(self, usd: float) -> float: ...
    def stop(self, reason: StopReason) -> None: ...
    def traceparent(self) -> str: ...
    def __enter__(self) -> "Run": ...
    def __exit__(self, *exc: object) -> bool: ...
    async def __aenter__(self) -> "Run": ...
    async def __aexit__(self, *exc: object) -> bool: ...
