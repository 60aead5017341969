"""Every call the model attempted is in the log: arguments a framework
refuses (not JSON, or failing the tool's schema) give a `tool_call` and a
failed `tool_result` with error class `invalid_arguments` and the
framework's message, and the framework answers the model as before."""

import asyncio

import pytest

import tooltrail
from tooltrail.testing import Recorder


def _summary(rec: Recorder) -> "list[tuple]":
    rec.flush()
    calls = {c["span_id"]: c for c in rec.events("tool_call")}
    return [
        (r["tool"], calls[r["span_id"]].get("call_id"), r["ok"], r.get("error_class"))
        for r in rec.events("tool_result")
    ]


def test_openai_agents_arguments_that_are_not_json_or_fail_the_schema():
    from agents import Agent, RunConfig, Runner, function_tool
    from agents.testing import ScriptedModel, assistant_message, function_call

    from tooltrail.integrations.openai_agents import instrument

    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)

    @function_tool
    def quote(symbol: str, qty: int) -> str:
        return f"{qty} {symbol}"

    model = ScriptedModel([
        [function_call("quote", '{"symbol": "X", "qty": "many"}', call_id="c1"),
         function_call("quote", "{not json", call_id="c2"),
         function_call("quote", '{"symbol": "Y", "qty": 2}', call_id="c3")],
        [assistant_message("done")],
    ])
    agent = instrument(Agent(name="a", tools=[quote]), gw)

    async def main() -> str:
        async with gw.run(request_id="r"):
            result = await Runner.run(agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True))
            return str(result.final_output)

    assert asyncio.run(main()) == "done"  # the SDK answered the model as before
    assert sorted(_summary(rec), key=lambda s: s[1]) == [
        ("quote", "c1", False, "invalid_arguments"),
        ("quote", "c2", False, "invalid_arguments"),
        ("quote", "c3", True, None),
    ]
    results = {r["span_id"]: r for r in rec.events("tool_result")}
    bad = [results[c["span_id"]] for c in rec.events("tool_call") if c["call_id"] in ("c1", "c2")]
    assert all("Invalid JSON input for tool quote" in r["error_message"] for r in bad)
    assert [c.get("args_error", {}).get("kind") for c in rec.events("tool_call")].count("invalid_json") == 1


@pytest.mark.parametrize("mode", ["raise", "handled", "async"])
def test_langchain_validation_failures(mode):
    from langchain_core.tools import tool

    from tooltrail.integrations.langchain import wrap_tools

    @tool
    def invoice(order_id: int) -> str:
        """Gets an invoice."""
        return str(order_id)

    invoice.handle_validation_error = mode != "raise"
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    (wrapped,) = wrap_tools([invoice], gw)
    bad = {"name": "invoice", "args": {"order_id": "abc"}, "id": "c1", "type": "tool_call"}
    with gw.run(request_id="r"):
        if mode == "raise":
            with pytest.raises(Exception, match="order_id"):
                wrapped.invoke(bad)
        elif mode == "handled":
            assert wrapped.invoke(bad).content == "Tool input validation error"
        else:
            assert asyncio.run(wrapped.ainvoke(bad)).content == "Tool input validation error"
        good = {"name": "invoice", "args": {"order_id": 7}, "id": "c2", "type": "tool_call"}
        assert wrapped.invoke(good).content == "7"
    assert _summary(rec) == [("invoice", "c1", False, "invalid_arguments"), ("invoice", "c2", True, None)]
    message = rec.events("tool_result")[0]["error_message"]
    assert ("order_id" in message) if mode == "raise" else message == "Tool input validation error"
