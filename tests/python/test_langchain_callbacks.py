"""The LangChain callback handler: one line (`config={"callbacks": [handler]}`)
logs every tool and chat-model call of an invocation, with no tool wrapped:
a run per top-level invocation outside tooltrail runs, the model's call ids,
the exception's own error class, invalid arguments, the provider's usage;
budgets refuse; wrapped tools are not logged twice."""

import asyncio
from typing import Any

import pytest

import tooltrail
from tooltrail.testing import Recorder

pytest.importorskip("langchain_core")

from langchain_core.language_models import GenericFakeChatModel  # noqa: E402
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig, RunnableLambda  # noqa: E402
from langchain_core.tools import tool  # noqa: E402

from tooltrail.integrations.langchain import TooltrailCallbackHandler, wrap_tools  # noqa: E402


class RateLimited(Exception):
    status_code = 429


@tool
def search_orders(user: str) -> str:
    """Finds a user's orders."""
    return f"orders of {user}"


@tool
def get_invoice(order_id: int) -> str:
    """Fetches an order's invoice."""
    if order_id == 7:
        raise RateLimited("429 Too Many Requests")
    return f"invoice {order_id}"


def usage(i: int, o: int) -> "dict[str, Any]":
    return {"input_tokens": i, "output_tokens": o, "total_tokens": i + o,
            "input_token_details": {"cache_read": i // 2}}


def chat() -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([
        AIMessage("", tool_calls=[{"name": "search_orders", "args": {"user": "u1"}, "id": "call-1"}],
                  usage_metadata=usage(100, 10), response_metadata={"model_name": "gpt-4o-mini"}),
        AIMessage("", tool_calls=[{"name": "get_invoice", "args": {"order_id": 7}, "id": "call-2"},
                                  {"name": "get_invoice", "args": {"order_id": "seven"}, "id": "call-3"}],
                  usage_metadata=usage(200, 20), response_metadata={"model_name": "gpt-4o-mini"}),
        AIMessage("Your invoice is on its way.", usage_metadata=usage(300, 30),
                  response_metadata={"model_name": "gpt-4o-mini"}),
    ]))


def make_agent(tools: "list[Any]") -> Any:
    by_name = {t.name: t for t in tools}

    def loop(question: str, config: RunnableConfig) -> str:
        model = chat()
        messages: list[BaseMessage] = [HumanMessage(question)]
        while True:
            reply = model.invoke(messages, config)
            messages.append(reply)
            if not reply.tool_calls:
                return str(reply.content)
            for call in reply.tool_calls:
                try:
                    messages.append(by_name[call["name"]].invoke(call, config))
                except Exception as err:  # the model reads the error and goes on
                    messages.append(ToolMessage(str(err), tool_call_id=call["id"], status="error"))

    return RunnableLambda(loop)


def test_one_line_logs_the_tools_and_model_calls_of_an_invocation():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    agent = make_agent([search_orders, get_invoice])
    answer = agent.invoke("where?", config={"callbacks": [TooltrailCallbackHandler(gw)]})
    assert answer == "Your invoice is on its way."
    rec.flush()
    (start,) = rec.events("run_start")
    assert start["implicit"] is True  # a run of its own, for the invocation
    calls = {c["span_id"]: c for c in rec.events("tool_call")}
    got = [(calls[r["span_id"]]["call_id"], r["tool"], r["ok"], r.get("error_class"))
           for r in rec.events("tool_result")]
    assert got == [
        ("call-1", "search_orders", True, None),
        ("call-2", "get_invoice", False, "rate_limited"),
        ("call-3", "get_invoice", False, "invalid_arguments"),
    ]
    assert calls[rec.events("tool_result")[0]["span_id"]]["args_hash"] == tooltrail.stable_hash({"user": "u1"})
    steps = rec.events("model_call")
    keys = ("step", "model", "input_tokens", "output_tokens", "cached_input_tokens")
    got_steps = [tuple(s[k] for k in keys) for s in steps]
    assert got_steps == [
        (1, "gpt-4o-mini", 100, 10, 50), (2, "gpt-4o-mini", 200, 20, 100), (3, "gpt-4o-mini", 300, 30, 150)]
    assert [c["call_id"] for c in steps[1]["tool_calls"]] == ["call-2", "call-3"]
    (end,) = rec.events("run_end")
    assert rec.events()[-1]["event"] == "run_end"
    assert (end["tool_calls"], end["errors"], end["input_tokens"]) == (3, 2, 600)


def test_inside_a_run_and_with_wrapped_tools_each_call_is_logged_once():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    agent = make_agent(wrap_tools([search_orders], gw) + [get_invoice])

    async def main() -> None:
        async with gw.run(request_id="req-1"):
            await agent.ainvoke("where?", config={"callbacks": [TooltrailCallbackHandler(gw)]})

    asyncio.run(main())
    rec.flush()
    assert len(rec.events("run_start")) == 1 and rec.events("run_start")[0]["request_id"] == "req-1"
    assert sorted(c["call_id"] for c in rec.events("tool_call")) == ["call-1", "call-2", "call-3"]


def test_budgets_refuse_the_next_model_call():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"max_input_tokens": 250}})
    agent = make_agent([search_orders, get_invoice])
    with pytest.raises(tooltrail.BudgetExceededError):
        agent.invoke("where?", config={"callbacks": [TooltrailCallbackHandler(gw)]})
    rec.flush()
    assert len(rec.events("model_call")) == 2
    (end,) = rec.events("run_end")
    assert end["stop_reason"] == "max_spend"  # token budgets stop the run as spend does


def test_a_failing_logger_never_reaches_the_agent():
    class Broken:
        def event(self, name: str, fields: Any) -> None:
            raise RuntimeError("disk on fire")

    gw = tooltrail.ToolGateway(impls={}, logger=Broken())
    agent = make_agent([search_orders, get_invoice])
    config: Any = {"callbacks": [TooltrailCallbackHandler(gw)]}
    with pytest.warns(tooltrail.TooltrailWarning):
        assert agent.invoke("where?", config=config) == "Your invoice is on its way."
