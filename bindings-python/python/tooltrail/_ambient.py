"""Ambient context: the current run and the current tool call (`contextvars`),
calls without a ctx, and the wrappers (`gateway.wrap`, `@gateway.tool`).

See docs/integrations.md. Rules (hashing, ids, budgets) stay in the core: this
module only chooses the context and the argument dict a call is made with.
"""

import inspect
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Optional

from ._native import InvalidArgumentError, MissingIdError, RunCtx, traceparent

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


def ambient_ctx() -> RunCtx:
    """The current run's ctx; with no run, an empty one (the core's id rules
    then decide: `MissingIdError` when run_id is required, the default)."""
    run = _RUN.get()
    return run.ctx if run is not None else RunCtx()


def begin(gateway: "ToolGateway", ctx: Any, name: str, args: Any) -> "tuple[_Call, Any, Any]":
    """`gateway._begin` with the current run's ctx when `ctx` is None."""
    ambient = ctx is None
    if ambient:
        ctx = ambient_ctx()
    try:
        call, tool = gateway._begin(ctx, name, args)
    except MissingIdError as exc:
        if ambient and _RUN.get() is None:
            exc.args = (f"{NO_RUN} ({exc})",)
        raise
    return call, tool, ctx


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
    gateway: "ToolGateway", ctx: Any, name: str, args: Any, body: Optional[Callable[[], Any]]
) -> Any:
    """One call through the gateway (ctx None: the current run's) running
    `body` (None: the registered tool with `args`), the call current meanwhile."""
    call, tool, run_ctx = begin(gateway, ctx, name, args)
    token = _CALL.set(Call(call, run_ctx))
    try:
        result = body() if body is not None else invoke(tool, args)
    except BaseException as exc:
        gateway._finish_err(call, exc)
        raise
    finally:
        _CALL.reset(token)
    gateway._finish_ok(call, result)
    return result


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
