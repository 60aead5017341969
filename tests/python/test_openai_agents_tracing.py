"""The OpenAI Agents tracing processor: one line logs every tool the agent
calls (function tools, an MCP server's tools), one run per agent run
outside tooltrail runs, model calls with their usage; runs follow streamed
runs; with the wrappers too, nothing is logged twice."""

import asyncio
import json
import sys
from pathlib import Path

import httpx
import pytest

import tooltrail
from tooltrail.testing import Recorder

pytest.importorskip("agents")

from agents import Agent, RunConfig, Runner, function_tool, set_trace_processors  # noqa: E402
from agents.testing import ScriptedModel, assistant_message, function_call  # noqa: E402

from tooltrail.integrations.openai_agents import TooltrailProcessor, instrument  # noqa: E402

SERVER = Path(__file__).with_name("mcp_fixtures") / "server.py"


@pytest.fixture
def traced():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"max_tool_calls": 3}})
    set_trace_processors([TooltrailProcessor(gw)])
    yield gw, rec
    set_trace_processors([])


@function_tool
async def quote(symbol: str) -> str:
    await asyncio.sleep(0.005)
    if symbol == "Z":
        raise RuntimeError("exchange closed")
    return f"{symbol}: 10"


def script(*calls: "tuple[str, str]") -> ScriptedModel:
    steps = [[function_call("quote", args, call_id=cid) for cid, args in calls], [assistant_message("ok")]]
    return ScriptedModel(steps)


def results(rec: Recorder) -> "list[tuple]":
    rec.flush()
    return sorted((r["tool"], r["ok"], r.get("error_class")) for r in rec.events("tool_result"))


def test_one_line_logs_every_call_of_each_agent_run_under_a_run_of_its_own(traced):
    gw, rec = traced
    agent = Agent(name="a", tools=[quote])

    async def main() -> None:
        for _ in range(2):
            model = script(("c1", '{"symbol": "X"}'), ("c2", '{"symbol": "Z"}'), ("c3", "{not json"))
            await Runner.run(agent, "hi", run_config=RunConfig(model=model))

    asyncio.run(main())
    assert results(rec) == sorted([
        ("quote", True, None), ("quote", False, "ToolError"), ("quote", False, "invalid_arguments")] * 2)
    starts = rec.events("run_start")
    assert len(starts) == 2 and all(s["implicit"] for s in starts)
    ends = rec.events("run_end")
    assert [e["tool_calls"] for e in ends] == [3, 3]
    # Timed from the span's start to its end: the tool awaited 5 ms.
    assert min(r["latency_ms"] for r in rec.events("tool_result") if r["ok"]) >= 4


def test_a_streamed_run_keeps_its_tooltrail_run_open_and_budgets_apply(traced):
    gw, rec = traced
    agent = instrument(Agent(name="a", tools=[quote]), gw)
    calls = [(f"c{i}", json.dumps({"symbol": f"S{i}"})) for i in range(4)]

    async def main() -> None:
        async with gw.run(request_id="req-1"):
            streamed = Runner.run_streamed(agent, "hi", run_config=RunConfig(model=script(*calls)))
        # Consumed after the block returned (a web framework's streaming response).
        async for _ in streamed.stream_events():
            pass

    asyncio.run(main())
    rec.flush()
    events = [e["event"] for e in rec.events()]
    assert events[0] == "run_start" and events[-1] == "run_end"
    assert events.count("run_start") == 1  # wrapped: logged once, by the wrapper
    end = rec.events("run_end")[0]
    assert end["stop_reason"] == "max_tool_calls" and end["tool_calls"] == 3 and end["refused"] == 1
    assert sorted(c["call_id"] for c in rec.events("tool_call")) == ["c0", "c1", "c2", "c3"]


@pytest.mark.parametrize("wrapped", [False, True])
def test_the_tools_of_an_agents_mcp_servers_are_logged(traced, wrapped):
    from agents.mcp import MCPServerStdio

    gw, rec = traced

    async def main() -> None:
        params = {"command": sys.executable, "args": [str(SERVER)]}
        async with MCPServerStdio(params=params, name="fixture") as server:
            agent = Agent(name="a", mcp_servers=[server])
            if wrapped:
                instrument(agent, gw)
            model = ScriptedModel([
                [function_call("add", '{"a": 1, "b": 2}', call_id="m1"),
                 function_call("fail", '{"message": "disk full"}', call_id="m2")],
                [assistant_message("ok")],
            ])
            await Runner.run(agent, "hi", run_config=RunConfig(model=model))

    asyncio.run(main())
    got = results(rec)
    assert [(tool, ok) for tool, ok, _ in got][0] == ("add", True) and got[1][0] == "fail"
    add = next(c for c in rec.events("tool_call") if c["tool"] == "add")
    assert add["args_hash"] == tooltrail.stable_hash({"a": 1, "b": 2})
    if wrapped:
        # Routed through the MCP adapter: the server's `isError` result is a
        # ToolError, with its message. (The SDK's trace alone does not say
        # that an MCP result was an error: the processor logs what it sees.)
        assert got[1] == ("fail", False, "ToolError")
        fail = next(r for r in rec.events("tool_result") if r["tool"] == "fail")
        assert "disk full" in fail["error_message"]
    assert len(rec.events("tool_call")) == 2  # never twice


def chat_completion(request: httpx.Request) -> httpx.Response:
    """A scripted Chat Completions endpoint: a tool call, then an answer."""
    body = json.loads(request.content)
    asked = any(m.get("role") == "tool" for m in body["messages"])
    message = (
        {"role": "assistant", "content": "done"}
        if asked
        else {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "quote", "arguments": '{"symbol": "X"}'}}]}
    )
    usage = {"prompt_tokens": 1200, "completion_tokens": 80 if not asked else 20, "total_tokens": 0,
             "prompt_tokens_details": {"cached_tokens": 1000}}
    return httpx.Response(200, json={
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop" if asked else "tool_calls"}],
        "usage": usage,
    })


def test_model_calls_are_recorded_with_the_usage_the_provider_reported(traced):
    from agents import OpenAIChatCompletionsModel
    from openai import AsyncOpenAI

    gw, rec = traced
    client = AsyncOpenAI(api_key="test", base_url="http://model.invalid/v1",
                         http_client=httpx.AsyncClient(transport=httpx.MockTransport(chat_completion)))
    model = OpenAIChatCompletionsModel(model="gpt-4o-mini", openai_client=client)
    agent = Agent(name="a", tools=[quote], model=model)

    async def main() -> None:
        async with gw.run(request_id="req-1"):
            await Runner.run(agent, "hi")

    asyncio.run(main())
    rec.flush()
    steps = rec.events("model_call")
    assert [(s["model"], s["input_tokens"], s["output_tokens"], s.get("cached_input_tokens")) for s in steps] == [
        ("gpt-4o-mini", 1200, 80, 1000), ("gpt-4o-mini", 1200, 20, 1000)]
    assert all(s["latency_ms"] >= 0 and s["ok"] for s in steps)
    end = rec.events("run_end")[0]
    assert end["input_tokens"] == 2400 and end["output_tokens"] == 100


def responses_api(request: httpx.Request) -> httpx.Response:
    """A scripted Responses endpoint: the provider searched the web and
    called a hosted MCP server (which failed) while answering."""
    output = [
        {"id": "ws_1", "type": "web_search_call", "status": "completed",
         "action": {"type": "search", "query": "refund policy"}},
        {"id": "mcp_1", "type": "mcp_call", "name": "lookup_order", "server_label": "shop",
         "arguments": '{"order": 7}', "error": "order service unavailable", "status": "failed"},
        {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": "done", "annotations": []}]},
    ]
    return httpx.Response(200, json={
        "id": "resp_1", "object": "response", "created_at": 0, "model": "gpt-4.1-mini", "status": "completed",
        "output": output, "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
        "usage": {"input_tokens": 500, "output_tokens": 40, "total_tokens": 540,
                  "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
    })


def test_the_providers_hosted_tools_are_logged_from_the_response(traced):
    from agents import OpenAIResponsesModel
    from openai import AsyncOpenAI

    gw, rec = traced
    client = AsyncOpenAI(api_key="test", base_url="http://model.invalid/v1",
                         http_client=httpx.AsyncClient(transport=httpx.MockTransport(responses_api)))
    agent = Agent(name="a", model=OpenAIResponsesModel(model="gpt-4.1-mini", openai_client=client))

    async def main() -> None:
        async with gw.run(request_id="req-1"):
            await Runner.run(agent, "What is the refund policy?")

    asyncio.run(main())
    rec.flush()
    calls = {c["span_id"]: c for c in rec.events("tool_call")}
    got = [(calls[r["span_id"]]["tool"], calls[r["span_id"]]["call_id"], r["ok"], r.get("error_class"))
           for r in rec.events("tool_result")]
    assert got == [("web_search", "ws_1", True, None), ("lookup_order", "mcp_1", False, "ToolError")]
    search = next(c for c in calls.values() if c["tool"] == "web_search")
    assert search["args_hash"] == tooltrail.stable_hash({"action": {"type": "search", "query": "refund policy"}})
    failed = next(r for r in rec.events("tool_result") if not r["ok"])
    assert failed["error_message"] == "order service unavailable"
    assert [m["model"] for m in rec.events("model_call")] == ["gpt-4.1-mini"]
