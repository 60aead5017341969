"""`tooltrail.integrations.mcp.instrument`: a Python SDK `ClientSession` whose
`call_tool` goes through the gateway, against the fixture server
(mcp_fixtures/server.py) over stdio; and the same calls through
`tooltrail mcp-proxy` log and refuse alike."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

import tooltrail
from tooltrail.testing import Recorder

pytest.importorskip("mcp")
from mcp import ClientSession, MCPError, StdioServerParameters, stdio_client  # noqa: E402

from tooltrail.integrations.mcp import REFUSED, instrument  # noqa: E402

SERVER = Path(__file__).with_name("mcp_fixtures") / "server.py"
TOOLTRAIL = str(Path(sys.executable).with_name("tooltrail"))
DIRECT = StdioServerParameters(command=sys.executable, args=[str(SERVER)])


def connect(gw: tooltrail.ToolGateway, body: Any, params: StdioServerParameters = DIRECT,
            instrumented: bool = True) -> Any:
    async def main() -> Any:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            if instrumented:
                assert instrument(session, gw) is session
            return await body(session)

    return anyio.run(main)


def gateway(config: Any = None) -> "tuple[tooltrail.ToolGateway, Recorder]":
    rec = Recorder()
    return tooltrail.ToolGateway(impls={}, logger=rec, config=config), rec


def test_calls_go_through_the_gateway_under_the_current_run():
    gw, rec = gateway({"logging": {"tool_calls": {"store_results": "full"}}})

    async def body(s: ClientSession) -> Any:
        async with gw.run(request_id="req-1") as run:
            added = await s.call_tool("add", {"a": 1, "b": 2})
            failed = await s.call_tool("fail", {"message": "disk full"})
            with pytest.raises(MCPError) as rejected:
                await s.call_tool("reject", {"reason": "bad reason"})
            listed = await s.list_tools()  # untouched
            return run.run_id, added, failed, rejected.value, listed

    run_id, added, failed, rejected, listed = connect(gw, body)
    # The caller gets what the SDK gives.
    assert added.structured_content == {"result": 3}
    assert failed.is_error and "disk full" in failed.content[0].text
    assert rejected.code == -32602 and rejected.message == "bad reason"
    assert listed.tools
    run = rec.last_run()
    assert run.run_id == run_id and run.tool_sequence() == ["add", "fail", "reject"]
    calls = run.events("tool_call")
    assert calls[0]["args_hash"] == tooltrail.stable_hash({"a": 1, "b": 2})
    assert all(c["request_id"] == "req-1" for c in calls)
    results = run.events("tool_result")
    assert [(r["ok"], r.get("error_class")) for r in results] == [
        (True, None), (False, "ToolError"), (False, "invalid_arguments")]
    # The result is logged in its JSON form, as the server sent it.
    assert results[0]["result"]["structuredContent"] == {"result": 3}


def test_gateway_acall_reaches_the_mcp_tool_too():
    gw, rec = gateway()

    async def body(s: ClientSession) -> Any:
        async with gw.run(request_id="r"):
            await s.call_tool("add", {"a": 1, "b": 1})
            return await gw.acall(None, "add", {"a": 2, "b": 3})

    assert connect(gw, body).structured_content == {"result": 5}
    assert rec.last_run().tool_sequence() == ["add", "add"]


def test_a_call_outside_a_run_runs_under_an_implicit_run_and_strict_refuses_it():
    gw, rec = gateway()

    async def body(s: ClientSession) -> Any:
        added = await s.call_tool("add", {"a": 1, "b": 1})
        async with gw.run(request_id="r"):
            return added, await s.call_tool("calls", {})

    with pytest.warns(tooltrail.TooltrailWarning, match="implicit run"):
        added, ran = connect(gw, body)
    assert added.structured_content == {"result": 2} and ran.structured_content == {"result": 1}
    implicit, explicit = rec.runs()
    assert implicit.tool_sequence() == ["add"] and implicit.events("run_start")[0]["implicit"] is True
    assert "implicit" not in explicit.events("run_start")[0]

    strict = tooltrail.ToolGateway(impls={}, logger=rec, strict=True)

    async def refused(s: ClientSession) -> Any:
        with pytest.raises(tooltrail.MissingIdError, match="no current run"):
            await s.call_tool("add", {"a": 1, "b": 1})
        async with strict.run(request_id="r"):
            return await s.call_tool("calls", {})

    assert connect(strict, refused).structured_content == {"result": 0}  # the server ran nothing


def test_refusals_raise_mcp_error_with_the_proxys_code_message_and_data(tmp_path):
    config = "budgets:\n  loop_guard: { warn_after: 2, block_after: 2 }\n"
    (tmp_path / "tooltrail.yaml").write_text(config)
    gw, rec = gateway(str(tmp_path / "tooltrail.yaml"))

    async def refused(s: ClientSession, run: Any = None) -> Any:
        await s.call_tool("search", {"query": "x"})
        with pytest.raises(MCPError) as err:
            await s.call_tool("search", {"query": "x"})
        ran = await s.call_tool("calls", {})
        return err.value, ran.structured_content

    async def body(s: ClientSession) -> Any:
        async with gw.run(request_id="r"):
            return await refused(s)

    adapter, ran = connect(gw, body)
    assert ran == {"result": 1}  # the refused call never reached the server
    assert adapter.code == REFUSED and isinstance(adapter.__cause__, tooltrail.LoopDetectedError)
    assert adapter.data == {"error_class": "loop_detected", "tool": "search"}
    assert rec.last_run().stop_reason == "loop_detected"

    proxy = StdioServerParameters(command=TOOLTRAIL, args=[
        "mcp-proxy", "--config", str(tmp_path / "tooltrail.yaml"), "--logs", str(tmp_path / "logs"),
        "--", sys.executable, str(SERVER)])
    proxied, _ = connect(gw, refused, proxy, instrumented=False)
    assert (proxied.code, proxied.message, proxied.data) == (adapter.code, adapter.message, adapter.data)
    # And the same args_hash.
    logged = [json.loads(line) for line in (tmp_path / "logs" / "tooltrail.jsonl").read_text().splitlines()]
    hashes = {e["args_hash"] for e in logged if e["event"] == "tool_call" and e["tool"] == "search"}
    assert hashes == {tooltrail.stable_hash({"query": "x"})} == set(rec.last_run().args_hashes()[:1])


def test_a_budget_refusal_carries_the_budget():
    gw, _ = gateway({"budgets": {"max_tool_calls": 1}})

    async def body(s: ClientSession) -> Any:
        async with gw.run(request_id="r"):
            await s.call_tool("add", {"a": 1, "b": 1})
            with pytest.raises(MCPError) as err:
                await s.call_tool("add", {"a": 1, "b": 2})
            return err.value

    err = connect(gw, body)
    assert err.code == REFUSED and err.message.startswith("tooltrail: budget `max_tool_calls`")
    assert err.data == {"error_class": "budget_exceeded", "budget": "max_tool_calls",
                        "stop_reason": "max_tool_calls"}
    assert isinstance(err.__cause__, tooltrail.BudgetExceededError)


def test_a_crash_cancellation_and_timeout_are_classified():
    gw, rec = gateway()

    async def body(s: ClientSession) -> Any:
        async with gw.run(request_id="r"):
            with pytest.raises(MCPError) as timed_out:
                await s.call_tool("block", {}, read_timeout_seconds=0.2)
            started = anyio.Event()

            async def progress(progress: float, total: Any, message: Any) -> None:
                started.set()

            async with anyio.create_task_group() as tg:
                tg.start_soon(lambda: s.call_tool("block", {}, progress_callback=progress))
                await started.wait()
                tg.cancel_scope.cancel()
            with pytest.raises(MCPError) as closed:
                await s.call_tool("crash", {})
            return timed_out.value, closed.value

    timed_out, closed = connect(gw, body)
    assert timed_out.code == -32001 and closed.code == -32000
    classes = [r.get("error_class") for r in rec.last_run().events("tool_result")]
    assert classes == ["timeout", "cancelled", "ConnectionClosed"]


def test_importing_tooltrail_or_the_adapter_does_not_import_mcp():
    code = ("import sys, tooltrail, tooltrail.integrations.mcp; "
            "assert 'mcp' not in sys.modules, sorted(m for m in sys.modules if m.startswith('mcp'))")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_eight_concurrent_runs_on_one_session_keep_their_own_ids():
    gw, rec = gateway()

    async def body(s: ClientSession) -> Any:
        async def agent(i: int) -> str:
            async with gw.run(request_id=f"req-{i}") as run:
                await s.call_tool("add", {"a": i, "b": 1})
                await s.call_tool("search", {"query": f"q{i}"})
                return run.run_id

        return await asyncio.gather(*(agent(i) for i in range(8)))

    run_ids = connect(gw, body)
    assert len(set(run_ids)) == 8
    for i, run_id in enumerate(run_ids):
        run = rec.run(run_id)
        assert run.tool_sequence() == ["add", "search"] and run.stop_reason == "completed"
        calls = run.events("tool_call")
        assert [c["request_id"] for c in calls] == [f"req-{i}"] * 2
        assert calls[0]["args_hash"] == tooltrail.stable_hash({"a": i, "b": 1})
        assert [r["ok"] for r in run.events("tool_result")] == [True, True]
