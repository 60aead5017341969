"""A support agent on LangChain (langchain-core), its tools logged by tooltrail.

Eight requests run at once (asyncio.gather), each in its own run; no ctx is
passed anywhere. The chat model is langchain-core's fake one, scripted to ask
for the tools, so this runs offline. A tool error goes back to the model as an
error ToolMessage (what LangGraph's ToolNode does by default). Run (with
examples/fake_api.py serving):
    FAKE_API=http://127.0.0.1:PORT .venv/bin/python examples/frameworks/langchain_agent.py LOG_DIR
"""

import asyncio
import json
import sys

from http_tools import gateway, http_get
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from tooltrail.integrations.langchain import wrap_tools


@tool
def search_orders(user: str) -> str:
    """Finds a user's orders."""
    return json.dumps(http_get(f"/orders?user={user}"))


@tool
def get_invoice(order_id: int) -> str:
    """Fetches an order's invoice."""
    return json.dumps(http_get(f"/invoice?id={order_id}"))


def model(i: int) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([
        AIMessage("", tool_calls=[{"name": "search_orders", "args": {"user": f"user-{i}"}, "id": f"call-{i}-1"}]),
        AIMessage("", tool_calls=[{"name": "get_invoice", "args": {"order_id": 100 + i}, "id": f"call-{i}-2"}]),
        AIMessage("Your invoice is on its way."),
    ]))


async def main(log_dir: str) -> None:
    gw = gateway(log_dir, "lc-py")
    tools = {t.name: t for t in wrap_tools([search_orders, get_invoice], gw)}

    async def handle(i: int) -> None:
        chat = model(i)
        messages: list[BaseMessage] = [HumanMessage(f"Where is my invoice? (request {i})")]
        async with gw.run(run_id=f"lc-py-run-{i}", request_id=f"lc-py-req-{i}"):
            while True:
                reply = await chat.ainvoke(messages)
                messages.append(reply)
                if not reply.tool_calls:
                    break
                for call in reply.tool_calls:
                    try:
                        messages.append(await tools[call["name"]].ainvoke(call))
                    except Exception as err:  # the model reads the error and goes on
                        messages.append(ToolMessage(str(err), tool_call_id=call["id"], status="error"))

    await asyncio.gather(*(handle(i) for i in range(8)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
