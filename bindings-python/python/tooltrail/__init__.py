"""tooltrail: flight-recorder logging for AI agents.

Canonical JSON and `stable_hash` (byte-identical with the Node package) and the
non-blocking `EventWriter`. Everything is implemented in the Rust core; this
package re-exports it and installs the writer's exit/fork/signal hooks.
"""

import asyncio
import functools
import inspect
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from contextvars import Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, TypeVar, Union, cast, overload

from . import _ambient, _lifecycle, _model
from ._ambient import Call, TooltrailWarning, current_call, current_run
from ._logs import IncompleteLogWarning, Logs, agent_logs, agent_metrics
from ._model import ModelStep
from ._native import (
    ERROR_CLASSES,
    ERROR_CODES,
    ERROR_KINDS,
    STOP_REASONS,
    BudgetExceededError,
    CanonicalError,
    CanonicalTypeError,
    CanonicalValueError,
    Config,
    ConfigError,
    InternalError,
    InvalidArgumentError,
    LoopDetectedError,
    MissingIdError,
    QueryError,
    RunCtx,
    RunError,
    SnapshotMismatchError,
    TooltrailError,
    ToolValidationError,
    UnknownRunError,
    UnknownToolError,
    WriterError,
    __version__,
    canonical_json,
    deterministic_start_us,
    load_config,
    parse_traceparent,
    redact,
    stable_hash,
    stable_hash_json,
    traceparent,
)
from ._native import EventWriter as _NativeEventWriter
from ._native import ToolGateway as _NativeToolGateway
from ._types import AgentLogEntry as AgentLogEntry
from ._types import AgentMetrics as AgentMetrics

# Type names for annotations (`X as X`: re-exported under --no-implicit-reexport).
from ._types import CtxLike as CtxLike
from ._types import ErrorClass as ErrorClass
from ._types import ErrorCode as ErrorCode
from ._types import ErrorKind as ErrorKind
from ._types import LogGaps as LogGaps
from ._types import Logger as Logger
from ._types import RunCtxDict as RunCtxDict
from ._types import RunSummary as RunSummary
from ._types import SpendReport as SpendReport
from ._types import StatsReport as StatsReport
from ._types import StopReason as StopReason
from ._types import WriterStats as WriterStats

if TYPE_CHECKING:
    from ._native import _ConfigLike

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class EventWriter(_NativeEventWriter):
    """Non-blocking, batched JSONL event writer (the `logger` protocol:
    `.event(name, fields)`). Flushed automatically at interpreter exit, on
    SIGTERM/SIGINT without an app handler, before `fork` and in
    `multiprocessing` children. See docs/writer.md."""

    # The constructor's parameters are the native `__new__`'s (typed in
    # _native.pyi); hidden from type checkers so they use that signature.
    if not TYPE_CHECKING:

        def __init__(self, *args, **kwargs) -> None:
            _lifecycle.track(self)


class ToolGateway(_NativeToolGateway):
    """Every tool call goes through here: `tool_call` / `tool_result` events
    with ids, `args_hash`, latency, `ok` and a normalized `error_class`.

    `impls` maps tool names to callables (a dict of args becomes keyword
    arguments); `validators` maps tool names to `f(result)` that returns False
    or raises to reject a result; `timeouts` gives per-tool seconds for
    `acall`; `logger` is any object with `.event(name, fields)` (default: an
    `EventWriter` on `./tooltrail-logs`, exporting to OTLP too when the
    config has `sinks.otlp`); `config` is a YAML path, a dict or a `Config`;
    `deterministic` (tests and replays: True, or an RFC 3339 start time) makes
    ids count up and the clock stand still, so a scenario logs the same bytes
    every time (docs/testing.md). A call with no ctx and no current run runs
    under an implicit run (`run_start.implicit`, one `TooltrailWarning` per
    process); `strict=True` refuses it with `MissingIdError` instead.
    """

    _logger: Logger
    _timeouts: dict[str, float]

    def __new__(
        cls,
        *,
        impls: dict[str, Callable[..., Any]],
        logger: Optional[Logger] = None,
        config: "_ConfigLike" = None,
        validators: Optional[dict[str, Callable[[Any], object]]] = None,
        timeouts: Optional[Mapping[str, float]] = None,
        on_alert: Optional[Callable[[dict[str, Any]], object]] = None,
        deterministic: Union[bool, str, None] = None,
        strict: bool = False,
        _deterministic: Optional[int] = None,
    ) -> "ToolGateway":
        if logger is None:
            if isinstance(config, (str, bytes, os.PathLike)):
                config = load_config(config)  # read the file once, for both
            logger = EventWriter(config=config)
        if deterministic is not None:
            _deterministic = deterministic_start_us(deterministic)
        self = super().__new__(
            cls, impls=impls, logger=logger, config=config, validators=validators, on_alert=on_alert,
            _deterministic=_deterministic, strict=bool(strict),
            timeouts=dict(timeouts) if isinstance(timeouts, Mapping) else timeouts,  # the core checks it
        )
        # Keep the Python writer alive with the gateway: the exit hooks find
        # writers through their Python objects.
        self._logger = logger
        return self

    def __init__(
        self,
        *,
        impls: dict[str, Callable[..., Any]],
        logger: Optional[Logger] = None,
        config: "_ConfigLike" = None,
        validators: Optional[dict[str, Callable[[Any], object]]] = None,
        timeouts: Optional[Mapping[str, float]] = None,
        on_alert: Optional[Callable[[dict[str, Any]], object]] = None,
        deterministic: Union[bool, str, None] = None,
        strict: bool = False,
        _deterministic: Optional[int] = None,
    ) -> None:
        self._timeouts = dict(timeouts or {})

    def run(
        self,
        ctx: Optional[CtxLike] = None,
        *,
        run_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        user_id: Optional[str] = None,
        request_id: Optional[str] = None,
        traceparent: Optional[str] = None,
        agent_id: Optional[str] = None,
    ) -> "Run":
        """A run scope: `with gw.run(...) as run:` (or `async with`). Emits
        `run_start` and `run_end` with the stop reason; missing run and trace
        ids are generated; `traceparent` continues an incoming trace;
        `agent_id` (default: `logging.agent_id`) is written on each of the
        run's events."""
        if ctx is None:
            ctx = RunCtx(run_id, trace_id, user_id, request_id, traceparent=traceparent, agent_id=agent_id)
        return Run(self, ctx)

    async def acall(
        self, ctx: Optional[CtxLike], name: str, args: Any, *, timeout: Optional[float] = None
    ) -> Any:
        """`call` for coroutine tools (sync tools work too). The result is
        logged when the coroutine finishes; `timeout` (or the tool's entry in
        `timeouts`) cancels it and logs `error_class: timeout`. `ctx` None:
        the current run's (`tooltrail.current_run()`), else an implicit run.
        A generator or async generator result is returned wrapped: the call
        is logged when it is exhausted, raises or is closed."""
        return await self._acall(ctx, name, args, None, timeout)

    async def _acall(
        self,
        ctx: Optional[CtxLike],
        name: str,
        args: Any,
        body: Optional[Callable[[], Any]],
        timeout: Optional[float],
        checked: bool = False,
        call_id: Optional[str] = None,
    ) -> Any:
        call, tool, run_ctx, implicit = _ambient.begin(self, ctx, name, args, call_id)
        end = _ambient.Ending(self, call, implicit, checked)
        limit = timeout if timeout is not None else self._timeouts.get(name)
        current = Call(call, run_ctx)
        token = _ambient._CALL.set(current)
        run_token = _ambient._RUN.set(implicit) if implicit is not None else None
        try:
            result = body() if body is not None else _ambient.invoke(tool, args)
            if inspect.isawaitable(result):
                result = await (asyncio.wait_for(result, limit) if limit is not None else result)
        except BaseException as exc:  # CancelledError included: it is logged, then re-raised
            end.err(exc)
            raise
        finally:
            if run_token is not None:
                _ambient._RUN.reset(run_token)
            _ambient._CALL.reset(token)
        return _ambient.settle(end, result, current)

    def wrap(self, fn: F, name: Optional[str] = None) -> F:
        """A function with `fn`'s signature (sync stays sync, async stays
        async) whose calls go through this gateway as tool `name` (default
        `fn.__name__`) under the current run: events, validators, budgets and
        the loop guard apply. The args logged and hashed are what the caller
        passed, by parameter name (docs/integrations.md). A name not in
        `impls` is added, so `gateway.call(ctx, name, args)` runs `fn` too."""
        tool_name = name if name is not None else getattr(fn, "__name__", None)
        if not isinstance(tool_name, str):
            raise TypeError("wrap: give a name for a function without __name__")
        sig = inspect.signature(fn)
        self._add_tool(tool_name, fn)
        gateway = self

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def awrapper(*a: Any, **kw: Any) -> Any:
                args = _ambient.passed_args(sig, a, kw)
                return await gateway._acall(None, tool_name, args, lambda: fn(*a, **kw), None)

            return cast(F, awrapper)

        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            args = _ambient.passed_args(sig, a, kw)
            return _ambient.call_sync(gateway, None, tool_name, args, lambda: fn(*a, **kw))

        return cast(F, wrapper)

    @overload
    def tool(self, fn: F, /) -> F: ...
    @overload
    def tool(self, fn: None = None, /, *, name: Optional[str] = None) -> Callable[[F], F]: ...

    def tool(self, fn: Optional[F] = None, /, *, name: Optional[str] = None) -> Any:
        """Decorator form of `wrap`: `@gateway.tool` or `@gateway.tool(name="x")`."""
        if fn is not None:
            return self.wrap(fn, name)
        return functools.partial(self.wrap, name=name)


class Run:
    """One agent run: calls made through it share the run's ids and budgets.
    Use as `with gateway.run(...) as run:` or `async with`."""

    # Set when the scope is entered (None before: the run starts on entry).
    ctx: RunCtx

    def __init__(self, gateway: ToolGateway, ctx: CtxLike) -> None:
        self._gateway = gateway
        self._requested = ctx
        self.ctx = None  # type: ignore[assignment]  # see `ctx` above
        self._token: Optional[Token[Optional[Run]]] = None
        # Streams started in the run and still being consumed keep it open
        # past its block: `run_end` waits for the last (see `follow`).
        self._holds = 0
        self._ending: Optional[tuple[Optional[BaseException]]] = None

    def _open(self) -> "Run":
        # Inside another run's scope this run is its child (same trace;
        # under the call in progress, if any): the core links them.
        parent = _ambient._RUN.get()
        if parent is not None and parent.ctx is not None:
            self.ctx = self._gateway._start_run(self._requested, parent.ctx, _ambient.outer_call())
        else:
            self.ctx = self._gateway._start_run(self._requested)
        # The run is current in this context (and the tasks it starts).
        self._token = _ambient._RUN.set(self)
        return self

    def _close(self, exc: Optional[BaseException]) -> Literal[False]:
        token, self._token = self._token, None
        if token is not None:
            try:
                _ambient._RUN.reset(token)
            except ValueError:  # exited in another context than entered
                pass
        if self._holds > 0:
            self._ending = (exc,)  # ended by the last stream's release
            return False
        # The core decides how the run ended (a cancellation, by class name).
        self._gateway._end_run(self.run_id, exc)
        return False

    def _hold(self) -> None:
        """Keeps the run open past its block until `_release` (a stream
        started in the run that is still being consumed)."""
        self._holds += 1

    def _release(self) -> None:
        """Ends a `_hold`; the last one ends a run whose block is over."""
        self._holds -= 1
        if self._holds == 0 and self._ending is not None:
            (exc,), self._ending = self._ending, None
            self._gateway._end_run(self.run_id, exc)

    @overload
    def follow(self, stream: "AsyncIterable[T]") -> "AsyncIterator[T]": ...
    @overload
    def follow(self, stream: "Iterable[T]") -> "Iterator[T]": ...

    def follow(self, stream: Any) -> Any:
        """`stream` (an iterable or async iterable the run hands back, e.g. to
        a web framework's streaming response) with the run kept open until
        it is exhausted, fails or is closed: `run_end` comes after its last
        item, the run is current while each item is computed, and budgets
        and the loop guard apply to the calls it makes."""
        return _ambient.follow_stream(self, stream)

    def __enter__(self) -> "Run":
        return self._open()

    def __exit__(
        self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> Literal[False]:
        return self._close(exc)

    async def __aenter__(self) -> "Run":
        return self._open()

    async def __aexit__(
        self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> Literal[False]:
        return self._close(exc)

    # A started run always has both ids (the core generates missing ones).
    @property
    def run_id(self) -> str:
        return cast(str, self.ctx.run_id)

    @property
    def trace_id(self) -> str:
        return cast(str, self.ctx.trace_id)

    def call(self, name: str, args: Any) -> Any:
        """`gateway.call` under this run's context and budgets."""
        return self._gateway.call(self.ctx, name, args)

    async def acall(self, name: str, args: Any, *, timeout: Optional[float] = None) -> Any:
        """`gateway.acall` under this run's context and budgets."""
        return await self._gateway.acall(self.ctx, name, args, timeout=timeout)

    def wrap(self, fn: F) -> F:
        """`fn` running with this run current, wherever it is called: for
        thread pools and callbacks that do not inherit the caller's context
        (`executor.submit(run.wrap(work))`). Sync stays sync, async stays async."""
        run = self
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def awrapper(*a: Any, **kw: Any) -> Any:
                token = _ambient._RUN.set(run)
                try:
                    return await fn(*a, **kw)
                finally:
                    _ambient._RUN.reset(token)

            return cast(F, awrapper)

        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            token = _ambient._RUN.set(run)
            try:
                return fn(*a, **kw)
            finally:
                _ambient._RUN.reset(token)

        return cast(F, wrapper)

    def step(self) -> int:
        """Marks one agent step; raises BudgetExceededError past max_steps."""
        return self._gateway._step(self.run_id)

    def add_spend(self, usd: float) -> float:
        """Adds spend in USD (model tokens, paid APIs); returns the run's total.
        A non-number is a TypeError; a negative or non-finite one an
        InvalidArgumentError naming `usd`."""
        if isinstance(usd, bool) or not isinstance(usd, (int, float)):
            raise TypeError(f"usd must be a number (int or float), not {type(usd).__name__}")
        return self._gateway._add_spend(self.run_id, float(usd))

    #: Records a model step that ended (see `tooltrail._model.model_call`).
    model_call = _model.model_call

    def model_step(self, model: str, *, provider: Optional[str] = None) -> _model.ModelStep:
        """A timed model call: `with run.model_step(model) as step:` (see ModelStep)."""
        return _model.ModelStep(self, model, provider)

    def stop(self, reason: StopReason) -> None:
        """Sets the run's stop_reason explicitly (the first reason set wins)."""
        self._gateway._stop_run(self.run_id, reason)

    def traceparent(self) -> Optional[str]:
        """A W3C traceparent header for outgoing calls made within this run
        (None if the run's trace id is not a W3C id)."""
        return self.ctx.traceparent()


__all__ = [
    "Call",
    "current_call",
    "current_run",
    "ERROR_CLASSES",
    "STOP_REASONS",
    "ERROR_KINDS",
    "ERROR_CODES",
    "CanonicalError",
    "CanonicalTypeError",
    "CanonicalValueError",
    "BudgetExceededError",
    "Config",
    "ConfigError",
    "IncompleteLogWarning",
    "InternalError",
    "InvalidArgumentError",
    "LoopDetectedError",
    "ModelStep",
    "Logs",
    "QueryError",
    "Run",
    "RunError",
    "MissingIdError",
    "RunCtx",
    "SnapshotMismatchError",
    "ToolGateway",
    "ToolValidationError",
    "TooltrailWarning",
    "UnknownRunError",
    "UnknownToolError",
    "EventWriter",
    "TooltrailError",
    "WriterError",
    "__version__",
    "agent_logs",
    "agent_metrics",
    "canonical_json",
    "load_config",
    "parse_traceparent",
    "redact",
    "stable_hash",
    "stable_hash_json",
    "traceparent",
]
