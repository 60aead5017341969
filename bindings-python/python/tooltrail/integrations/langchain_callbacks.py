"""LangChain: a callback handler that logs in one line what a chain, an
agent or a LangGraph graph does, with no tool wrapped (docs/integrations.md,
"LangChain (Python)"):

    handler = TooltrailCallbackHandler(gateway)
    agent.invoke(inputs, config={"callbacks": [handler]})

- each top-level invocation outside any tooltrail run gets a run of its own,
  ended when the invocation ends (a stream: when it has been consumed);
  inside a run (`with gateway.run(...)`) its calls join that run, which
  stays open until the invocation ends;
- every tool call, timed from `on_tool_start` to its end, with the input
  as given (injected arguments left out) and the model's `tool_call_id` as
  `call_id`; a raised exception keeps its own error class (a 429 is
  `rate_limited`), arguments that fail validation are `invalid_arguments`,
  an error `ToolMessage` (`handle_tool_error`) is `ToolError`;
- every chat-model call: a `model_call` with the model, the token usage
  the provider reported (`usage_metadata`) and the tool calls it asked for;
- budgets and the loop guard: a refused model or tool call raises the
  gateway's error out of the invocation (the handler sets `raise_error`).

Tools wrapped with `wrap_tools` for the same gateway are left to the
wrapper (never logged twice). A failure inside tooltrail never reaches the
agent.
"""

import time
from typing import TYPE_CHECKING, Any, Optional
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from .. import _ambient, _model
from .._native import BudgetExceededError, LoopDetectedError
from . import Outcome, outcome, register, wrapped_tools

if TYPE_CHECKING:
    from .. import Run, ToolGateway

_REFUSALS = (BudgetExceededError, LoopDetectedError)


class TooltrailCallbackHandler(BaseCallbackHandler):  # type: ignore[misc]
    """Logs a LangChain invocation's tool and model calls to `gateway`."""

    # Called in the invocation's own context (no thread hop), so the
    # current tooltrail run is visible; refusals must reach the agent.
    run_inline = True
    raise_error = True

    def __init__(self, gateway: "ToolGateway") -> None:
        super().__init__()
        self._gateway = gateway
        self._parents: dict[UUID, Optional[UUID]] = {}
        # root invocation -> (its tooltrail run, whether the handler opened it)
        self._roots: dict[UUID, tuple[Run, bool]] = {}
        self._calls: dict[UUID, _ambient.Ending] = {}
        self._models: dict[UUID, tuple[Run, Optional[int], Optional[str], Optional[str], float]] = {}
        self._known: set[str] = set()

    # -- invocations ---------------------------------------------------------

    def on_chain_start(
        self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: Optional[UUID] = None, **kw: Any
    ) -> None:
        self._parents[run_id] = parent_run_id
        if parent_run_id is None:
            self._safely(self._open_root, run_id)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kw: Any) -> None:
        self._safely(self._close_root, run_id, None)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        self._safely(self._close_root, run_id, error)

    def _open_root(self, run_id: UUID) -> None:
        run = _ambient.current_run()
        if run is not None:
            run._hold()  # a stream may be consumed after the block returned
            self._roots[run_id] = (run, False)
            return
        opened = _ambient.open_implicit_run(self._gateway)
        if opened is not None:
            self._roots[run_id] = (opened, True)

    def _close_root(self, run_id: UUID, error: Optional[BaseException]) -> None:
        self._parents.pop(run_id, None)
        root = self._roots.pop(run_id, None)
        if root is None:
            return
        run, opened = root
        if opened:
            run._close(error)
        else:
            run._release()

    def _run_for(self, run_id: UUID) -> "Optional[Run]":
        """The tooltrail run of the invocation `run_id` belongs to."""
        seen = 0
        node: Optional[UUID] = run_id
        while node is not None and seen < 1000:
            root = self._roots.get(node)
            if root is not None:
                return root[0]
            node = self._parents.get(node)
            seen += 1
        return _ambient.current_run()

    # -- tools ----------------------------------------------------------------

    def on_tool_start(
        self,
        serialized: Any,
        input_str: str,
        *,
        run_id: UUID,
        parent_run_id: Optional[UUID] = None,
        inputs: Optional["dict[str, Any]"] = None,
        tool_call_id: Optional[str] = None,
        **kw: Any,
    ) -> None:
        self._parents[run_id] = parent_run_id
        name = str((serialized or {}).get("name") or kw.get("name") or "tool")
        if name in wrapped_tools(self._gateway):
            return  # the wrapper logs it
        if name not in self._known:
            register(self._gateway, name, "LangChain", wrapped=False)
            self._known.add(name)
        args = dict(inputs) if isinstance(inputs, dict) else {"input": input_str}
        run = self._run_for(run_id)
        try:
            call, _, _, implicit = _ambient.begin(
                self._gateway, run.ctx if run is not None else None, name, args,
                tool_call_id if isinstance(tool_call_id, str) else None,
            )
        except _REFUSALS:
            raise  # the budget or the loop guard stops the agent here
        except Exception as err:
            _ambient.warn_once("logger_failed", f"{type(err).__name__}: {err}")
            return
        self._calls[run_id] = _ambient.Ending(self._gateway, call, implicit, True)

    def on_tool_end(self, output: Any, *, run_id: UUID, **kw: Any) -> None:
        self._parents.pop(run_id, None)
        end = self._calls.pop(run_id, None)
        if end is None:
            return
        if getattr(output, "status", None) == "error":  # handle_tool_error / handle_validation_error
            self._safely(end.err, outcome("ToolError")(str(getattr(output, "content", output))))
        else:
            self._safely(end.ok, getattr(output, "content", output))

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        self._parents.pop(run_id, None)
        end = self._calls.pop(run_id, None)
        if end is None:
            return
        if _is_validation_error(error):
            error = outcome("invalid_arguments")(str(error))
        self._safely(end.err, error)

    # -- models ---------------------------------------------------------------

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: UUID, parent_run_id: Optional[UUID] = None,
        metadata: Optional["dict[str, Any]"] = None, **kw: Any,
    ) -> None:
        self._model_start(run_id, parent_run_id, metadata)

    def on_llm_start(
        self, serialized: Any, prompts: Any, *, run_id: UUID, parent_run_id: Optional[UUID] = None,
        metadata: Optional["dict[str, Any]"] = None, **kw: Any,
    ) -> None:
        self._model_start(run_id, parent_run_id, metadata)

    def _model_start(self, run_id: UUID, parent_run_id: Optional[UUID], metadata: Any) -> None:
        self._parents[run_id] = parent_run_id
        run = self._run_for(run_id)
        if run is None:
            return
        meta = metadata if isinstance(metadata, dict) else {}
        try:
            # Refused when the run is over its spend, token or duration budget.
            started = run._gateway._model_begin(run.run_id)
        except _REFUSALS:
            raise
        except Exception as err:
            _ambient.warn_once("logger_failed", f"{type(err).__name__}: {err}")
            return
        self._models[run_id] = (run, started, meta.get("ls_model_name"), meta.get("ls_provider"), time.perf_counter())

    def on_llm_end(self, response: Any, *, run_id: UUID, **kw: Any) -> None:
        self._parents.pop(run_id, None)
        started = self._models.pop(run_id, None)
        if started is not None:
            self._safely(self._model_end, started, response, None)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        self._parents.pop(run_id, None)
        started = self._models.pop(run_id, None)
        if started is not None:
            self._safely(self._model_end, started, None, error)

    def _model_end(self, started: Any, response: Any, error: Optional[BaseException]) -> None:
        run, began, model, provider, _ = started
        usage: dict[str, Any] = {}
        message = _first_message(response)
        if message is not None:
            meta = getattr(message, "response_metadata", None) or {}
            model = meta.get("model_name") or meta.get("model") or model
            tokens = getattr(message, "usage_metadata", None)
            if isinstance(tokens, dict):
                usage["usage"] = dict(tokens)  # the core reads the counts
            reason = meta.get("finish_reason") or meta.get("stop_reason")
            if isinstance(reason, str):
                usage["finish_reason"] = reason
            asked = getattr(message, "tool_calls", None) or ()
            calls = [{"name": c.get("name"), "call_id": c.get("id")} for c in asked]
            if calls:
                usage["tool_calls"] = calls
        args = _model.model_args(str(model or "unknown"), provider, usage)
        try:
            run._gateway._model_call(run.run_id, args, began, error)
        except _REFUSALS:
            pass  # recorded; the next call is the one refused

    def _safely(self, step: Any, *args: Any) -> None:
        try:
            step(*args)
        except Outcome:
            pass
        except _REFUSALS:
            pass
        except Exception as err:  # never reaches the agent
            _ambient.warn_once("logger_failed", f"{type(err).__name__}: {err}")


def _is_validation_error(error: BaseException) -> bool:
    """Pydantic's ValidationError: LangChain's check of the arguments."""
    return any(c.__name__ == "ValidationError" and c.__module__.startswith("pydantic") for c in type(error).__mro__)


def _first_message(response: Any) -> Any:
    for generations in getattr(response, "generations", None) or ():
        for gen in generations:
            message = getattr(gen, "message", None)
            if message is not None:
                return message
    return None
