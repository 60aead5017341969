"""An MCP server (the Python SDK's MCPServer, over stdio) whose tools GET the
flaky API (FAKE_API), for the MCP client examples in Python and Node. A tool
that raises becomes a result with `isError: true`, as MCP servers answer:
tooltrail logs it `ToolError` (the HTTP status does not cross MCP)."""

import json

from http_tools import http_get
from mcp.server.mcpserver import MCPServer

server = MCPServer("support-api")


@server.tool()
def search_orders(user: str) -> str:
    """Finds a user's orders."""
    return json.dumps(http_get(f"/orders?user={user}"))


@server.tool()
def get_invoice(order_id: int) -> str:
    """Fetches an order's invoice."""
    return json.dumps(http_get(f"/invoice?id={order_id}"))


if __name__ == "__main__":
    server.run("stdio")
