"""LangChain (`langchain-core`): tools whose calls go through a tooltrail
gateway, under the current run.

    tools = wrap_tools([search_orders, get_invoice], gateway)
    with gateway.run(request_id="req-1"):
        for call in model.invoke(messages).tool_calls:
            messages.append(tools_by_name[call["name"]].invoke(call))

`invoke` / `ainvoke` (and `run` / `arun`) keep their behaviour: callbacks,
argument validation, `handle_tool_error` / `handle_validation_error`, a
`ToolMessage` for a tool call. The gateway wraps the tool's body (`_run` /
`_arun`), so a raised exception, a `ToolException` included, is logged with its
`error_class` before LangChain handles it as usual. The call is hashed with the
input as given (a tool call's `args`, injected arguments left out; a string
input as `{"input": text}`), not with the values after validation. A budget or
loop-guard refusal raises `ToolException` (the gateway's error as its
`__cause__`), so `handle_tool_error` decides, as for any tool error: the
model reads the message, or it propagates. Tested with langchain-core 1.8.3.
"""

import functools
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Optional, TypeVar, cast

from .._native import BudgetExceededError, LoopDetectedError
from . import Outcome, acall, call, outcome, register

if TYPE_CHECKING:
    from .. import ToolGateway
    from .langchain_callbacks import TooltrailCallbackHandler

T = TypeVar("T")

__all__ = ["TooltrailCallbackHandler", "wrap_tool", "wrap_tools"]


def __getattr__(name: str) -> Any:
    # The handler subclasses LangChain's base class: imported on use, so
    # importing this module does not import langchain-core.
    if name == "TooltrailCallbackHandler":
        from .langchain_callbacks import TooltrailCallbackHandler

        return TooltrailCallbackHandler
    raise AttributeError(name)

_MARK = "__tooltrail_gateway__"

# The input of the call in progress, set by `run` / `arun` and taken by the
# first `_run` / `_arun` below it (a mutable cell: LangChain runs the body in a
# copied context, and `_arun` may run `_run` in a thread): one gateway call per
# tool call, with the input as given.
_PENDING: "ContextVar[Optional[list[tuple[dict[str, Any], Optional[str]]]]]" = ContextVar(
    "tooltrail.langchain.pending", default=None
)


def _arguments(tool: Any, tool_input: Any) -> "dict[str, Any]":
    if isinstance(tool_input, dict):
        # Injected arguments (state, run manager, ...) are not the model's.
        drop_injected = getattr(tool, "_filter_injected_args", None)
        return dict(drop_injected(tool_input) if drop_injected is not None else tool_input)
    return {"input": tool_input}


def _invalid_outcome(why: Any) -> Outcome:
    # The message is the validation error's, or what LangChain answered the
    # model with (`handle_validation_error`).
    content = getattr(why, "content", why)
    return outcome("invalid_arguments")(str(content))


def _invalid(gateway: "ToolGateway", name: str, args: "dict[str, Any]", call_id: Optional[str], why: Any) -> None:
    """Logs a call LangChain refused before its body ran (bad arguments)."""

    def body() -> Any:
        raise _invalid_outcome(why)

    try:
        call(gateway, name, args, body, call_id)
    except Exception:  # the Outcome, or a refusal: LangChain already answered
        pass


async def _ainvalid(
    gateway: "ToolGateway", name: str, args: "dict[str, Any]", call_id: Optional[str], why: Any
) -> None:
    """The async `_invalid`."""

    async def body() -> Any:
        raise _invalid_outcome(why)

    try:
        await acall(gateway, name, args, body, call_id)
    except Exception:  # the Outcome, or a refusal: LangChain already answered
        pass


def _call_id(kw: "dict[str, Any]") -> Optional[str]:
    call_id = kw.get("tool_call_id")
    return call_id if isinstance(call_id, str) else None


class _Started:
    """Whether the tool's body ran: a budget or loop-guard error before it is
    the gateway's refusal; one after it came from the tool itself."""

    yes = False

    def __call__(self, body: Any, a: "tuple[Any, ...]", kw: "dict[str, Any]") -> Any:
        self.yes = True
        return body(*a, **kw)


def _refusal(err: Exception) -> Exception:
    from langchain_core.tools import ToolException

    refused: Exception = ToolException(str(err))
    return refused


def wrap_tool(tool: T, gateway: "ToolGateway") -> T:
    """A copy of `tool` (a `BaseTool`, e.g. from `@tool` or `StructuredTool`)
    whose calls go through `gateway` under the current run."""
    from langchain_core.tools import BaseTool

    if not isinstance(tool, BaseTool):
        raise TypeError(f"wrap_tool: expected a langchain_core BaseTool, got {type(tool).__name__}")
    if getattr(tool, _MARK, None) is gateway:
        return tool
    name = tool.name
    register(gateway, name, "LangChain")
    new = tool.model_copy()
    cls = type(new)
    run, arun = cls.run.__get__(new), cls.arun.__get__(new)
    body, abody = cls._run.__get__(new), cls._arun.__get__(new)

    # The model's id of a tool call (`ToolCall["id"]`, which `invoke` passes
    # on as `tool_call_id`) is logged as the call's `call_id`. A call whose
    # body never ran (its pending entry is still there) failed LangChain's
    # argument validation: it is logged as `invalid_arguments`.
    def run_(tool_input: Any, *a: Any, **kw: Any) -> Any:
        pending = [(_arguments(new, tool_input), _call_id(kw))]
        token = _PENDING.set(pending)
        try:
            output = run(tool_input, *a, **kw)
        except Exception as err:
            if pending:
                _invalid(gateway, name, *pending[0], err)
            raise
        finally:
            _PENDING.reset(token)
        if pending:
            _invalid(gateway, name, *pending[0], output)
        return output

    async def arun_(tool_input: Any, *a: Any, **kw: Any) -> Any:
        pending = [(_arguments(new, tool_input), _call_id(kw))]
        token = _PENDING.set(pending)
        try:
            output = await arun(tool_input, *a, **kw)
        except Exception as err:
            if pending:
                await _ainvalid(gateway, name, *pending[0], err)
            raise
        finally:
            _PENDING.reset(token)
        if pending:
            await _ainvalid(gateway, name, *pending[0], output)
        return output

    def _run(*a: Any, **kw: Any) -> Any:
        pending = _PENDING.get()
        if not pending:  # not below run_ (a direct _run), or below _arun's gateway call
            return body(*a, **kw)
        (args, call_id), started = pending.pop(), _Started()
        try:
            return call(gateway, name, args, lambda: started(body, a, kw), call_id)
        except (BudgetExceededError, LoopDetectedError) as err:
            if started.yes:
                raise
            raise _refusal(err) from err

    async def _arun(*a: Any, **kw: Any) -> Any:
        pending = _PENDING.get()
        if not pending:
            return await abody(*a, **kw)
        (args, call_id), started = pending.pop(), _Started()
        try:
            return await acall(gateway, name, args, lambda: started(abody, a, kw), call_id)
        except (BudgetExceededError, LoopDetectedError) as err:
            if started.yes:
                raise
            raise _refusal(err) from err

    # LangChain reads `_run` / `_arun`'s parameters and type hints (run_manager,
    # config): update_wrapper hands it the originals'. Instance attributes win
    # over the class's methods (BaseTool is a pydantic model: set them directly).
    for attr, fn, orig in (("run", run_, run), ("arun", arun_, arun), ("_run", _run, body), ("_arun", _arun, abody)):
        object.__setattr__(new, attr, functools.update_wrapper(fn, orig))
    object.__setattr__(new, _MARK, gateway)
    return cast(T, new)


def wrap_tools(tools: "list[T]", gateway: "ToolGateway") -> "list[T]":
    """`wrap_tool` for each tool of a list (a new list)."""
    return [wrap_tool(t, gateway) for t in tools]
