"""`run.follow(stream)`: a stream a run hands back (to a web framework's
streaming response) keeps the run open until it has been read, failed or
been closed; the run is current while each item is computed, so the calls
it makes count against the run's budgets and `run_end` comes after them.
Node's `gateway.run` does this for the streams it hands back."""

import asyncio

import tooltrail
from tooltrail.testing import Recorder


def _gateway() -> "tuple[tooltrail.ToolGateway, Recorder]":
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"max_tool_calls": 2}})
    return gw, rec


def test_a_generator_read_after_the_block_keeps_the_run_open_and_budgets_apply():
    gw, rec = _gateway()

    @gw.tool
    def quote(symbol: str) -> str:
        return f"{symbol}: 10"

    def lines():
        for s in ("A", "B", "C"):
            try:
                yield quote(s)
            except tooltrail.BudgetExceededError as err:
                yield f"refused: {err.code}"

    with gw.run(request_id="req-1") as run:
        body = run.follow(lines())
    rec.flush()
    assert [e["event"] for e in rec.events()] == ["run_start"]  # open: nobody read it yet
    assert list(body) == ["A: 10", "B: 10", "refused: budget_exceeded"]
    rec.flush()
    assert rec.events()[-1]["event"] == "run_end"
    end = rec.events("run_end")[0]
    assert (end["tool_calls"], end["refused"], end["stop_reason"]) == (2, 1, "max_tool_calls")


def test_an_async_stream_closed_early_ends_the_run():
    gw, rec = _gateway()

    @gw.tool
    async def quote(symbol: str) -> str:
        await asyncio.sleep(0)
        return f"{symbol}: 10"

    async def events():
        for s in ("A", "B", "C", "D"):
            yield await quote(s)

    async def main() -> "list[str]":
        async with gw.run(request_id="req-1") as run:
            stream = run.follow(events())
        seen = []
        async for item in stream:
            seen.append(item)
            break
        await stream.aclose()  # the client went away
        return seen

    assert asyncio.run(main()) == ["A: 10"]
    rec.flush()
    assert [e["event"] for e in rec.events()] == ["run_start", "tool_call", "tool_result", "run_end"]
