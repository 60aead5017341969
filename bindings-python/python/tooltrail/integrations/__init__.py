"""Adapters that put tooltrail under agent frameworks' tools and MCP clients (docs/integrations.md).

Each module imports its framework only when used; installing tooltrail pulls
none in. They are thin: every call goes through `gateway.wrap` under the
current run (`with gateway.run(...)`), so ids, hashing, budgets and the loop
guard are the gateway's.

- `tooltrail.integrations.openai_agents`: OpenAI Agents SDK (`openai-agents`)
- `tooltrail.integrations.langchain`: LangChain tools (`langchain-core`)
- `tooltrail.integrations.mcp`: an MCP `ClientSession` (`mcp`)
"""

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .. import ToolGateway


async def acall(gateway: "ToolGateway", name: str, args: "dict[str, Any]", body: Callable[[], Awaitable[Any]]) -> Any:
    """Runs `body()` as one call of tool `name` through `gateway.wrap` under
    the current run, logged and hashed with `args` (the model's arguments)."""

    async def invoke(**_: Any) -> Any:
        return await body()

    return await gateway.wrap(invoke, name)(**args)


def call(gateway: "ToolGateway", name: str, args: "dict[str, Any]", body: Callable[[], Any]) -> Any:
    """The synchronous `acall`."""

    def invoke(**_: Any) -> Any:
        return body()

    return gateway.wrap(invoke, name)(**args)


def register(gateway: "ToolGateway", name: str, framework: str) -> None:
    """Adds `name` to the gateway once, with an implementation that refuses
    `gateway.call(ctx, name, args)`: the tool needs its framework's context,
    which only the framework's own invocation has."""

    def direct(**_: Any) -> Any:
        raise TypeError(f"tool {name!r} is a {framework} tool: it runs through its agent, not gateway.call")

    gateway.wrap(direct, name)
