"""`tooltrail mcp-proxy` (the pip console script) between the Python MCP SDK's
client and a server written with the same SDK (mcp_fixtures/server.py): the
calls, refusals, a server crash mid-call and a client cancelling, as the
client sees them and as the log records them; the CLI reads the log."""

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

import tooltrail

pytest.importorskip("mcp")
from mcp import ClientSession, MCPError, StdioServerParameters, stdio_client  # noqa: E402

SERVER = Path(__file__).with_name("mcp_fixtures") / "server.py"
TOOLTRAIL = str(Path(sys.executable).with_name("tooltrail"))
REFUSED = -32010
CONNECTION_CLOSED = -32000


def proxy_args(tmp_path: Path, config: str = "") -> list[str]:
    cfg = tmp_path / "tooltrail.yaml"
    cfg.write_text(config)
    return ["mcp-proxy", "--config", str(cfg), "--logs", str(tmp_path / "logs"),
            "--", sys.executable, str(SERVER)]


def events(tmp_path: Path) -> list[dict[str, Any]]:
    text = (tmp_path / "logs" / "tooltrail.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def by_event(evs: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in evs if e["event"] == name]


def with_session(tmp_path: Path, body: Any, config: str = "") -> Any:
    params = StdioServerParameters(command=TOOLTRAIL, args=proxy_args(tmp_path, config))

    async def main() -> Any:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await body(session)

    return anyio.run(main)


def cli(*args: str) -> str:
    r = subprocess.run([TOOLTRAIL, *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_calls_are_relayed_and_recorded(tmp_path):
    async def body(s: ClientSession) -> Any:
        added = await s.call_tool("add", {"a": 1, "b": 2})
        failed = await s.call_tool("fail", {"message": "disk full"})
        with pytest.raises(MCPError) as rejected:
            await s.call_tool("reject", {"reason": "bad reason"})
        listed = await s.list_tools()
        return added, failed, rejected.value, listed

    added, failed, rejected, listed = with_session(tmp_path, body)
    # The client sees the server's answers unchanged.
    assert added.structured_content == {"result": 3} and not added.is_error
    assert failed.is_error and "disk full" in failed.content[0].text
    assert rejected.code == -32602 and rejected.message == "bad reason"
    assert "add" in {t.name for t in listed.tools}

    evs = events(tmp_path)
    assert [e["event"] for e in evs] == ["run_start"] + ["tool_call", "tool_result"] * 3 + ["run_end"]
    run_id = evs[0]["run_id"]
    assert all(e["run_id"] == run_id for e in evs)
    assert evs[0]["request_id"] == run_id  # no --request-id: the session is the request
    # run_start names the server: its own name and version (from `initialize`) and the command.
    server = evs[0]["mcp_server"]
    assert server["name"] == "tooltrail-fixture" and isinstance(server["version"], str)
    assert server["command"] == f"{sys.executable} {SERVER}"
    calls, results = by_event(evs, "tool_call"), by_event(evs, "tool_result")
    assert [c["tool"] for c in calls] == ["add", "fail", "reject"]
    assert calls[0]["args_hash"] == tooltrail.stable_hash({"a": 1, "b": 2})
    assert [(r["ok"], r.get("error_class")) for r in results] == [
        (True, None), (False, "ToolError"), (False, "invalid_arguments")]
    end = evs[-1]
    assert end["stop_reason"] == "completed" and end["tool_calls"] == 3 and end["errors"] == 2

    runs = json.loads(cli("runs", str(tmp_path / "logs"), "--json"))
    assert [r["run_id"] for r in runs] == [run_id]
    shown = cli("show", run_id, str(tmp_path / "logs"))
    assert "add" in shown and "ToolError" in shown and "stop_reason=completed" in shown


def test_the_loop_guard_refuses_with_a_jsonrpc_error_and_the_server_never_sees_the_call(tmp_path):
    async def body(s: ClientSession) -> Any:
        await s.call_tool("search", {"query": "x"})
        with pytest.raises(MCPError) as refused:
            await s.call_tool("search", {"query": "x"})
        ran = await s.call_tool("calls", {})
        return refused.value, ran

    refused, ran = with_session(tmp_path, body, "budgets:\n  loop_guard: { warn_after: 2, block_after: 2 }\n")
    assert refused.code == REFUSED
    assert refused.message.startswith("tooltrail: loop detected")
    assert refused.data == {"error_class": "loop_detected", "tool": "search"}
    assert ran.structured_content == {"result": 1}  # one search ran
    evs = events(tmp_path)
    blocked = [e for e in by_event(evs, "tool_call") if e["decision"] == "block"]
    assert len(blocked) == 1 and blocked[0]["error_class"] == "loop_detected"
    assert evs[-1]["stop_reason"] == "loop_detected" and evs[-1]["refused"] == 1


def test_a_budget_refusal_names_the_budget(tmp_path):
    async def body(s: ClientSession) -> Any:
        await s.call_tool("add", {"a": 1, "b": 1})
        with pytest.raises(MCPError) as refused:
            await s.call_tool("add", {"a": 2, "b": 2})
        return refused.value

    refused = with_session(tmp_path, body, "budgets:\n  max_tool_calls: 1\n")
    assert refused.code == REFUSED
    assert refused.data == {"error_class": "budget_exceeded", "budget": "max_tool_calls",
                            "stop_reason": "max_tool_calls"}
    assert events(tmp_path)[-1]["stop_reason"] == "max_tool_calls"


def test_a_server_crashing_mid_call_fails_the_call_and_the_run(tmp_path):
    async def body(s: ClientSession) -> Any:
        await s.call_tool("add", {"a": 1, "b": 2})
        with pytest.raises(MCPError) as closed:
            await s.call_tool("crash", {"code": 3})
        return closed.value

    closed = with_session(tmp_path, body)
    assert closed.code == CONNECTION_CLOSED
    evs = events(tmp_path)
    crash = by_event(evs, "tool_result")[-1]
    assert crash["tool"] == "crash" and crash["ok"] is False and crash["error_class"] == "ConnectionClosed"
    assert evs[-1]["event"] == "run_end" and evs[-1]["stop_reason"] == "error"
    assert "ConnectionClosed" in cli("show", evs[0]["run_id"], str(tmp_path / "logs"))


def test_a_client_cancelling_a_call_is_recorded_as_cancelled(tmp_path):
    async def body(s: ClientSession) -> Any:
        started = anyio.Event()

        async def progress(progress: float, total: Any, message: Any) -> None:
            started.set()

        async def call_block() -> None:
            await s.call_tool("block", {}, progress_callback=progress)

        async with anyio.create_task_group() as tg:
            tg.start_soon(call_block)
            await started.wait()  # the server is running the call
            tg.cancel_scope.cancel()
        # The session goes on.
        return await s.call_tool("add", {"a": 2, "b": 2})

    after = with_session(tmp_path, body)
    assert after.structured_content == {"result": 4}
    evs = events(tmp_path)
    results = {r["tool"]: r for r in by_event(evs, "tool_result")}
    assert results["block"]["ok"] is False and results["block"]["error_class"] == "cancelled"
    assert results["add"]["ok"] is True
    assert evs[-1]["stop_reason"] == "completed"


# The proxy driven with raw JSON-RPC lines: exit codes and signals.

INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def start_raw(tmp_path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([TOOLTRAIL, *proxy_args(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    send(proc, INIT)
    assert receive(proc)["id"] == 0
    send(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    return proc


def send(proc: subprocess.Popen, msg: dict[str, Any]) -> None:
    assert proc.stdin
    proc.stdin.write(json.dumps(msg) + "\n")
    proc.stdin.flush()


def receive(proc: subprocess.Popen) -> dict[str, Any]:
    assert proc.stdout
    line = proc.stdout.readline()
    assert line, "the proxy closed its output"
    return json.loads(line)


def call(id: int, name: str, arguments: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": name, "arguments": arguments, **params}}


def test_the_proxy_exits_with_the_servers_code_and_answers_what_was_pending(tmp_path):
    proc = start_raw(tmp_path)
    send(proc, call(1, "crash", {"code": 7}))
    answer = receive(proc)
    assert answer["id"] == 1 and answer["error"]["code"] == CONNECTION_CLOSED
    assert "exited with status 7" in answer["error"]["message"]
    assert proc.wait(timeout=30) == 7
    assert events(tmp_path)[-1]["stop_reason"] == "error"


def test_sigterm_stops_the_server_and_ends_the_run_cancelled(tmp_path):
    proc = start_raw(tmp_path)
    send(proc, call(1, "block", {}, _meta={"progressToken": "p"}))
    assert receive(proc)["method"] == "notifications/progress"  # the call is running
    proc.send_signal(signal.SIGTERM)
    answer = receive(proc)
    assert answer["id"] == 1 and answer["error"]["code"] == CONNECTION_CLOSED
    code = proc.wait(timeout=30)
    assert code != 0  # the server's own status after SIGTERM
    evs = events(tmp_path)
    assert by_event(evs, "tool_result")[0]["error_class"] == "cancelled"
    assert evs[-1]["event"] == "run_end" and evs[-1]["stop_reason"] == "cancelled"


def test_a_command_that_cannot_start_is_a_clear_error(tmp_path):
    r = subprocess.run([TOOLTRAIL, "mcp-proxy", "--logs", str(tmp_path), "--", str(tmp_path / "nope")],
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "cannot start" in r.stderr and r.stdout == ""
