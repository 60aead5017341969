"""Ambient context: the current run and the current tool call (`contextvars`),
calls without a ctx (under the current run, else an implicit one), streamed
results (generators), tooltrail's own warnings, and the wrappers
(`gateway.wrap`, `@gateway.tool`).

See docs/integrations.md. Rules (hashing, ids, budgets) stay in the core: this
module only chooses the context and the argument dict a call is made with.
"""

import asyncio
import inspect
import sys
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Optional

from ._native import InvalidArgumentError, MissingIdError, RunCtx, _first_warning, traceparent

if TYPE_CHECKING:
    from . import Run, ToolGateway
    from ._native import _Call


class Call:
    """The tool call in progress (`tooltrail.current_call()` inside a tool run
    through a wrapper, a call without a ctx, or `acall`)."""

    __slots__ = ("tool", "seq", "span_id", "_ctx")

    def __init__(self, call: "_Call", ctx: Any) -> None:
        # The call's own ids now (they leave the handle when it finishes);
        # the run's are read from its ctx (a RunCtx, or a dict the core
        # accepted) when asked.
        self.tool: str = call.tool
        self.seq: Optional[int] = call.seq
        self.span_id: Optional[str] = call.span_id
        self._ctx = ctx

    def _run_ctx(self) -> RunCtx:
        if not isinstance(self._ctx, RunCtx):
            self._ctx = _as_run_ctx(self._ctx)
        return self._ctx

    @property
    def run_id(self) -> Optional[str]:
        return self._run_ctx().run_id

    @property
    def trace_id(self) -> Optional[str]:
        return self._run_ctx().trace_id

    @property
    def request_id(self) -> Optional[str]:
        return self._run_ctx().request_id

    @property
    def user_id(self) -> Optional[str]:
        return self._run_ctx().user_id

    def traceparent(self, sampled: bool = True) -> Optional[str]:
        """A W3C `traceparent` for the tool's outgoing requests: the trace's id
        and this call's span as the parent (None unless both are W3C ids)."""
        if self.trace_id is None or self.span_id is None:
            return None
        try:
            return traceparent(self.trace_id, self.span_id, sampled)
        except InvalidArgumentError:
            return None

    def __repr__(self) -> str:
        return f"Call(tool={self.tool!r}, seq={self.seq}, run_id={self.run_id!r}, span_id={self.span_id!r})"


_RUN: "ContextVar[Optional[Run]]" = ContextVar("tooltrail.run", default=None)
_CALL: "ContextVar[Optional[Call]]" = ContextVar("tooltrail.call", default=None)

NO_RUN = (
    "no current run: call inside `with gateway.run(...)` (or a function from `run.wrap`), "
    "or pass a ctx"
)


def current_run() -> "Optional[Run]":
    """The run whose scope is active in this context, or None."""
    return _RUN.get()


def current_call() -> Optional[Call]:
    """The tool call in progress in this context, or None."""
    return _CALL.get()


def outer_call() -> "Optional[tuple[str, str]]":
    """The call in progress here as (run id, span id), for the core to link
    a call or a run started inside it; None outside a call."""
    call = _CALL.get()
    if call is None or call.span_id is None or call.run_id is None:
        return None
    return call.run_id, call.span_id


class TooltrailWarning(RuntimeWarning):
    """What tooltrail says about itself, each kind once per process: a call
    logged under an implicit run, a logger or alert callback that failed."""


def warn(message: str) -> None:
    """Gives one of tooltrail's warnings (the core decided it is the first of
    its kind). A filter that turns it into an error cannot break the call:
    then it goes to stderr."""
    try:
        warnings.warn(message, TooltrailWarning, stacklevel=3)
    except Exception:
        sys.stderr.write(message + "\n")


def warn_once(kind: str, detail: str = "") -> None:
    """Warning `kind` (`implicit_run`, `logger_failed`, `alert_callback_failed`),
    the first time in the process only."""
    message = _first_warning(kind, detail)
    if message is not None:
        warn(message)


class Ending:
    """What ends with a call: the call itself and, when the call opened one,
    its implicit run. `checked`: a framework adapter's call, whose returned
    error results (the core's rule) are logged as failures."""

    __slots__ = ("gateway", "call", "run", "checked")

    def __init__(self, gateway: "ToolGateway", call: "_Call", run: "Optional[Run]", checked: bool) -> None:
        self.gateway = gateway
        self.call = call
        self.run = run
        self.checked = checked

    def ok(self, result: Any) -> None:
        try:
            if self.checked:
                self.gateway._finish_checked(self.call, result)
            else:
                self.gateway._finish_ok(self.call, result)
        except BaseException as exc:  # a rejected result (validator)
            self.end_run(exc)
            raise
        self.end_run(None)

    def err(self, exc: BaseException) -> None:
        self.gateway._finish_err(self.call, exc)
        self.end_run(exc)

    def end_run(self, exc: Optional[BaseException]) -> None:
        run, self.run = self.run, None
        if run is not None:
            run._close(exc)


def begin(
    gateway: "ToolGateway", ctx: Any, name: str, args: Any, call_id: Optional[str] = None,
    started_us: Optional[int] = None,
) -> "tuple[_Call, Any, Any, Optional[Run]]":
    """`gateway._begin` with the current run's ctx when `ctx` is None; with
    no current run either, under an implicit run (returned: it ends with the
    call) unless the ids are optional, or refused on a strict gateway. The
    call in progress here and `call_id` (the framework's id of the call) go
    to the core, which links them; `started_us`: when a call logged after
    the fact (a traced span) started."""
    implicit: Optional[Run] = None
    if ctx is None:
        run = _RUN.get()
        if run is not None:
            ctx = run.ctx
        else:
            ctx, implicit = _open_implicit(gateway)
    try:
        call, tool = gateway._begin(ctx, name, args, call_id, outer_call(), started_us)
    except BaseException as exc:
        if implicit is not None:
            implicit._close(exc)
        raise
    return call, tool, ctx, implicit


def open_implicit_run(gateway: "ToolGateway") -> "Optional[Run]":
    """An implicit run for a framework invocation an adapter sees with no
    current run (`Runner.run`); None when the ids are optional or the
    gateway is strict: then each call decides, as without the adapter."""
    try:
        _, run = _open_implicit(gateway)
    except MissingIdError:
        return None
    return run


def _open_implicit(gateway: "ToolGateway") -> "tuple[RunCtx, Optional[Run]]":
    """The core decides: no run needed (optional ids), `missing_id` (strict),
    or an implicit run (`run_start.implicit`, one warning per process)."""
    try:
        opened = gateway._implicit_run()
    except MissingIdError as exc:
        exc.args = (f"{NO_RUN} ({exc})",)
        raise
    if opened is None:
        return RunCtx(), None
    warn_once("implicit_run")
    from . import Run

    run = Run(gateway, opened)
    run.ctx = opened
    return opened, run


def settle(end: Ending, result: Any, current: Call) -> Any:
    """Ends the call with `result`; a generator or async generator is
    returned wrapped instead, and the call ends when it is exhausted, raises
    or is closed (timed and classified to completion)."""
    if inspect.isgenerator(result):
        return _follow(end, result, current)
    if inspect.isasyncgen(result):
        return _afollow(end, result, current)
    end.ok(result)
    return result


def follow_call(gateway: "ToolGateway", call: "_Call", ctx: Any, result: Any) -> Any:
    """A generator returned by a tool run through `gateway.call(ctx, ...)`
    (the native path): logged when it ends."""
    return settle(Ending(gateway, call, None, False), result, Call(call, ctx))


def _closed_early() -> BaseException:
    # A consumer that stops iterating cancelled the rest of the stream.
    return asyncio.CancelledError("the stream was closed before its end")


def _steps(var: "ContextVar[Any]", value: Any, gen: "Iterator[Any]") -> "Generator[Any, Any, None]":
    """The items of `gen`, with `var` set to `value` while each is computed."""
    while True:
        token = var.set(value)
        try:
            item = next(gen)
        except StopIteration:
            return
        finally:
            var.reset(token)
        yield item


async def _asteps(var: "ContextVar[Any]", value: Any, agen: "AsyncIterator[Any]") -> "AsyncGenerator[Any, None]":
    """The async `_steps`."""
    while True:
        token = var.set(value)
        try:
            item = await agen.__anext__()
        except StopAsyncIteration:
            return
        finally:
            var.reset(token)
        yield item


def _follow(end: Ending, gen: "Generator[Any, Any, Any]", current: Call) -> "Generator[Any, Any, Any]":
    last = None
    try:
        for item in _steps(_CALL, current, gen):
            last = item
            yield item
    except GeneratorExit:
        gen.close()
        end.err(_closed_early())
        raise
    except BaseException as exc:
        end.err(exc)
        raise
    end.ok(last)


async def _afollow(end: Ending, agen: "AsyncGenerator[Any, Any]", current: Call) -> "AsyncGenerator[Any, Any]":
    last = None
    try:
        async for item in _asteps(_CALL, current, agen):
            last = item
            yield item
    except GeneratorExit:
        await agen.aclose()
        end.err(_closed_early())
        raise
    except BaseException as exc:
        end.err(exc)
        raise
    end.ok(last)


def _as_run_ctx(ctx: Any) -> RunCtx:
    # A dict ctx the core accepted (in `_begin`): its ids for `Call`.
    get = ctx.get
    return RunCtx(
        get("run_id"), get("trace_id"), get("user_id"), get("request_id"),
        parent_span_id=get("parent_span_id"), traceparent=get("traceparent"),
    )


def invoke(tool: Callable[..., Any], args: Any) -> Any:
    """Calls `tool` the way `gateway.call` does: a dict as keyword arguments,
    a list or tuple as positional ones, anything else as the one argument."""
    if isinstance(args, dict):
        return tool(**args)
    if isinstance(args, (list, tuple)):
        return tool(*args)
    return tool(args)


def ambient_call(gateway: "ToolGateway", name: str, args: Any) -> Any:
    """`gateway.call(None, name, args)`: under the current run, with the call
    current while the tool runs."""
    return call_sync(gateway, None, name, args, None)


def call_sync(
    gateway: "ToolGateway", ctx: Any, name: str, args: Any, body: Optional[Callable[[], Any]],
    checked: bool = False, call_id: Optional[str] = None,
) -> Any:
    """One call through the gateway (ctx None: the current run's, else an
    implicit run's) running `body` (None: the registered tool with `args`),
    the call (and an implicit run) current meanwhile."""
    call, tool, run_ctx, implicit = begin(gateway, ctx, name, args, call_id)
    end = Ending(gateway, call, implicit, checked)
    current = Call(call, run_ctx)
    token = _CALL.set(current)
    run_token = _RUN.set(implicit) if implicit is not None else None
    try:
        result = body() if body is not None else invoke(tool, args)
    except BaseException as exc:
        end.err(exc)
        raise
    finally:
        if run_token is not None:
            _RUN.reset(run_token)
        _CALL.reset(token)
    return settle(end, result, current)


def passed_args(sig: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The args dict a wrapped call is hashed and logged with: what the caller
    passed, by parameter name (defaults are not applied; `*args` becomes a
    list under its name; `**kwargs` members join the top level), so that
    `f("x", limit=5)` hashes as `gateway.call(ctx, "f", {"query": "x", "limit": 5})`
    and as Node's `f({ query: "x", limit: 5 })`. Raises TypeError when the
    arguments do not fit the signature, as calling the function would."""
    bound = sig.bind(*args, **kwargs)
    out: dict[str, Any] = {}
    for pname, value in bound.arguments.items():
        kind = sig.parameters[pname].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            out[pname] = list(value)
        else:
            out[pname] = value
    return out


def follow_stream(run: "Run", stream: Any) -> Any:
    """`Run.follow`: the run held open until `stream` ends."""
    run._hold()
    if hasattr(stream, "__aiter__"):
        return _follow_async(run, stream)
    return _follow_sync(run, stream)


def _follow_sync(run: "Run", stream: Any) -> "Generator[Any, Any, None]":
    try:
        yield from _steps(_RUN, run, iter(stream))
    finally:
        run._release()


async def _follow_async(run: "Run", stream: Any) -> "AsyncGenerator[Any, None]":
    try:
        async for item in _asteps(_RUN, run, stream.__aiter__()):
            yield item
    finally:
        run._release()
