"""tooltrail.integrations.langchain against the real langchain-core (the
version pinned in pyproject.toml), offline: langchain-core's fake chat model
asks for the tools."""

import asyncio
from typing import Annotated

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import InjectedToolArg, ToolException, tool

import tooltrail
from tooltrail.integrations.langchain import wrap_tools
from tooltrail.testing import Recorder

ran: list[str] = []


class Unavailable(Exception):
    status_code = 503


@tool
def get_orders(user: str, limit: int = 5) -> str:
    """A user's orders."""
    ran.append(user)
    if user == "nobody":
        raise ToolException(f"no user {user}")
    if user == "down":
        raise Unavailable("orders service down")
    return f"{limit} orders of {user}"


@tool
async def get_invoice(order_id: int, tenant: Annotated[str, InjectedToolArg] = "t") -> str:
    """An order's invoice."""
    ran.append(f"invoice {order_id}")
    return f"invoice {order_id} of {tenant}"


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def gateway(**config):
    rec = Recorder()
    return tooltrail.ToolGateway(impls={}, logger=rec, config=config or None), rec


def tool_call(name, args, id="c1"):
    return {"name": name, "args": args, "id": id, "type": "tool_call"}


def test_eight_concurrent_agents_log_each_call_under_its_own_run():
    gw, rec = gateway()
    tools = {t.name: t for t in wrap_tools([get_orders, get_invoice], gw)}

    async def agent(i: int) -> str:
        chat = GenericFakeChatModel(messages=iter([
            AIMessage("", tool_calls=[tool_call("get_orders", {"user": f"u{i}"}, f"a{i}"),
                                      tool_call("get_invoice", {"order_id": i}, f"b{i}")]),
            AIMessage("done"),
        ]))
        messages = [HumanMessage("hi")]
        async with gw.run(request_id=f"req-{i}") as run:
            while (reply := await chat.ainvoke(messages)).tool_calls:
                messages.append(reply)
                messages += await asyncio.gather(*(tools[c["name"]].ainvoke(c) for c in reply.tool_calls))
            assert [m.content for m in messages if isinstance(m, ToolMessage)] == [
                f"5 orders of u{i}", f"invoice {i} of t"]
            return run.run_id

    async def main():
        return await asyncio.gather(*(agent(i) for i in range(8)))

    run_ids = asyncio.run(main())
    rec.flush()
    for i, run_id in enumerate(run_ids):
        calls = {c["tool"]: c["args_hash"] for c in rec.run(run_id).calls()}  # run concurrently: any order
        assert calls == {"get_orders": tooltrail.stable_hash({"user": f"u{i}"}),
                         "get_invoice": tooltrail.stable_hash({"order_id": i})}
    assert len(ran) == 16  # each tool ran once per call: one gateway call, not two


def test_the_input_as_given_is_hashed_not_the_validated_values():
    gw, rec = gateway()
    orders, invoice = wrap_tools([get_orders, get_invoice], gw)
    async def main():
        async with gw.run(request_id="r"):
            assert orders.invoke({"user": "a", "limit": "7"}) == "7 orders of a"  # validated to 7 for the tool
            assert await invoice.ainvoke({"order_id": 3, "tenant": "acme"}) == "invoice 3 of acme"

    asyncio.run(main())
    rec.flush()
    assert rec.args_hashes() == [
        tooltrail.stable_hash({"user": "a", "limit": "7"}),
        tooltrail.stable_hash({"order_id": 3}),  # the injected argument is not the model's
    ]


def test_a_tool_exception_is_logged_then_handled_as_langchain_does():
    gw, rec = gateway()
    handled = get_orders.model_copy(update={"handle_tool_error": True})
    [strict], [lenient] = wrap_tools([get_orders], gw), wrap_tools([handled], gw)
    with gw.run(request_id="r"):
        message = lenient.invoke(tool_call("get_orders", {"user": "nobody"}))
        assert (message.content, message.status) == ("no user nobody", "error")
        with pytest.raises(ToolException, match="no user nobody"):
            strict.invoke({"user": "nobody"})
        with pytest.raises(Unavailable):  # not a ToolException: raised whatever handle_tool_error says
            lenient.invoke({"user": "down"})
    rec.flush()
    assert [(c["ok"], c["error_class"]) for c in rec.calls()] == [
        (False, "ToolException"), (False, "ToolException"), (False, "http_5xx")]


def test_a_budget_refusal_is_a_tool_exception():
    gw, rec = gateway(budgets={"max_tool_calls": 1})
    [orders] = wrap_tools([get_orders.model_copy(update={"handle_tool_error": True})], gw)

    async def main():
        async with gw.run(request_id="r"):
            assert await orders.ainvoke({"user": "a"}) == "5 orders of a"
            refused = await orders.ainvoke(tool_call("get_orders", {"user": "b"}))
            assert refused.status == "error" and "max_tool_calls" in refused.content

    asyncio.run(main())
    rec.flush()
    assert ran == ["a"]
    assert [(c["decision"], c["error_class"]) for c in rec.calls()] == [("allow", None), ("block", "budget_exceeded")]


def test_a_loop_guard_refusal_raises_tool_exception_from_the_gateway_error():
    gw, rec = gateway(budgets={"loop_guard": {"block_after": 2}})
    [orders] = wrap_tools([get_orders], gw)
    with gw.run(request_id="r"):
        orders.invoke({"user": "a"})
        with pytest.raises(ToolException) as raised:
            orders.invoke({"user": "a"})
    assert isinstance(raised.value.__cause__, tooltrail.LoopDetectedError)
    assert ran == ["a"]


def test_without_a_current_run_each_invoke_runs_under_an_implicit_run():
    gw, rec = gateway()
    [orders] = wrap_tools([get_orders], gw)
    with pytest.warns(tooltrail.TooltrailWarning, match="implicit run"):
        assert orders.invoke({"user": "a"}) == "5 orders of a"
        message = orders.invoke(tool_call("get_orders", {"user": "b"}))
        with pytest.raises(ToolException):
            orders.invoke({"user": "nobody"})
    assert ran == ["a", "b", "nobody"] and isinstance(message, ToolMessage)
    rec.flush()
    runs = rec.runs()
    assert [r.stop_reason for r in runs] == ["completed", "completed", "error"]
    assert [(c["ok"], c.get("error_class")) for c in rec.calls()] == [
        (True, None), (True, None), (False, "ToolException")]


def test_an_error_result_is_logged_as_a_failure_and_returned_as_is():
    @tool
    def fetch_status(url: str) -> dict:
        """Fetches a URL."""
        return {"status": 503, "body": "unavailable"}

    gw, rec = gateway()
    [fetch] = wrap_tools([fetch_status], gw)
    with gw.run(request_id="r"):
        assert fetch.invoke({"url": "u"}) == {"status": 503, "body": "unavailable"}
    rec.flush()
    [call] = rec.calls()
    assert (call["ok"], call["error_class"]) == (False, "http_5xx")


def test_wrapping_copies_the_tool():
    gw, _ = gateway()
    [orders] = wrap_tools([get_orders], gw)
    assert orders is not get_orders and orders.name == "get_orders" and orders.args == get_orders.args
    assert wrap_tools([orders], gw)[0] is orders  # once per gateway
    with gw.run(request_id="r"):
        assert get_orders.invoke({"user": "x"}) == "5 orders of x"  # the original is not wrapped
    with pytest.raises(TypeError, match="BaseTool"):
        wrap_tools([lambda: 1], gw)


def test_a_base_tool_subclass_run_from_ainvoke_is_one_call():
    from langchain_core.tools import BaseTool

    class Lookup(BaseTool):
        name: str = "lookup"
        description: str = "looks a key up"

        def _run(self, key: str) -> str:  # BaseTool's _arun runs this in a thread
            ran.append(key)
            return key.upper()

    gw, rec = gateway()
    [lookup] = wrap_tools([Lookup()], gw)

    async def main():
        async with gw.run(request_id="r"):
            return await lookup.ainvoke({"key": "k"})

    assert asyncio.run(main()) == "K"
    rec.flush()
    assert ran == ["k"] and rec.args_hashes() == [tooltrail.stable_hash({"key": "k"})]
