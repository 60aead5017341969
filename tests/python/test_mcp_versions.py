"""The MCP client adapter with whichever `mcp` is installed: 2.x in the main
venv, the newest 1.x in the second venv scripts/test-all.sh makes
(`.venv-mcp1`). Only the client side changes: the fixture server runs with
`TOOLTRAIL_MCP_SERVER_PYTHON` (default: this interpreter), whose `mcp` is 2.x.
Written against what both majors share (`.error` on the SDK's error, the
result's text content)."""

import importlib.metadata
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

import tooltrail
from tooltrail.testing import Recorder

mcp = pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

from tooltrail.integrations.mcp import REFUSED, instrument  # noqa: E402

# mcp 2.x: MCPError(code, message, data); 1.x: McpError(ErrorData).
SDK_ERROR: Any = getattr(mcp, "MCPError", None) or mcp.McpError
MAJOR = int(importlib.metadata.version("mcp").split(".")[0])
SERVER = Path(__file__).with_name("mcp_fixtures") / "server.py"
PARAMS = StdioServerParameters(command=os.environ.get("TOOLTRAIL_MCP_SERVER_PYTHON", sys.executable),
                               args=[str(SERVER)])


def connect(gw: tooltrail.ToolGateway, body: Any) -> Any:
    async def main() -> Any:
        async with stdio_client(PARAMS) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await body(instrument(session, gw))

    return anyio.run(main)


def text(result: Any) -> str:
    return str(result.content[0].text)


def test_the_adapter_logs_and_answers_alike_on_this_mcp_major():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"loop_guard": {"block_after": 2}}})

    async def body(s: ClientSession) -> Any:
        outside = await s.call_tool("add", {"a": 1, "b": 1})  # no run: an implicit one
        async with gw.run(request_id="r"):
            added = await s.call_tool("add", {"a": 1, "b": 2})
            failed = await s.call_tool("fail", {"message": "disk full"})
            with pytest.raises(SDK_ERROR) as rejected:
                await s.call_tool("reject", {"reason": "bad reason"})
            await s.call_tool("search", {"query": "x"})
            with pytest.raises(SDK_ERROR) as refused:
                await s.call_tool("search", {"query": "x"})
        return outside, added, failed, rejected.value, refused.value

    with pytest.warns(tooltrail.TooltrailWarning, match="implicit run"):
        outside, added, failed, rejected, refused = connect(gw, body)
    assert text(outside) == "2" and text(added) == "3"
    assert "disk full" in text(failed)
    assert (rejected.error.code, rejected.error.message) == (-32602, "bad reason")
    assert refused.error.code == REFUSED and isinstance(refused.__cause__, tooltrail.LoopDetectedError)
    assert refused.error.data == {"error_class": "loop_detected", "tool": "search"}
    implicit, run = rec.runs()
    assert implicit.events("run_start")[0]["implicit"] is True and implicit.tool_sequence() == ["add"]
    results = run.events("tool_result")
    assert [(r["tool"], r["ok"], r.get("error_class")) for r in results] == [
        ("add", True, None), ("fail", False, "ToolError"), ("reject", False, "invalid_arguments"),
        ("search", True, None)]
    assert run.stop_reason == "loop_detected"


def test_the_sdks_errors_are_classified_on_this_mcp_major():
    """The SDK's own error codes, from a session stub (a real timeout is not
    used: mcp 1.x's client breaks on the progress the fixture server sends
    for a request it stopped waiting for, with or without tooltrail)."""
    from tooltrail.integrations.mcp import _error

    class Session:
        async def call_tool(self, name: str, arguments: Any = None, **kw: Any) -> Any:
            raise _error(SDK_ERROR, arguments["code"], "boom", None)

    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    session = instrument(Session(), gw)
    timeout = -32001 if MAJOR >= 2 else 408

    async def main() -> list[int]:
        codes = []
        async with gw.run(request_id="r"):
            for code in (timeout, -32000, -32602):
                with pytest.raises(SDK_ERROR) as raised:
                    await session.call_tool("t", {"code": code})
                codes.append(raised.value.error.code)
        return codes

    assert anyio.run(main) == [timeout, -32000, -32602]  # the caller gets the SDK's error
    assert [r.get("error_class") for r in rec.last_run().events("tool_result")] == [
        "timeout", "ConnectionClosed", "invalid_arguments"]
