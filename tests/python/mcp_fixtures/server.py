"""An MCP server written with the Python SDK (`mcp`), run over stdio by the
MCP tests (the proxy's and the client adapter's). Its tools cover each way a
call can end: a result, an error result (`fail`, or an unknown tool), a JSON-RPC error
(`reject`),
a cancellation (`block` waits until cancelled) and a crash (`crash` exits
the process mid-call). `calls` says how many tool calls it has run, so a test
can tell whether a refused call reached it."""

import os
import sys

import anyio
from mcp import MCPError
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("tooltrail-fixture")
ran: list[str] = []


@server.tool()
def add(a: int, b: int) -> int:
    ran.append("add")
    return a + b


@server.tool()
def search(query: str, limit: int = 10) -> str:
    ran.append("search")
    return f"{limit} results for {query}"


@server.tool()
def fail(message: str) -> str:
    ran.append("fail")
    raise ToolError(message)  # a result with isError: true


@server.tool()
def reject(reason: str) -> str:
    """Answers with a JSON-RPC error (not an error result)."""
    ran.append("reject")
    raise MCPError(code=-32602, message=reason)


@server.tool()
async def block(ctx: Context) -> str:
    """Reports progress (so the client knows the call is running), then
    waits until it is cancelled."""
    ran.append("block")
    await ctx.report_progress(1, 2)
    await anyio.sleep(3600)
    return "never"


@server.tool()
def crash(code: int = 3) -> str:
    ran.append("crash")
    sys.stdout.flush()
    os._exit(code)


@server.tool()
def calls() -> int:
    return len(ran)


if __name__ == "__main__":
    server.run("stdio")
