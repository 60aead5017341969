"""The query API over the golden logs: the same answers as the CLI's --json."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tooltrail

from conftest import ROOT

RUNS = ROOT / "tests" / "vectors" / "gateway" / "runs.expected.jsonl"
BASIC = ROOT / "tests" / "vectors" / "gateway" / "basic.expected.jsonl"


def test_runs_and_filters():
    logs = tooltrail.Logs(RUNS)
    reasons = [r["stop_reason"] for r in logs.runs()]
    assert reasons == [
        "max_tool_calls", "loop_detected", "max_steps", "max_spend", "max_duration", "error", "timeout", "completed",
    ]
    (spend,) = logs.runs(stop_reason="max_spend")
    assert spend["run_id"] == "run-spend" and spend["spend_usd"] == pytest.approx(1.2)
    assert [r["run_id"] for r in logs.runs(error_class="http_5xx")] == ["run-completed"]
    assert logs.runs(user="nobody") == []


def test_timeline_stats_loops_alerts():
    logs = tooltrail.Logs(BASIC)
    events = logs.timeline("run-1")
    assert len(events) == 19 and events[0]["event"] == "tool_call"
    stats = logs.stats(top=1)
    fetch = next(t for t in stats["tools"] if t["tool"] == "fetch_invoice")
    assert fetch["errors"] == {"http_4xx": 1, "http_5xx": 1, "rate_limited": 1, "timeout": 1}
    assert stats["hottest"] == [{"tool": "fetch_invoice", "args_hash": stats["hottest"][0]["args_hash"], "calls": 3}]
    assert logs.alerts() == []  # 9 results: under the default min_calls (20)
    replayed = logs.alerts(config={"logging": {"alerts": {"min_calls": 1}}})
    assert [(a["rule"], a["level"], a["tripped_run_id"]) for a in replayed] == [
        ("timeout_rate", "critical", "run-1"), ("validation_fail_rate", "critical", "run-1"),
    ]
    (loop,) = tooltrail.Logs(RUNS).loops()
    assert (loop["run_id"], loop["count"], loop["blocked"]) == ("run-loop", 3, 1)


def test_stats_and_loops_filter_by_agent():
    # Only run-completed has its own agent_id in the runs scenario.
    logs = tooltrail.Logs(RUNS)
    tools = logs.stats(agent_id="billing-bot")["tools"]
    assert [(t["tool"], t["calls"]) for t in tools] == [("fetch", 1), ("search", 1)]
    assert [f["run_id"] for f in logs.loops(1, agent_id="billing-bot")] == ["run-completed", "run-completed"]
    assert logs.loops(agent_id="nobody") == []
    assert len(logs.stats()["tools"]) >= 2 and logs.loops() != []


def test_agent_logs_and_metrics_in_the_seeds_shape():
    # The golden logs have no agent_id: None means every agent.
    entries = tooltrail.agent_logs(limit=3, path=RUNS)
    assert len(entries) == 3
    for e in entries:
        assert {"ts", "tool", "decision", "args_hash", "spend_usd", "reason"} <= set(e)
    assert entries == tooltrail.Logs(RUNS).agent_logs(None, 3)
    assert [e["ts"] for e in entries] == sorted((e["ts"] for e in entries), reverse=True)
    assert tooltrail.agent_logs("nobody", path=RUNS) == []
    totals = tooltrail.agent_metrics(None, "all", path=RUNS)
    assert totals["blocked_actions"] == sum(r["refused"] for r in tooltrail.Logs(RUNS).runs())
    assert set(totals) >= {"total_spend_usd", "blocked_actions", "runs", "tool_calls", "period"}


def test_same_answers_as_the_cli():
    cli = Path(sys.executable).with_name("tooltrail")
    out = subprocess.run([str(cli), "runs", str(RUNS), "--json"], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == tooltrail.Logs(RUNS).runs()


def test_errors_are_typed():
    with pytest.raises(tooltrail.QueryError) as info:
        tooltrail.Logs("/nonexistent/logs").runs()
    assert isinstance(info.value, ValueError) and "/nonexistent/logs" in str(info.value)
    with pytest.raises(tooltrail.UnknownRunError):
        tooltrail.Logs(RUNS).timeline("no-such-run")


def test_options_are_checked_by_the_core_and_name_the_key():
    cases = [
        (lambda: tooltrail.agent_logs("a", limit=-1, path=RUNS), "limit"),
        (lambda: tooltrail.agent_metrics("a", period="fortnight", path=RUNS), "period"),
        (lambda: tooltrail.Logs(RUNS).runs(stop_reason=3), "stop_reason"),
        (lambda: tooltrail.Logs(BASIC).stats(top="3"), "top"),
        (lambda: tooltrail.Logs(RUNS).loops(min=-1), "min"),
    ]
    for call, key in cases:
        with pytest.raises(tooltrail.TooltrailError) as info:
            call()
        assert (info.value.code, info.value.key) == ("invalid_argument", key), info.value
        assert key in str(info.value)


def test_defaults_live_in_the_core():
    logs = tooltrail.Logs(BASIC)
    assert logs.stats() == logs.stats(top=10)
    assert tooltrail.agent_logs(path=RUNS) == tooltrail.agent_logs(limit=50, path=RUNS)
    assert tooltrail.agent_metrics(path=RUNS)["period"] == "day"
    assert tooltrail.Logs(RUNS).loops() == tooltrail.Logs(RUNS).loops(min=3)
    assert logs.alerts(config={"logging": {"alerts": {"timeout_rate": None, "validation_fail_rate": None}}}) == []


def test_unreadable_logs_raise_query_error_not_an_empty_answer(tmp_path):
    shutil.copy(RUNS, tmp_path / "tooltrail.1.jsonl")
    (tmp_path / "tooltrail.jsonl").mkdir()  # read(2) fails (EISDIR), even as root
    logs = tooltrail.Logs(tmp_path)
    for ask in (logs.runs, logs.stats, logs.loops, logs.alerts, lambda: logs.timeline("run-loop")):
        with pytest.raises(tooltrail.QueryError) as info:
            ask()
        assert info.value.code == "query_error" and "tooltrail.jsonl" in str(info.value)
