"""Never break the agent: a call with no ctx and no current run runs and is
logged under an implicit run (`run_start.implicit`, one warning per process);
`strict=True` refuses it; tooltrail's own failures never reach the tool call.
Streamed results (generators) are timed and classified to completion, and
adapters log error results (`isError`, an HTTP status) as failures.
docs/gateway.md ("Calls without a run"), docs/integrations.md."""

import asyncio
import time
import warnings
from typing import Any

import pytest

import tooltrail
from tooltrail import ToolGateway, TooltrailWarning, current_call, current_run, stable_hash
from tooltrail._native import _reset_warnings
from tooltrail.testing import Recorder

CTX = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}


class Memory:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def event(self, name: str, fields: dict[str, Any]) -> None:
        self.events.append((name, fields))

    def names(self) -> list[str]:
        return [n for n, _ in self.events]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [f for n, f in self.events if n == name]


class RateLimited(Exception):
    status_code = 429


@pytest.fixture(autouse=True)
def _fresh_warnings():
    _reset_warnings()
    yield
    _reset_warnings()


def test_a_call_without_ctx_or_run_runs_under_an_implicit_run_and_warns_once():
    log = Memory()
    gw = ToolGateway(impls={"double": lambda x: x * 2}, logger=log)
    with pytest.warns(TooltrailWarning, match="implicit run") as said:
        assert gw.call(None, "double", {"x": 2}) == 4
        assert gw.call(None, "double", {"x": 3}) == 6
    assert len(said) == 1
    assert log.names() == ["run_start", "tool_call", "tool_result", "run_end"] * 2
    starts, calls, ends = log.of("run_start"), log.of("tool_call"), log.of("run_end")
    assert [s["implicit"] for s in starts] == [True, True]
    assert starts[0]["run_id"] != starts[1]["run_id"]  # one run per call
    assert [c["run_id"] for c in calls] == [s["run_id"] for s in starts]
    assert calls[0]["request_id"] == starts[0]["run_id"] and calls[0]["args_hash"] == stable_hash({"x": 2})
    assert [(e["stop_reason"], e["tool_calls"]) for e in ends] == [("completed", 1)] * 2


def test_wrappers_and_acall_run_without_a_run_and_the_run_is_current_in_the_tool():
    log = Memory()
    gw = ToolGateway(impls={}, logger=log)
    seen: list[Any] = []

    @gw.tool
    def inner(v: int) -> int:
        return v + 1

    @gw.tool
    def outer(v: int) -> int:
        seen.append((current_run().run_id, current_call().tool))  # type: ignore[union-attr]
        return inner(v)  # a call inside the tool joins the implicit run

    @gw.tool
    async def later(v: int) -> int:
        await asyncio.sleep(0)
        return v

    with pytest.warns(TooltrailWarning):
        assert outer(1) == 2
        assert asyncio.run(later(5)) == 5
        assert asyncio.run(gw.acall(None, "inner", {"v": 1})) == 2
    starts = log.of("run_start")
    assert len(starts) == 3 and all(s["implicit"] for s in starts)
    first = [c for c in log.of("tool_call") if c["run_id"] == starts[0]["run_id"]]
    assert [c["tool"] for c in first] == ["outer", "inner"] and seen[0][0] == starts[0]["run_id"]
    assert log.of("run_end")[0]["tool_calls"] == 2
    assert current_run() is None


def test_a_failing_implicit_call_raises_as_before_and_ends_its_run_error():
    log = Memory()

    def boom() -> None:
        raise ValueError("bad")

    gw = ToolGateway(impls={"boom": boom}, logger=log)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError):
            gw.call(None, "boom", {})
        with pytest.raises(tooltrail.UnknownToolError):
            gw.call(None, "nope", {})
    assert [e["stop_reason"] for e in log.of("run_end")] == ["error", "error"]
    assert log.of("tool_result")[0]["error_class"] == "ValueError"


def test_strict_keeps_the_refusal_and_logs_nothing():
    ran: list[int] = []
    log = Memory()
    gw = ToolGateway(impls={"t": lambda: ran.append(1)}, logger=log, strict=True)
    assert gw.strict is True and ToolGateway(impls={}, logger=log).strict is False
    tool = gw.wrap(lambda: ran.append(2), name="w")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either
        for attempt in (tool, lambda: gw.call(None, "t", {}), lambda: asyncio.run(gw.acall(None, "t", {}))):
            with pytest.raises(tooltrail.MissingIdError, match="no current run") as info:
                attempt()
            assert info.value.key == "run_id"
    assert ran == [] and log.events == []
    with gw.run(request_id="q"):
        gw.call(None, "t", {})
    assert ran == [1]


def test_with_optional_ids_no_implicit_run_is_opened():
    config = {"logging": {"ids": {"run_id": "optional", "trace_id": "optional", "request_id": "optional"}}}
    log = Memory()
    gw = ToolGateway(impls={"t": lambda: 1}, logger=log, config=config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gw.call(None, "t", {}) == 1
    assert log.names() == ["tool_call", "tool_result"]


def test_a_failing_logger_or_alert_callback_is_said_once_per_process_naming_the_failure():
    class Broken:
        def event(self, name: str, fields: dict[str, Any]) -> None:
            raise RuntimeError("disk on fire")

    with pytest.warns(TooltrailWarning) as said:
        for _ in range(2):  # two gateways: still one warning
            gw = ToolGateway(impls={"t": lambda: 5}, logger=Broken())
            assert gw.call(CTX, "t", {}) == 5
            assert gw.call(None, "t", {}) == 5  # an implicit run's events fail too
    messages = [str(w.message) for w in said]
    assert sum("the logger failed" in m for m in messages) == 1
    assert any("disk on fire" in m for m in messages)

    def on_alert(fields: dict[str, Any]) -> None:
        raise ValueError("pager down")

    config = {"logging": {"alerts": {"timeout_rate": {"warn": 0.2, "critical": 0.4}, "min_calls": 5}}}

    def fail() -> None:
        raise TimeoutError("slow")

    with pytest.warns(TooltrailWarning) as alerted:
        for _ in range(2):
            gw = ToolGateway(impls={"f": fail}, logger=Recorder(), config=config, on_alert=on_alert)
            for _ in range(6):
                with pytest.raises(TimeoutError):
                    gw.call(CTX, "f", {})
    alert_messages = [str(w.message) for w in alerted if "alert callback failed" in str(w.message)]
    assert len(alert_messages) == 1 and "pager down" in alert_messages[0]


def test_a_generator_tool_is_timed_and_classified_to_completion():
    log = Memory()
    gw = ToolGateway(impls={}, logger=log, config={"logging": {"ids": {"request_id": "optional"}}})

    @gw.tool
    def stream(n: int):  # type: ignore[no-untyped-def]
        assert current_call() is not None and current_call().tool == "stream"  # type: ignore[union-attr]
        yield n
        time.sleep(0.06)
        raise RateLimited("429 Too Many Requests")

    @gw.tool
    async def astream(n: int):  # type: ignore[no-untyped-def]
        yield n
        await asyncio.sleep(0.06)
        raise RateLimited("429 Too Many Requests")

    @gw.tool
    def counted(n: int):  # type: ignore[no-untyped-def]
        yield from range(n)

    async def consume() -> list[int]:
        got = []
        with pytest.raises(RateLimited):
            async for item in astream(7):
                got.append(item)
        return got

    with gw.run():
        with pytest.raises(RateLimited):
            assert list(stream(1)) == [1]
        assert asyncio.run(consume()) == [7]
        assert list(counted(3)) == [0, 1, 2]
        early = counted(5)
        assert next(early) == 0
        early.close()
    results = log.of("tool_result")
    assert [(r["tool"], r["ok"], r.get("error_class")) for r in results] == [
        ("stream", False, "rate_limited"), ("astream", False, "rate_limited"),
        ("counted", True, None), ("counted", False, "cancelled")]
    assert results[0]["latency_ms"] >= 60 and results[1]["latency_ms"] >= 60
    # The same through gateway.call and acall.
    gw2 = ToolGateway(impls={"stream": stream.__wrapped__}, logger=log)  # type: ignore[attr-defined]
    with pytest.raises(RateLimited):
        list(gw2.call(CTX, "stream", {"n": 1}))
    assert log.of("tool_result")[-1]["error_class"] == "rate_limited"


def test_a_logger_that_raises_never_reaches_an_implicit_call():
    class Broken:
        def event(self, name: str, fields: dict[str, Any]) -> None:
            raise RuntimeError("queue full")

    gw = ToolGateway(impls={"t": lambda: "ok"}, logger=Broken())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # even warnings turned into errors
        assert gw.call(None, "t", {}) == "ok"
