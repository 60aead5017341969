"""Linked steps: a run opened inside another run is its child (same trace,
`parent_run_id`, under the call in progress), a tool called from a tool is
that call's child, and framework calls carry the model's `call_id`."""

import asyncio

import tooltrail
from tooltrail.testing import Recorder


def _gateway(rec: Recorder) -> tooltrail.ToolGateway:
    return tooltrail.ToolGateway(impls={}, logger=rec, _deterministic=1_700_000_000_000_000)


def scenario(gw: tooltrail.ToolGateway) -> None:
    """The scenario tests/cross/test_linked_steps.py replays in Node too."""

    @gw.tool
    def lookup(order: int) -> int:
        return order

    @gw.tool
    def delegate(order: int) -> int:
        lookup(order)  # a tool calling a tool
        with gw.run(agent_id="sub-agent"):  # an agent used as a tool
            return lookup(order + 1)

    with gw.run(request_id="req-1", user_id="u-1"):
        delegate(7)
        with gw.run(request_id="req-2"):  # a sub-run outside any call
            lookup(9)


def test_nested_runs_and_tool_in_tool_calls_are_linked():
    rec = Recorder()
    scenario(_gateway(rec))
    rec.flush()
    starts = rec.events("run_start")
    outer, sub, side = starts
    calls = {(c["tool"], c["run_id"]): c for c in rec.events("tool_call")}
    delegate = calls["delegate", outer["run_id"]]
    inner = calls["lookup", outer["run_id"]]
    # The tool called from a tool hangs under the calling tool's span.
    assert delegate["parent_span_id"] == outer["span_id"]
    assert inner["parent_span_id"] == delegate["span_id"]
    # The sub-agent's run: same trace, the parent named, under the call.
    assert sub["parent_run_id"] == outer["run_id"] and sub["trace_id"] == outer["trace_id"]
    assert sub["parent_span_id"] == delegate["span_id"]
    assert (sub["request_id"], sub["user_id"], sub["agent_id"]) == ("req-1", "u-1", "sub-agent")
    assert calls["lookup", sub["run_id"]]["parent_span_id"] == sub["span_id"]
    # A run inside a run but outside a call: under the run; its own request.
    assert side["parent_run_id"] == outer["run_id"] and side["parent_span_id"] == outer["span_id"]
    assert (side["request_id"], side["trace_id"]) == ("req-2", outer["trace_id"])
    # A top-level run names no parent.
    assert "parent_run_id" not in outer
    assert all("call_id" not in c for c in calls.values())


def test_an_async_sub_run_in_an_async_tool_is_linked_too():
    rec = Recorder()
    gw = _gateway(rec)

    @gw.tool
    async def research(topic: str) -> str:
        async with gw.run():
            await asyncio.sleep(0)
            return topic

    async def main() -> None:
        async with gw.run(request_id="r"):
            await asyncio.gather(research("a"), research("b"))

    asyncio.run(main())
    rec.flush()
    top, *subs = rec.events("run_start")
    spans = {c["span_id"] for c in rec.events("tool_call")}
    assert len(subs) == 2
    assert all(s["parent_run_id"] == top["run_id"] and s["parent_span_id"] in spans for s in subs)
    assert len({s["parent_span_id"] for s in subs}) == 2  # each under its own call


def test_openai_agents_and_langchain_calls_carry_the_models_call_id():
    from agents import Agent, RunConfig, Runner, function_tool
    from agents.testing import ScriptedModel, assistant_message, function_call
    from langchain_core.tools import tool

    from tooltrail.integrations import langchain, openai_agents

    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)

    @function_tool
    def quote(symbol: str) -> str:
        return symbol

    @tool
    def invoice(order_id: int) -> str:
        """Gets an invoice."""
        return str(order_id)

    agent = openai_agents.instrument(Agent(name="a", tools=[quote]), gw)
    model = ScriptedModel([[function_call("quote", '{"symbol": "X"}', call_id="call_oa_1")], [assistant_message("ok")]])
    (wrapped,) = langchain.wrap_tools([invoice], gw)

    async def main() -> None:
        async with gw.run(request_id="r"):
            await Runner.run(agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True))
            wrapped.invoke({"name": "invoice", "args": {"order_id": 5}, "id": "call_lc_1", "type": "tool_call"})
            wrapped.invoke({"order_id": 6})  # not a tool call: no id

    asyncio.run(main())
    rec.flush()
    got = [(c["tool"], c.get("call_id")) for c in rec.events("tool_call")]
    assert got == [("quote", "call_oa_1"), ("invoice", "call_lc_1"), ("invoice", None)]
