# Stubs for the native module, exactly as it is: `python -m mypy.stubtest
# tooltrail._native` checks every name and signature (scripts/lint.sh). The
# public wrappers (ToolGateway.acall/run, Run, EventWriter's exit hooks) are
# typed inline in __init__.py; shared type names live in _types.py because a
# stub may only name what exists in the module at runtime.
from collections.abc import Mapping
from os import PathLike
from typing import Any, Callable, Literal, final

from typing_extensions import Self, disjoint_base

from ._types import CtxLike, ErrorClass, ErrorCode, ErrorKind, Logger, StopReason, Tool, WriterStats

__all__ = [
    "TooltrailError",
    "CanonicalError",
    "CanonicalValueError",
    "CanonicalTypeError",
    "WriterError",
    "ConfigError",
    "UnknownToolError",
    "MissingIdError",
    "ToolValidationError",
    "BudgetExceededError",
    "LoopDetectedError",
    "InvalidArgumentError",
    "RunError",
    "QueryError",
    "UnknownRunError",
    "SnapshotMismatchError",
    "InternalError",
    "stable_hash",
    "stable_hash_json",
    "canonical_json",
    "canonical_json_text",
    "EventWriter",
    "ToolGateway",
    "RunCtx",
    "_Call",
    "Config",
    "load_config",
    "_wait_for_dropped",
    "_first_warning",
    "_reset_warnings",
    "redact",
    "cli_main",
    "query",
    "recorded",
    "recorder_clear",
    "deterministic_start_us",
    "traceparent",
    "parse_traceparent",
    "ERROR_CODES",
    "ERROR_CLASSES",
    "STOP_REASONS",
    "ERROR_KINDS",
    "__version__",
    "_DETERMINISTIC_START",
    "_UPDATE_SNAPSHOTS_ENV",
    "JsonArgs",
    "_mcp_error_class",
    "_mcp_refusal",
    "_mcp_result_error",
]

STOP_REASONS: tuple[StopReason, ...]
ERROR_KINDS: tuple[ErrorKind, ...]
ERROR_CLASSES: tuple[ErrorClass, ...]
ERROR_CODES: tuple[ErrorCode, ...]
__version__: str

# Exceptions. The attributes are set on each instance when it is raised (not
# class attributes), which stubtest accepts for annotated names.

class TooltrailError(Exception):
    code: ErrorCode  # stable and machine-readable, the same in Node
    error_class: ErrorCode  # the `error_class` a failed call with this error is logged under (= code)

class CanonicalError(TooltrailError):
    kind: ErrorKind
    path: str  # JSON path of the offending value, e.g. "$.filters[3]"
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
    budget: str  # the budget's config key, e.g. "max_tool_calls"
    stop_reason: StopReason

class LoopDetectedError(TooltrailError, RuntimeError):
    tool: str

class InvalidArgumentError(TooltrailError, ValueError): ...

RunError = InvalidArgumentError  # the older name, kept as an alias

class QueryError(TooltrailError, ValueError): ...

class UnknownRunError(QueryError, LookupError):
    run_id: str
class SnapshotMismatchError(TooltrailError, AssertionError):
    path: str  # the snapshot file
class InternalError(TooltrailError, RuntimeError): ...

# Canonical JSON. `key`: str (UTF-8) or bytes; HMAC-SHA256 with it.

_DETERMINISTIC_START: str
_UPDATE_SNAPSHOTS_ENV: str

def stable_hash(obj: object, key: str | bytes | bytearray | memoryview | None = None) -> str: ...
def stable_hash_json(text: str | bytes, key: str | bytes | bytearray | memoryview | None = None) -> str: ...
def canonical_json(obj: object) -> str: ...
def canonical_json_text(text: str | bytes) -> str: ...
def redact(obj: object, redact_fields: list[str] | None = None) -> Any: ...
def _mcp_error_class(code: int, message: str) -> str: ...
def _mcp_result_error(result: Any) -> str | None: ...
def _mcp_refusal(err: BaseException) -> tuple[int, str, dict[str, str]]: ...

# Queries and the CLI (wrapped by _logs.py and _cli.py).

def query(path: str, command: str, options: dict[str, Any] | None = None) -> tuple[Any, str | None]: ...
def cli_main(argv: list[str]) -> int: ...

# Test helpers (wrapped by testing.py; docs/testing.md).

def recorded(writer: EventWriter, command: str, options: dict[str, Any] | None = None) -> Any: ...
def recorder_clear(writer: EventWriter) -> None: ...
def deterministic_start_us(value: bool | str | None) -> int | None: ...

# W3C trace context.

def traceparent(trace_id: str, span_id: str, sampled: bool = True) -> str: ...
def parse_traceparent(header: str) -> tuple[str, str, bool] | None: ...

# Configuration: a validated config (opaque to Python).

@final
class Config: ...

def load_config(config: str | bytes | PathLike[str] | PathLike[bytes] | Mapping[str, Any] | Config) -> Config: ...
def _wait_for_dropped(timeout: float) -> bool: ...
def _first_warning(kind: str, detail: str) -> str | None: ...
def _reset_warnings() -> None: ...

_ConfigLike = str | bytes | PathLike[str] | PathLike[bytes] | dict[str, Any] | Config | None

@disjoint_base
class EventWriter:
    def __new__(
        cls,
        path: str | bytes | PathLike[str] | PathLike[bytes] | None = None,
        *,
        sink: Literal["file", "stdout", "memory"] | None = None,
        queue_events: int | None = None,
        queue_bytes: int | None = None,
        batch_events: int | None = None,
        batch_bytes: int | None = None,
        flush_interval: float | None = None,
        overflow: Literal["drop", "block"] | None = None,
        block_timeout: float | None = None,
        close_timeout: float | None = None,
        max_file_bytes: int | None = None,
        max_files: int | None = None,
        run_index: bool | None = None,
        config: _ConfigLike = None,
    ) -> Self: ...
    def event(self, name: str, fields: dict[str, Any] | None = None) -> bool: ...
    def flush(self, timeout: float | None = None, *, export: bool = True) -> bool: ...
    def close(self, timeout: float | None = None) -> bool: ...
    @property
    def closed(self) -> bool: ...
    def stats(self) -> WriterStats: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, _exc_type: object, _exc: object, _tb: object) -> bool: ...

@final
class RunCtx:
    def __new__(
        cls,
        run_id: str | None = None,
        trace_id: str | None = None,
        user_id: str | None = None,
        request_id: str | None = None,
        *,
        parent_span_id: str | None = None,
        traceparent: str | None = None,
        agent_id: str | None = None,
    ) -> Self: ...
    @property
    def run_id(self) -> str | None: ...
    @property
    def trace_id(self) -> str | None: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def request_id(self) -> str | None: ...
    @property
    def parent_span_id(self) -> str | None: ...
    @property
    def agent_id(self) -> str | None: ...
    def traceparent(self) -> str | None: ...

@final
class _Call:
    """An in-flight call, handed from `_begin` to `_finish_*`."""

    @property
    def span_id(self) -> str | None: ...
    @property
    def seq(self) -> int | None: ...
    @property
    def tool(self) -> str: ...

@final
class JsonArgs:
    """A tool call's arguments as JSON text, as the model sent them."""

    def __new__(cls, text: str) -> Self: ...
    @property
    def text(self) -> str: ...

@disjoint_base
class ToolGateway:
    def __new__(
        cls,
        *,
        impls: dict[str, Tool],
        logger: Logger | None = None,
        config: _ConfigLike = None,
        validators: dict[str, Callable[[Any], object]] | None = None,
        on_alert: Callable[[dict[str, Any]], object] | None = None,
        _deterministic: int | None = None,  # tests: a fixed clock starting at this many µs
        timeouts: dict[str, float] | None = None,  # seconds; a call returning later is marked
        strict: bool = False,  # refuse a call with no run and no ctx instead of an implicit run
    ) -> Self: ...
    @property
    def strict(self) -> bool: ...
    def call(self, ctx: CtxLike | None, name: str, args: Any) -> Any: ...
    def redact(self, obj: object) -> Any: ...
    def metrics(self) -> dict[str, Any]: ...
    def check_alerts(self) -> None: ...
    def incident_window(self, minutes: float | None = None, *, seconds: float | None = None) -> str: ...
    # For the Python layer (acall, Run):
    def _begin(
        self,
        ctx: CtxLike,
        name: str,
        args: Any,
        call_id: str | None = None,
        outer: tuple[str, str] | None = None,
        started_us: int | None = None,
    ) -> tuple[_Call, Tool]: ...
    def _finish_ok(self, call: _Call, result: object) -> None: ...
    def _finish_err(self, call: _Call, error: BaseException) -> None: ...
    def _finish_checked(self, call: _Call, result: object) -> bool: ...
    def _implicit_run(self) -> RunCtx | None: ...
    def _add_tool(self, name: str, tool: Tool) -> None: ...
    def _start_run(
        self, ctx: CtxLike | None = None, parent: RunCtx | None = None, outer: tuple[str, str] | None = None
    ) -> RunCtx: ...
    def _end_run(self, run_id: str, error: BaseException | None = None) -> None: ...
    def _step(self, run_id: str) -> int: ...
    def _add_spend(self, run_id: str, usd: float) -> float: ...
    def _stop_run(self, run_id: str, reason: str) -> None: ...
    def _model_begin(self, run_id: str) -> int: ...
    def _model_call(
        self,
        run_id: str,
        args: dict[str, Any],
        started_us: int | None = None,
        error: BaseException | None = None,
    ) -> None: ...
    def _advance_clock(self, us: int) -> None: ...
