"""OpenAI Agents SDK: a tracing processor that logs what the SDK traces, in
one line (docs/integrations.md, "OpenAI Agents SDK (Python)"):

    from agents import add_trace_processor
    from tooltrail.integrations.openai_agents import TooltrailProcessor

    add_trace_processor(TooltrailProcessor(gateway))

- each agent run (`Runner.run`, `run_streamed`, `run_sync`) outside any
  tooltrail run gets a run of its own, ended when the SDK's trace ends (for
  `run_streamed`, when its stream has been consumed); inside a run
  (`with gateway.run(...)`) its calls join that run, which stays open until
  the trace ends, even if the block returned first;
- every tool the agent calls that no wrapper logs: function tools, the
  tools of `Agent(mcp_servers=[...])` (`mcp_data` names the server),
  timed from the span's start to its end; a failure is `ToolError` with
  the message the SDK traced (wrap the tools with `instrument` as well to
  get the exception's own class, HTTP statuses and budgets that refuse);
- every model call the SDK traces (`generation` and `response` spans):
  a `model_call` with the model and the usage the provider reported.

A failure inside tooltrail never reaches the agent: each callback catches
its own errors and says so once per process.
"""

import functools
import json
from contextvars import Token
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from .. import _ambient
from .._native import JsonArgs
from . import Outcome, outcome, register, wrapped_tools

if TYPE_CHECKING:
    from .. import Run, ToolGateway

# Spans whose tool call a wrapper (`instrument`) logged: not logged twice.
_WRAPPED_SPANS: "set[str]" = set()


def mark_current_span() -> None:
    """Called by the wrappers: the current span's tool call is logged."""
    try:
        from agents.tracing import get_current_span
    except ImportError:  # pragma: no cover - the SDK is there when wrapping
        return
    span = get_current_span()
    if span is not None and span.span_id:
        _WRAPPED_SPANS.add(span.span_id)


_FOLLOWS = "__tooltrail_follows_streams__"


def follow_streamed_runs() -> None:
    """Makes `Runner.run_streamed` started inside a tooltrail run keep that
    run open until the stream's task is done (consumed, failed or
    cancelled): the agent loop runs in a task that starts only after
    `run_streamed` returns, often after the `with gateway.run(...)` block
    has ended. Patches the SDK's runner once (idempotent)."""
    from agents.run import AgentRunner

    original = AgentRunner.run_streamed
    if getattr(original, _FOLLOWS, False):
        return

    @functools.wraps(original)
    def run_streamed(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        run = _ambient.current_run()
        task = getattr(result, "run_loop_task", None)
        if run is not None and task is not None and not task.done():
            run._hold()
            task.add_done_callback(lambda _: run._release())
        return result

    setattr(run_streamed, _FOLLOWS, True)
    runner: Any = AgentRunner
    runner.run_streamed = run_streamed


class TooltrailProcessor:
    """An OpenAI Agents `TracingProcessor` writing to `gateway` (see the module)."""

    def __init__(self, gateway: "ToolGateway") -> None:
        follow_streamed_runs()
        self._gateway = gateway
        # trace id -> (the run it opened or holds, whether it opened it, token)
        self._traces: dict[str, tuple[Run, bool, Optional[Token[Any]]]] = {}
        # span id -> how its call ends
        self._calls: dict[str, _ambient.Ending] = {}
        self._known: set[str] = set()

    # -- traces: one run per agent run ------------------------------------

    def on_trace_start(self, trace: Any) -> None:
        self._safely(self._trace_start, trace)

    def on_trace_end(self, trace: Any) -> None:
        self._safely(self._trace_end, trace)

    def _trace_start(self, trace: Any) -> None:
        run = _ambient.current_run()
        if run is not None:
            run._hold()  # the trace may outlive the block (a stream)
            self._traces[trace.trace_id] = (run, False, None)
            return
        opened = _ambient.open_implicit_run(self._gateway)
        if opened is None:
            return
        # Current for the rest of the agent run (its tasks copy the context).
        token = _ambient._RUN.set(opened)
        self._traces[trace.trace_id] = (opened, True, token)

    def _trace_end(self, trace: Any) -> None:
        entry = self._traces.pop(trace.trace_id, None)
        if entry is None:
            return
        run, opened, token = entry
        if not opened:
            run._release()
            return
        if token is not None:
            try:
                _ambient._RUN.reset(token)
            except ValueError:  # ended in another context than started
                pass
        run._close(None)

    # -- spans: tool calls and model calls ----------------------------------

    def on_span_start(self, span: Any) -> None:
        self._safely(self._span_start, span)

    def on_span_end(self, span: Any) -> None:
        self._safely(self._span_end, span)

    def _span_start(self, span: Any) -> None:
        data = span.span_data
        # A tool a wrapper logs, or whose arguments are traced only at its
        # end (an MCP server's), is decided when the span ends.
        if getattr(data, "type", None) != "function" or self._wrapped(data.name) or data.input is None:
            return
        self._calls[span.span_id] = self._begin(data)

    def _span_end(self, span: Any) -> None:
        data = span.span_data
        kind = getattr(data, "type", None)
        if kind == "function":
            wrapped = span.span_id in _WRAPPED_SPANS
            _WRAPPED_SPANS.discard(span.span_id)
            end = self._calls.pop(span.span_id, None)
            if end is None and not wrapped:
                # Dated and timed from the span's start.
                end = self._begin(data, _epoch_us(span.started_at))
            if end is not None:
                self._finish(end, span)
        elif kind in ("generation", "response"):
            self._model_call(span)
            if kind == "response":
                self._hosted_calls(span)

    def _wrapped(self, name: str) -> bool:
        # Tools `instrument` wraps are logged by the wrapper, with the
        # exception's own class; the span only fills in what it missed.
        return name in wrapped_tools(self._gateway)

    def _begin(self, data: Any, started_us: Optional[int] = None) -> "_ambient.Ending":
        name = data.name
        if name not in self._known:
            register(self._gateway, name, "OpenAI Agents", wrapped=False)
            self._known.add(name)
        text = data.input
        args: Any = JsonArgs(text or "{}") if isinstance(text, str) else {}
        call, _, _, implicit = _ambient.begin(self._gateway, None, name, args, None, started_us)
        return _ambient.Ending(self._gateway, call, implicit, True)

    def _finish(self, end: "_ambient.Ending", span: Any) -> None:
        error = span.error
        if error:
            data = error.get("data") or {}
            detail = data.get("error") if isinstance(data, dict) else None
            message = str(detail or error.get("message") or "")
            # Text that is not a JSON object never reached the tool: the SDK
            # refused it (the core's hash has its args_error already).
            refused = not _json_object(span.span_data.input)
            end.err(outcome("invalid_arguments" if refused else "ToolError")(message))
        else:
            end.ok(span.span_data.output)

    def _model_call(self, span: Any) -> None:
        run = _ambient.current_run()
        if run is None:
            return
        data = span.span_data
        model = getattr(data, "model", None)
        usage = getattr(data, "usage", None)
        response = getattr(data, "response", None)
        if response is not None:  # a Responses API span
            model = model or getattr(response, "model", None)
            usage = getattr(response, "usage", None)
        usage = _as_dict(usage)
        started, ended = _epoch_us(span.started_at), _epoch_us(span.ended_at)
        latency = (ended - started) / 1000 if started is not None and ended is not None else None
        run.model_call(
            str(model or "unknown"),
            provider="openai",
            latency_ms=latency,
            ok=not span.error,
            error_class=None if not span.error else "ModelError",
            usage=usage,
        )

    def _hosted_calls(self, span: Any) -> None:
        """The tools the provider ran during the model call (web search, file
        search, code interpreter, hosted MCP servers, ...): each output item
        of theirs is a call, named for the tool, with the item's id as
        `call_id`; it failed when its status says so. Their time is the
        model call's, so they are logged with no latency of their own."""
        response = getattr(span.span_data, "response", None)
        for item in getattr(response, "output", None) or ():
            kind = getattr(item, "type", "")
            if not kind.endswith("_call") or kind in ("function_call", "custom_tool_call"):
                continue  # function tools: their own spans
            if kind == "mcp_call":
                name, args = str(item.name), JsonArgs(item.arguments or "{}")
            else:
                name, args = kind[: -len("_call")], _hosted_args(item)
            if name not in self._known:
                register(self._gateway, name, "OpenAI Agents (hosted)", wrapped=False)
                self._known.add(name)
            call, _, _, implicit = _ambient.begin(self._gateway, None, name, args, getattr(item, "id", None))
            end = _ambient.Ending(self._gateway, call, implicit, True)
            error = getattr(item, "error", None)
            status = getattr(item, "status", None)
            if error or status in ("failed", "incomplete"):
                end.err(outcome("ToolError")(str(error or f"the hosted tool ended {status}")))
            else:
                end.ok(None)

    def _safely(self, step: Any, arg: Any) -> None:
        try:
            step(arg)
        except Outcome:
            pass
        except Exception as err:  # never reaches the agent
            _ambient.warn_once("logger_failed", f"{type(err).__name__}: {err}")

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


def _hosted_args(item: Any) -> Any:
    """What a hosted tool was asked: its `action` (web search, computer,
    shell), else its queries or code."""
    for attr in ("action", "queries", "code"):
        value = getattr(item, attr, None)
        if value is not None:
            dump = getattr(value, "model_dump", None)
            return {attr: dump(mode="json", exclude_none=True) if dump is not None else value}
    return {}


def _epoch_us(iso: Any) -> Optional[int]:
    """A span's ISO timestamp in µs since the epoch."""
    if not isinstance(iso, str):
        return None
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return int(at.timestamp() * 1_000_000)


def _json_object(text: Any) -> bool:
    """Whether the traced arguments are a JSON object (or not traced)."""
    if not isinstance(text, str) or text == "":
        return True
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _as_dict(usage: Any) -> "Optional[dict[str, Any]]":
    """A span's usage as plain data (OpenAI's objects are pydantic models);
    the core reads the token counts from it."""
    plain = _plain(usage)
    return plain if isinstance(plain, dict) else None


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return None  # not usage data
