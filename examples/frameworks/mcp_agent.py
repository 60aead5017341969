"""A support agent that calls its tools on an MCP server (examples/frameworks/
mcp_server.py), through the Python MCP SDK's ClientSession, logged by tooltrail.

Eight requests run at once over one session (asyncio.gather), each in its own
run; no ctx is passed anywhere. The "model" is the fixed plan of tool calls, so
this runs offline. Run (with examples/fake_api.py serving):
    FAKE_API=http://127.0.0.1:PORT .venv/bin/python examples/frameworks/mcp_agent.py LOG_DIR
"""

import asyncio
import os
import sys
from pathlib import Path

from http_tools import gateway
from mcp import ClientSession, StdioServerParameters, stdio_client

from tooltrail.integrations.mcp import instrument

SERVER = StdioServerParameters(
    command=sys.executable,
    args=[str(Path(__file__).with_name("mcp_server.py"))],
    env=dict(os.environ),  # FAKE_API (the SDK passes only a safe subset by default)
)


async def main(log_dir: str) -> None:
    gw = gateway(log_dir, "mc-py")
    async with stdio_client(SERVER) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        instrument(session, gw)

        async def handle(i: int) -> None:
            async with gw.run(run_id=f"mc-py-run-{i}", request_id=f"mc-py-req-{i}"):
                await session.call_tool("search_orders", {"user": f"user-{i}"})
                await session.call_tool("get_invoice", {"order_id": 100 + i})

        await asyncio.gather(*(handle(i) for i in range(8)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
