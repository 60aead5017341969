"""The same MCP tool call writes the same `args_hash` from the Python adapter,
the Node adapter and `tooltrail mcp-proxy` (issue 17): the arguments are
hashed by the core whichever way they came (a Python dict, a JS object, the
JSON-RPC text the proxy reads)."""

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

import tooltrail

from conftest import ROOT

pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

from tooltrail.integrations.mcp import instrument  # noqa: E402

PY_SERVER = ROOT / "tests" / "python" / "mcp_fixtures" / "server.py"
NODE_SERVER = ROOT / "tests" / "node" / "mcp_fixtures" / "server.js"
TOOLTRAIL = str(Path(sys.executable).with_name("tooltrail"))

# Key order, an integral float, non-ASCII text, nesting: what differs
# between the languages' own JSON and must not differ in the hash.
ARGS = {"query": "café ☕ \u2028", "limit": 10.0, "filters": {"z": [1.5, -0.0, None], "a": {"é": True}}}


def tool_call_hashes(logs: Path) -> list[str]:
    # JSONL lines end at "\n" only: `splitlines()` also splits at U+2028,
    # which canonical JSON leaves raw (ARGS has one; the proxy logs it back
    # in `result` for the 1 % of runs whose results are sampled).
    lines = (logs / "tooltrail.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    return [e["args_hash"] for e in map(json.loads, lines) if e["event"] == "tool_call"]


def python_call(params: StdioServerParameters, gw: "tooltrail.ToolGateway | None") -> None:
    async def main() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            if gw is None:
                await session.call_tool("search", ARGS)
                return
            instrument(session, gw)
            async with gw.run(request_id="cross-python"):
                await session.call_tool("search", ARGS)

    anyio.run(main)


def test_python_node_and_the_proxy_hash_an_mcp_call_alike(tmp_path):
    expected = tooltrail.stable_hash(ARGS)

    writer = tooltrail.EventWriter(path=str(tmp_path / "py"))
    python_call(StdioServerParameters(command=sys.executable, args=[str(PY_SERVER)]),
                tooltrail.ToolGateway(impls={}, logger=writer))
    writer.close()

    subprocess.run(["node", str(ROOT / "tests" / "cross" / "mcp_node_client.js"), str(tmp_path / "node"), "search",
                    json.dumps(ARGS)], cwd=ROOT, check=True, timeout=60)

    proxy = ["mcp-proxy", "--logs", str(tmp_path / "proxy"), "--", "node", str(NODE_SERVER)]
    python_call(StdioServerParameters(command=TOOLTRAIL, args=proxy), None)

    hashes = {leg: tool_call_hashes(tmp_path / leg) for leg in ("py", "node", "proxy")}
    assert hashes == {"py": [expected], "node": [expected], "proxy": [expected]}
