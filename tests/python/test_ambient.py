"""Ambient context (current run / current call) and the wrappers
(`gateway.wrap`, `@gateway.tool`): docs/integrations.md."""

import asyncio
import contextvars
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import tooltrail
from tooltrail import ToolGateway, current_call, current_run, parse_traceparent, stable_hash

OPTIONAL_REQUEST = {"logging": {"ids": {"request_id": "optional"}}}


class Memory:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def event(self, name: str, fields: dict[str, Any]) -> None:
        self.events.append((name, fields))

    def of(self, name: str) -> list[dict[str, Any]]:
        return [f for n, f in self.events if n == name]


def gateway(config: Any = OPTIONAL_REQUEST, **kw: Any) -> tuple[ToolGateway, Memory]:
    log = Memory()
    return ToolGateway(impls=kw.pop("impls", {}), logger=log, config=config, **kw), log


def test_eight_concurrent_runs_under_gather_keep_their_ids_without_any_ctx():
    gw, log = gateway()
    sent: list[dict[str, Any]] = []

    @gw.tool
    def lookup(key: str) -> str:
        return f"{current_run().run_id}:{key}"  # type: ignore[union-attr]

    @gw.tool
    async def http_get(url: str) -> dict[str, Any]:
        call = current_call()
        assert call is not None
        headers = {"traceparent": call.traceparent()}
        await asyncio.sleep(0.001 * (hash(url) % 5))  # interleave the runs
        sent.append({"url": url, "headers": headers, "run_id": call.run_id, "span_id": call.span_id})
        return {"status": 200, "via": lookup(url)}

    async def agent(i: int) -> tuple[str, list[Any]]:
        async with gw.run(run_id=f"run-{i}") as run:
            assert current_run() is run
            out = []
            for step in range(3):
                out.append(await http_get(f"https://svc/{i}/{step}"))
                await asyncio.sleep(0)
            return run.run_id, out

    async def main() -> list[tuple[str, list[Any]]]:
        return await asyncio.gather(*(agent(i) for i in range(8)))

    results = asyncio.run(main())
    assert current_run() is None and current_call() is None
    for run_id, out in results:
        assert [o["via"].split(":")[0] for o in out] == [run_id] * 3
    calls = log.of("tool_call")
    assert len(calls) == 8 * 3 * 2
    by_span = {c["span_id"]: c for c in calls}
    # Each run's calls: seq 1..6 in its own run, ids from that run only.
    for i in range(8):
        mine = [c for c in calls if c["run_id"] == f"run-{i}"]
        assert [c["seq"] for c in mine] == [1, 2, 3, 4, 5, 6]
        assert {c["trace_id"] for c in mine} == {mine[0]["trace_id"]}
    # Every outgoing header: the run's trace, the tool call's span as parent;
    # the header is not part of the hashed args.
    assert len(sent) == 24
    for s in sent:
        trace_id, parent, sampled = parse_traceparent(s["headers"]["traceparent"])  # type: ignore[misc]
        call = by_span[parent]
        assert call["tool"] == "http_get" and call["run_id"] == s["run_id"]
        assert call["trace_id"] == trace_id and parent == s["span_id"]
        assert call["args_hash"] == stable_hash({"url": s["url"]})
    # The nested sync tool ran under the same run, right after its caller.
    for i in range(8):
        mine = [c for c in calls if c["run_id"] == f"run-{i}"]
        assert [c["tool"] for c in mine] == ["http_get", "lookup"] * 3
        urls = [f"https://svc/{i}/{step}" for step in range(3)]
        assert [c["args_hash"] for c in mine[1::2]] == [stable_hash({"key": u}) for u in urls]


def test_wrappers_keep_the_signature_and_sync_or_async():
    gw, _ = gateway()

    def search(query: str, limit: int = 10, *, lang: str = "en") -> list[str]:
        """Searches."""
        return [query] * limit

    async def fetch(url: str) -> str:
        return url

    wrapped = gw.wrap(search)
    awrapped = gw.tool(fetch)
    assert inspect.signature(wrapped) == inspect.signature(search)
    assert wrapped.__name__ == "search" and wrapped.__doc__ == "Searches." and wrapped.__wrapped__ is search  # type: ignore[attr-defined]
    assert not inspect.iscoroutinefunction(wrapped)
    assert inspect.iscoroutinefunction(awrapped)
    named = gw.tool(name="web_search")(search)
    with gw.run():
        assert wrapped("a", 2) == ["a", "a"]
        assert asyncio.run(awrapped("u")) == "u"  # a new loop copies the context
        assert named("b", limit=1) == ["b"]


def test_the_hashed_args_are_what_the_caller_passed_by_parameter_name():
    gw, log = gateway()

    def search(query: str, limit: int = 10, *rest: int, lang: str = "en", **extra: Any) -> int:
        return limit

    wrapped = gw.wrap(search)
    with gw.run() as run:
        wrapped("x")
        gw.call(None, "search", {"query": "x"})
        run.call("search", {"query": "x"})
        wrapped("x", 5, 1, 2, lang="fr", tag="t")
        wrapped("x", 10)  # the default passed explicitly is part of the args
    hashes = [c["args_hash"] for c in log.of("tool_call")]
    assert hashes[0] == hashes[1] == hashes[2] == stable_hash({"query": "x"})
    assert hashes[3] == stable_hash({"query": "x", "limit": 5, "rest": [1, 2], "lang": "fr", "tag": "t"})
    assert hashes[4] == stable_hash({"query": "x", "limit": 10}) != hashes[0]
    with pytest.raises(TypeError):
        wrapped()  # does not fit the signature: raised before the gateway
    assert len(log.of("tool_call")) == 5


def test_a_strict_gateway_refuses_a_call_without_ctx_or_run_and_the_tool_does_not_run():
    ran = []
    gw, log = gateway(config=None, strict=True)
    tool = gw.wrap(lambda: ran.append(1), name="t")
    for attempt in (tool, lambda: gw.call(None, "t", {})):
        with pytest.raises(tooltrail.MissingIdError) as info:
            attempt()
        assert info.value.code == "missing_id" and info.value.key == "run_id"
        assert "no current run" in str(info.value)
    with pytest.raises(tooltrail.MissingIdError):
        asyncio.run(gw.acall(None, "t", {}))
    assert ran == [] and log.events == []


def test_with_optional_ids_a_call_without_run_runs_and_is_logged_without_ids():
    config = {"logging": {"ids": {"run_id": "optional", "trace_id": "optional", "request_id": "optional"}}}
    gw, log = gateway(config=config)
    tool = gw.wrap(lambda x: x * 2, name="double")
    assert tool(3) == 6
    (call,) = log.of("tool_call")
    assert call["run_id"] is None and call["trace_id"] is None and call["args_hash"] == stable_hash({"x": 3})


def test_an_explicit_ctx_wins_over_the_current_run():
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    gw, log = gateway(impls={"echo": lambda v: current_call()})
    with gw.run(run_id="ambient"):
        # gateway.call with a ctx is the native fast path: no current call.
        assert gw.call({"run_id": "explicit", "trace_id": trace}, "echo", {"v": 1}) is None
        ambient = gw.call(None, "echo", {"v": 1})
        assert ambient.run_id == "ambient" and ambient.trace_id != trace
        explicit = asyncio.run(gw.acall({"run_id": "explicit2", "trace_id": trace}, "echo", {"v": 1}))
        assert explicit.run_id == "explicit2" and explicit.trace_id == trace
        incoming = {"run_id": "explicit3", "traceparent": f"00-{trace}-00f067aa0ba902b7-01"}
        continued = asyncio.run(gw.acall(incoming, "echo", {"v": 2}))
        assert continued.trace_id == trace and continued.run_id == "explicit3"
    assert [c["run_id"] for c in log.of("tool_call")] == ["explicit", "ambient", "explicit2", "explicit3"]
    assert log.of("tool_call")[3]["parent_span_id"] == "00f067aa0ba902b7"
    assert log.of("tool_call")[2]["span_id"] == explicit.span_id


def test_runs_nest_and_the_outer_run_is_current_again_after_the_inner():
    gw, _ = gateway()
    with gw.run(run_id="outer") as outer:
        with gw.run(run_id="inner") as inner:
            assert current_run() is inner
        assert current_run() is outer
        with pytest.raises(ValueError):
            with gw.run(run_id="fails"):
                raise ValueError("x")
        assert current_run() is outer
    assert current_run() is None


def test_threads_inherit_through_run_wrap_or_a_copied_context():
    gw, log = gateway()
    who = gw.wrap(lambda: current_run().run_id if current_run() else None, name="who")  # type: ignore[union-attr]
    with gw.run(run_id="r") as run, ThreadPoolExecutor(2) as pool:
        assert pool.submit(lambda: current_run()).result() is None  # a pool thread: no run
        assert pool.submit(run.wrap(who)).result() == "r"
        assert pool.submit(contextvars.copy_context().run, who).result() == "r"

        async def via_to_thread() -> Any:
            return await asyncio.to_thread(who)

        assert asyncio.run(via_to_thread()) == "r"
    assert [c["run_id"] for c in log.of("tool_call")] == ["r", "r", "r"]

    async def coro() -> Any:
        return current_run()

    assert asyncio.run(run.wrap(coro)()) is run


def test_wrapped_calls_get_validators_budgets_and_the_loop_guard():
    config = {**OPTIONAL_REQUEST, "budgets": {"max_tool_calls": 3, "loop_guard": {"warn_after": 1, "block_after": 2}}}
    gw, log = gateway(config=config, validators={"check": lambda r: r != "bad"})
    check = gw.tool(lambda v: v, name="check")
    with gw.run():
        assert check("good") == "good"
        with pytest.raises(tooltrail.ToolValidationError):
            check("bad")
        with pytest.raises(tooltrail.LoopDetectedError):
            check("good")
        assert check("third") == "third"
        with pytest.raises(tooltrail.BudgetExceededError):
            check("fourth")
    assert log.of("run_end")[0]["stop_reason"] == "loop_detected"


def test_a_wrapped_name_already_in_impls_keeps_its_implementation_for_call():
    gw, _ = gateway(impls={"t": lambda: "registered"})
    wrapped = gw.wrap(lambda: "wrapped", name="t")
    with gw.run():
        assert wrapped() == "wrapped"
        assert gw.call(None, "t", {}) == "registered"
    gw2, _ = gateway()
    gw2.wrap(lambda: "added", name="u")
    with gw2.run() as run:
        assert run.call("u", {}) == "added"


def test_current_call_is_set_only_while_the_tool_runs_and_failures_are_logged():
    gw, log = gateway()
    seen = []

    @gw.tool
    def boom() -> None:
        seen.append(current_call())
        raise KeyError("k")

    with gw.run(), pytest.raises(KeyError):
        boom()
    assert current_call() is None
    (call,) = seen
    assert call is not None and call.tool == "boom" and call.seq == 1
    assert log.of("tool_result")[0]["error_class"] == "KeyError"
    assert "boom" in repr(call)
    assert call.traceparent() is not None
    assert isinstance(tooltrail.Call, type)
