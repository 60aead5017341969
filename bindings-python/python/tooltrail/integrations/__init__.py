"""Adapters that put tooltrail under agent frameworks' tools and MCP clients (docs/integrations.md).

Each module imports its framework only when used; installing tooltrail pulls
none in. They are thin: every call goes through the gateway under the current
run (`with gateway.run(...)`), or an implicit run when there is none, so ids,
hashing, budgets and the loop guard are the gateway's.

- `tooltrail.integrations.openai_agents`: OpenAI Agents SDK (`openai-agents`)
- `tooltrail.integrations.langchain`: LangChain tools (`langchain-core`)
- `tooltrail.integrations.mcp`: an MCP `ClientSession` (`mcp`)
"""

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import _ambient

if TYPE_CHECKING:
    from .. import ToolGateway


async def acall(
    gateway: "ToolGateway", name: str, args: Any, body: Callable[[], Awaitable[Any]], call_id: Optional[str] = None
) -> Any:
    """Runs `body()` as one call of tool `name` (registered with `register`)
    under the current run, else an implicit run, logged and hashed with
    `args` (the model's arguments: a value, or `JsonArgs(text)` as the model
    sent them, parsed and hashed by the core). A returned error result (`isError`, an
    HTTP status from 400) is logged as a failure and returned as is; a
    generator result is logged when it ends. `call_id`: the framework's
    id of the call (`tool_call.call_id`), when it has one."""
    return await gateway._acall(None, name, args, body, None, checked=True, call_id=call_id)


def call(
    gateway: "ToolGateway", name: str, args: "dict[str, Any]", body: Callable[[], Any], call_id: Optional[str] = None
) -> Any:
    """The synchronous `acall`."""
    return _ambient.call_sync(gateway, None, name, args, body, checked=True, call_id=call_id)


class Outcome(Exception):
    """How a call ended, named for the log (the class name is the call's
    `error_class`, as for any exception). It never reaches the caller: the
    adapter catches it and raises its `__cause__` (the framework's own
    error) or returns what the framework returned."""


_OUTCOMES: "dict[str, type[Outcome]]" = {}


def outcome(error_class: str) -> "type[Outcome]":
    """The `Outcome` class named `error_class` (`invalid_arguments`,
    `unknown_tool`, `ToolError`, …), made once per name."""
    cls = _OUTCOMES.get(error_class)
    if cls is None:
        cls = _OUTCOMES[error_class] = type(error_class, (Outcome,), {})
    return cls


def register(gateway: "ToolGateway", name: str, framework: str, wrapped: bool = True) -> None:
    """Adds `name` to the gateway once, with an implementation that refuses
    `gateway.call(ctx, name, args)`: the tool needs its framework's context,
    which only the framework's own invocation has. `wrapped`: an adapter's
    wrapper logs its calls (a tracing processor leaves those to it)."""
    if wrapped:
        wrapped_tools(gateway).add(name)

    def direct(**_: Any) -> Any:
        raise TypeError(f"tool {name!r} is a {framework} tool: it runs through its agent, not gateway.call")

    gateway.wrap(direct, name)


def wrapped_tools(gateway: "ToolGateway") -> "set[str]":
    """The names of the tools an adapter's wrappers log for `gateway`."""
    tools: Optional[set[str]] = getattr(gateway, "_adapter_tools", None)
    if tools is None:
        tools = set()
        gateway._adapter_tools = tools  # type: ignore[attr-defined]
    return tools
