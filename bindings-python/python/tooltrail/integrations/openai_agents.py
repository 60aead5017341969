"""OpenAI Agents SDK (`openai-agents`): every `FunctionTool` of an `Agent`
through a tooltrail gateway, under the current run.

    agent = instrument(Agent(name="support", tools=[get_orders]), gateway)
    with gateway.run(request_id="req-1"):
        await Runner.run(agent, "where is my order?")

A call is logged and hashed with the JSON arguments the model sent, parsed by
the core (the same `args_hash`, or the same `args_error`, as the Node adapter
for the same text); a call whose arguments are not JSON is logged too. Inside a tool made by
`function_tool`, the gateway wraps the tool's body, below the SDK's failure
handling: an exception is logged with its `error_class` and then reaches the
SDK as before (its `failure_error_function` turns it into a message for the
model, or the run raises). A budget or loop-guard refusal is a tool failure
the same way. Tested with openai-agents 0.24.0 (docs/integrations.md).
"""

import copy
import functools
from typing import TYPE_CHECKING, Any, TypeVar

from .._native import JsonArgs
from . import Outcome, acall, outcome, register
from .openai_agents_tracing import TooltrailProcessor, follow_streamed_runs, mark_current_span

__all__ = ["TooltrailProcessor", "instrument", "wrap_tool", "wrap_tools"]

if TYPE_CHECKING:
    from .. import ToolGateway

A = TypeVar("A")

# Set on the tools this module made: instrumenting twice wraps once.
_MARK = "__tooltrail_gateway__"


def _through(gateway: "ToolGateway", name: str, invoke: Any) -> Any:
    """`invoke(ctx, input)` (the SDK's tool-invoker signature) through the gateway."""
    from agents.exceptions import ModelBehaviorError

    async def checked(ctx: Any, input: str) -> Any:
        try:
            return await invoke(ctx, input)
        except ModelBehaviorError as err:
            # `function_tool` raises it when the model's arguments are not
            # JSON or fail the tool's schema: the tool never ran.
            raise outcome("invalid_arguments")(str(err)) from err

    @functools.wraps(invoke)
    async def on_invoke(ctx: Any, input: str) -> Any:
        mark_current_span()  # a TooltrailProcessor leaves this call to us
        # Every call the model made is logged, its arguments hashed by the
        # core as the model sent them (the same args_hash, or args_error, as
        # the Node adapter): text that is not a JSON object gets an
        # `args_error`, and the SDK answers it as before.
        # The model's id of the call (`ToolContext.tool_call_id`) joins the
        # log to the model's transcript.
        call_id = getattr(ctx, "tool_call_id", None)
        call_id = call_id if isinstance(call_id, str) else None
        try:
            return await acall(gateway, name, JsonArgs(input or "{}"), lambda: checked(ctx, input), call_id)
        except Outcome as err:  # logged as invalid_arguments; the SDK gets its own error
            cause = err.__cause__
            assert cause is not None
            raise cause from cause.__cause__

    return on_invoke


def wrap_tool(tool: A, gateway: "ToolGateway") -> A:
    """A copy of `tool` whose calls go through `gateway`; anything but a
    `FunctionTool` (hosted tools, which the model provider runs) is returned
    as is."""
    from agents import FunctionTool

    if not isinstance(tool, FunctionTool) or getattr(tool, _MARK, None) is gateway:
        return tool
    register(gateway, tool.name, "OpenAI Agents")
    wrapped = copy.copy(tool)  # the SDK rebinds the copy's invoker to the copy
    invoker: Any = wrapped.on_invoke_tool
    body = getattr(invoker, "_invoke_tool_impl", None)
    if body is not None:
        # `function_tool`'s invoker: the tool's body, then the SDK's failure
        # handling. Wrapping the body lets the gateway see the exception.
        invoker._invoke_tool_impl = _through(gateway, tool.name, body)
    else:
        # A FunctionTool built by hand: its on_invoke_tool raises or returns
        # an error text itself.
        wrapped.on_invoke_tool = _through(gateway, tool.name, invoker)
    setattr(wrapped, _MARK, gateway)
    return wrapped


def wrap_tools(tools: "list[A]", gateway: "ToolGateway") -> "list[A]":
    """`wrap_tool` for each tool of a list (a new list)."""
    return [wrap_tool(t, gateway) for t in tools]


def instrument(agent: A, gateway: "ToolGateway") -> A:
    """Replaces `agent.tools` with wrapped copies, routes the calls of its
    MCP servers (`agent.mcp_servers`) through `gateway` with the MCP
    adapter's rules, and returns `agent`. Agents reached by handoffs or
    used as tools keep their own tools: instrument each agent."""
    follow_streamed_runs()
    tools: Any = agent.tools  # type: ignore[attr-defined]
    agent.tools = wrap_tools(list(tools), gateway)  # type: ignore[attr-defined]
    servers: Any = getattr(agent, "mcp_servers", None) or ()
    if servers:
        from . import mcp

        for server in servers:
            mcp.instrument(server, gateway)
    return agent
