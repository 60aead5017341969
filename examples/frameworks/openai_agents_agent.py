"""A support agent on the OpenAI Agents SDK, its tools logged by tooltrail.

Eight requests run at once (asyncio.gather), each in its own run; no ctx is
passed anywhere. The model is a stub (agents.testing.ScriptedModel) that asks
for the tools, so this runs offline. Run (with examples/fake_api.py serving):
    FAKE_API=http://127.0.0.1:PORT .venv/bin/python examples/frameworks/openai_agents_agent.py LOG_DIR
"""

import asyncio
import json
import sys

from agents import Agent, RunConfig, Runner, function_tool
from agents.testing import ScriptedModel, assistant_message, function_call
from http_tools import gateway, http_get

from tooltrail.integrations.openai_agents import instrument


@function_tool
def search_orders(user: str) -> str:
    """Finds a user's orders."""
    return json.dumps(http_get(f"/orders?user={user}"))


@function_tool
def get_invoice(order_id: int) -> str:
    """Fetches an order's invoice."""
    return json.dumps(http_get(f"/invoice?id={order_id}"))


def model(i: int) -> ScriptedModel:
    return ScriptedModel([
        [function_call("search_orders", {"user": f"user-{i}"}, call_id=f"call-{i}-1")],
        [function_call("get_invoice", {"order_id": 100 + i}, call_id=f"call-{i}-2")],
        [assistant_message("Your invoice is on its way.")],
    ])


async def main(log_dir: str) -> None:
    gw = gateway(log_dir, "oa-py")
    agent = instrument(Agent(name="support", tools=[search_orders, get_invoice]), gw)

    async def handle(i: int) -> None:
        async with gw.run(run_id=f"oa-py-run-{i}", request_id=f"oa-py-req-{i}"):
            config = RunConfig(model=model(i), tracing_disabled=True)
            await Runner.run(agent, f"Where is my invoice? (request {i})", run_config=config)

    await asyncio.gather(*(handle(i) for i in range(8)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
