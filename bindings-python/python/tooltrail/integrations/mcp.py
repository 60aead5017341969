"""MCP client adapter: `instrument(session, gateway)` routes a `mcp.ClientSession`'s
`call_tool` through a tooltrail gateway, under the current run
(docs/integrations.md, "MCP").

A call is logged as `gateway.acall(None, name, arguments)` would be: the tool
is the MCP tool's name and the args hashed are the `arguments` dict (`{}` when
None), so the same call hashes alike from Node and through `tooltrail
mcp-proxy`. How calls end, as logged and as the caller sees them, is the
proxy's rule too:

| the server answers | logged | the caller gets |
| --- | --- | --- |
| a result | ok | the `CallToolResult` |
| a result with `isError: true` | `ToolError` | the `CallToolResult` |
| Invalid params (-32602): an unknown tool | `unknown_tool` | the SDK's `MCPError` |
| Invalid params: other (the arguments) | `invalid_arguments` | `MCPError` |
| another JSON-RPC error | `McpError` | `MCPError` (`McpError` in mcp 1.x) |
| nothing: the connection closed | `ConnectionClosed` | `MCPError` (code -32000) |
| nothing in time (`read_timeout_seconds`) | `timeout` | `MCPError` (code -32001; 408 in mcp 1.x) |
| (the task was cancelled) | `cancelled` | `CancelledError` |

Works with mcp 1.x and 2.x (tested with 1.30.0 and 2.3.0).

A call refused by a budget or the loop guard never reaches the server: the
caller gets `MCPError` with code `REFUSED` (-32010), the message
`"tooltrail: …"` and `data` `{"error_class", and the budget / tool}`, exactly
what the proxy answers; its `__cause__` is tooltrail's own
`BudgetExceededError` / `LoopDetectedError`.

Importing this module does not import `mcp` (an optional dependency);
`instrument` does.
"""

import importlib
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from .._native import BudgetExceededError, LoopDetectedError, _mcp_error_class, _mcp_refusal, _mcp_result_error
from . import Outcome, outcome
from .openai_agents_tracing import mark_current_span

if TYPE_CHECKING:
    from .. import ToolGateway

__all__ = ["REFUSED", "instrument"]

S = TypeVar("S")

#: The JSON-RPC error code of a call tooltrail refused (the proxy's too).
REFUSED = -32010


ToolError = outcome("ToolError")

# Set on what `instrument` routed: instrumenting twice routes once.
_MARK = "__tooltrail_gateway__"
def instrument(session: S, gateway: "ToolGateway") -> S:
    """Routes `session.call_tool` through `gateway` (under the current run,
    `with gateway.run(...)`); returns the same session. Other requests
    (`list_tools`, resources, prompts) are untouched. Works on anything
    with the `ClientSession.call_tool` signature: an OpenAI Agents
    `MCPServer` too (`instrument(agent, gateway)` does it for
    `agent.mcp_servers`)."""
    # The optional dependency, imported on use (by name: type checkers, which
    # check this package for Python 3.9, need not read the SDK's 3.10 code).
    sdk: Any = importlib.import_module("mcp")
    # mcp 2.x: `MCPError(code, message, data)`; 1.x: `McpError(ErrorData)`.
    # Both keep the `ErrorData` as `.error`.
    MCPError: Any = getattr(sdk, "MCPError", None) or sdk.McpError

    s: Any = session
    if getattr(s, _MARK, None) is gateway:
        return session
    original = s.call_tool
    known: set[str] = set()

    async def call_tool(name: str, arguments: Optional[dict[str, Any]] = None, *a: Any, **kw: Any) -> Any:
        mark_current_span()  # an OpenAI Agents TooltrailProcessor leaves this call to us
        if name not in known:
            # The server decides which tools exist; `gateway.acall(ctx,
            # name, args)` reaches this one over MCP too.
            gateway._add_tool(name, _remote(original, name))
            known.add(name)
        answer: list[Any] = []

        async def body() -> Any:
            try:
                result = await original(name, arguments, *a, **kw)
            except MCPError as err:
                # The proxy's rule, from the core: unknown_tool,
                # invalid_arguments, ConnectionClosed, a timeout, McpError.
                marker = outcome(_mcp_error_class(err.error.code, err.error.message or ""))
                raise marker(err.error.message) from err
            answer.append(result)
            # Logged (when results are stored) and validated in its JSON form,
            # as the proxy sees it; an `isError` result is a ToolError (the
            # core's rule, with the message the proxy logs).
            dumped = result.model_dump(mode="json", by_alias=True, exclude_none=True)
            message = _mcp_result_error(dumped)
            if message is not None:
                raise ToolError(message)
            return dumped

        args = dict(arguments) if arguments is not None else {}
        try:
            await gateway._acall(None, name, args, body, None)
        except ToolError:
            return answer[0]
        except Outcome as err:
            cause = err.__cause__  # the SDK's MCPError, as the caller expects it
            assert cause is not None
            raise cause from cause.__cause__
        except (BudgetExceededError, LoopDetectedError) as err:
            raise _error(MCPError, *_mcp_refusal(err)) from err
        return answer[0]

    s.call_tool = call_tool
    setattr(s, _MARK, gateway)
    return session


def _error(cls: Any, code: int, message: str, data: Any) -> Exception:
    """The SDK's error class with a code, message and data, in 2.x's form or 1.x's."""
    if cls.__name__ == "MCPError":
        error: Exception = cls(code, message, data)
        return error
    error_data = importlib.import_module("mcp.types").ErrorData
    error = cls(error_data(code=code, message=message, data=data))
    return error


def _remote(call_tool: Any, name: str) -> Any:
    async def remote(**arguments: Any) -> Any:
        return await call_tool(name, arguments)

    remote.__name__ = name
    return remote
