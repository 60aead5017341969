"""Runs in Python: the shared runs scenario byte for byte, nested and
concurrent runs, async runs, and alert transitions on a controllable clock."""

import asyncio
import json
import threading

import pytest

import tooltrail

from conftest import ROOT

DIR = ROOT / "tests" / "vectors" / "gateway"


class HTTPError(Exception):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


class AgentBug(Exception):
    pass


def test_runs_scenario_bytes_match_the_golden_file(tmp_path):
    scenario = json.loads((DIR / "runs.json").read_text())
    writer = tooltrail.EventWriter(tmp_path)
    current = {}

    def tool(*args, **kwargs):
        action = current["action"]
        gw._advance_clock(action["latency_us"])
        outcome = action["outcome"]
        if "return" in outcome:
            return outcome["return"]
        raise HTTPError(outcome["message"], outcome["status"])

    gw = tooltrail.ToolGateway(impls={t: tool for t in scenario["tools"]}, logger=writer,
                               config=scenario["config"], _deterministic=scenario["start_us"])
    for run in scenario["runs"]:
        i = run["ids"]
        try:
            with gw.run(run_id=i["run_id"], trace_id=i["trace_id"], user_id=i["user_id"],
                        request_id=i["request_id"], agent_id=i.get("agent_id")) as r:
                for action in run["actions"]:
                    current["action"] = action
                    if "call" in action:
                        try:
                            r.call(action["call"], action["args"])
                        except (tooltrail.BudgetExceededError, tooltrail.LoopDetectedError, HTTPError):
                            pass
                    elif "step" in action:
                        try:
                            r.step()
                        except tooltrail.BudgetExceededError as e:
                            assert e.budget == "max_steps"
                    elif "spend" in action:
                        r.add_spend(action["spend"])
                    elif "advance_us" in action:
                        gw._advance_clock(action["advance_us"])
                    elif "stop" in action:
                        r.stop(action["stop"])
                    elif "raise" in action:
                        raise AgentBug(action["raise"])
        except AgentBug:
            pass
    assert writer.close(10.0)
    got = (tmp_path / "tooltrail.jsonl").read_text()
    ends = [json.loads(line)["stop_reason"] for line in got.splitlines() if '"run_end"' in line]
    assert ends == scenario["expected_stop_reasons"]
    assert got == (DIR / "runs.expected.jsonl").read_text()


class Memory:
    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def event(self, name, fields):
        with self.lock:
            self.events.append((name, fields))


def test_ids_are_generated_and_traceparent_is_continued():
    log = Memory()
    gw = tooltrail.ToolGateway(
        impls={"t": lambda: 1}, logger=log, config={"logging": {"ids": {"request_id": "optional"}}}
    )
    with gw.run() as run:
        run.call("t", {})
    with gw.run(traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") as traced:
        traced.call("t", {})
        header = traced.traceparent()
    starts = [f for n, f in log.events if n == "run_start"]
    assert len(starts[0]["run_id"]) == 32 and len(starts[0]["trace_id"]) == 32
    assert starts[1]["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert starts[1]["parent_span_id"] == "b7ad6b7169203331"
    call = [f for n, f in log.events if n == "tool_call"][1]
    assert call["parent_span_id"] == starts[1]["span_id"]
    assert header == f"00-0af7651916cd43dd8448eb211c80319c-{starts[1]['span_id']}-01"


def test_nested_concurrent_and_async_runs_keep_their_ids_apart():
    log = Memory()
    gw = tooltrail.ToolGateway(
        impls={"t": lambda run: run}, logger=log,
        config={"logging": {"ids": {"request_id": "optional"}}, "budgets": {"max_tool_calls": 50}},
    )
    with gw.run(run_id="outer") as outer:
        with gw.run(run_id="inner") as inner:
            inner.call("t", {"run": "inner"})
        outer.call("t", {"run": "outer"})

    def thread_run(k):
        with gw.run(run_id=f"thread-{k}") as r:
            for _ in range(20):
                r.call("t", {"run": f"thread-{k}"})
    threads = [threading.Thread(target=thread_run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def async_run(k):
        async with gw.run(run_id=f"task-{k}") as r:
            for _ in range(5):
                await r.acall("t", {"run": f"task-{k}"})
                await asyncio.sleep(0)
    async def main():
        await asyncio.gather(*(async_run(k) for k in range(4)))
    asyncio.run(main())

    calls = [f for n, f in log.events if n == "tool_call"]
    for f in calls:
        assert f["args_hash"] == tooltrail.stable_hash({"run": f["run_id"]})
    ends = {f["run_id"]: f for n, f in log.events if n == "run_end"}
    assert ends["outer"]["tool_calls"] == 1 and ends["inner"]["tool_calls"] == 1
    assert all(ends[f"thread-{k}"]["tool_calls"] == 20 for k in range(4))
    assert all(ends[f"task-{k}"]["tool_calls"] == 5 for k in range(4))
    assert all(e["stop_reason"] == "completed" for e in ends.values())


def test_a_run_that_raises_ends_error_and_cancelled_ends_cancelled():
    log = Memory()
    gw = tooltrail.ToolGateway(
        impls={"t": lambda: 1}, logger=log, config={"logging": {"ids": {"request_id": "optional"}}}
    )
    with pytest.raises(KeyError):
        with gw.run(run_id="r1"):
            raise KeyError("agent bug")

    async def cancelled():
        async with gw.run(run_id="r2"):
            await asyncio.sleep(10)
    async def main():
        task = asyncio.ensure_future(cancelled())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    asyncio.run(main())
    ends = {f["run_id"]: f["stop_reason"] for n, f in log.events if n == "run_end"}
    assert ends == {"r1": "error", "r2": "cancelled"}
    with pytest.raises(tooltrail.RunError):
        with gw.run(run_id="r3") as r:
            r.stop("bored")


def test_alerts_fire_above_the_threshold_hold_with_hysteresis_and_resolve_as_the_window_slides():
    log = Memory()
    seen = []
    cfg = {"logging": {"ids": {"request_id": "optional"},
                       "alerts": {"timeout_rate": {"warn": 0.2, "critical": 0.4}, "window_s": 60, "min_calls": 5,
                                  "validation_fail_rate": None, "tool_calls_per_run_p95": None}}}

    def slow(fail):
        if fail:
            raise TimeoutError("slow")
        return 1

    gw = tooltrail.ToolGateway(impls={"t": slow}, logger=log, config=cfg, on_alert=seen.append, _deterministic=0)
    ctx = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}

    def call(fail):
        try:
            gw.call(ctx, "t", {"fail": fail})
        except TimeoutError:
            pass

    for _ in range(4):
        call(False)                 # 0/4
    call(True)                      # 1/5 = 0.2: at the threshold, not above
    call(True)                      # 2/6 = 0.33 -> warn
    call(True)                      # 3/7 = 0.43 -> critical
    gw._advance_clock(30_000_000)
    for _ in range(3):
        call(False)                 # 3/8, 3/9 hold critical (above 0.4 * 0.8); 3/10 -> warn
    gw._advance_clock(31_000_000)   # the first 7 leave the window
    gw.check_alerts()               # 3 calls, under min_calls -> resolved
    alerts = [(f["rule"], f["level"], f["value"], f["threshold"], f.get("tripped_run_id"))
              for n, f in log.events if n == "alert"]
    assert alerts == [
        ("timeout_rate", "warn", 0.333333, 0.2, "r"),
        ("timeout_rate", "critical", 0.428571, 0.4, "r"),
        ("timeout_rate", "warn", 0.3, 0.2, "r"),
        ("timeout_rate", "resolved", 0.0, 0.2, None),
    ]
    assert [a["level"] for a in seen] == ["warn", "critical", "warn", "resolved"]
    m = gw.metrics()
    assert m["alerts"]["timeout_rate"] == "ok" and m["window_s"] == 60 and m["tool_results"] == 3
