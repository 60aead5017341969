"""OTLP export end to end: a scripted run from Python and from Node goes
through a real collector (rotel, pinned in the `test` extra) listening on
loopback, which forwards it to a recording receiver; the test asserts what
arrived: log records, span names, GenAI attributes and parent links."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tooltrail

sys.path.insert(0, str(Path(__file__).with_name("otlp")))
from collector import Collector  # noqa: E402
from receiver import Receiver  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
EVENTS = ["run_start", "tool_call", "tool_result", "tool_call", "tool_result", "run_end"]


def wait_for(receiver, records, spans, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(receiver.records()) >= records and len(receiver.spans()) >= spans:
            return
        time.sleep(0.05)
    raise AssertionError(f"collector forwarded {len(receiver.records())} records, {len(receiver.spans())} spans")


def local_lines(logs_dir):
    text = (Path(logs_dir) / "tooltrail.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def check_run(receiver, lines, run_id, fail_class):
    """What the collector got matches the local file, with linked spans."""
    assert [e["event"] for e in lines] == EVENTS
    records = sorted(receiver.records(), key=lambda r: (r["time"], EVENTS.index(r["body"])))
    assert sorted(r["body"] for r in records) == sorted(EVENTS)
    for rec in records:
        assert rec["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert rec["attributes"]["run_id"] == run_id
        assert rec["attributes"]["event"] == rec["body"]
        assert rec["resource"]["service.name"] == "tooltrail"
    by_event = {}
    for e in lines:
        by_event.setdefault(e["event"], []).append(e)
    assert {r["span_id"] for r in records} == {e["span_id"] for e in lines}
    call = next(r for r in records if r["body"] == "tool_call" and r["attributes"]["tool"] == "search")
    assert call["attributes"]["args_hash"] == tooltrail.stable_hash({"q": "refund"})
    assert call["attributes"]["seq"] == 1
    failed = next(r for r in records if r["body"] == "tool_result" and not r["attributes"]["ok"])
    assert failed["attributes"]["error_class"] == fail_class
    assert failed["severity"] == 13  # WARN

    spans = {s["name"]: s for s in receiver.spans()}
    assert set(spans) == {"invoke_agent", "execute_tool search", "execute_tool fail"}
    run_span = spans["invoke_agent"]
    start = by_event["run_start"][0]
    assert run_span["span_id"] == start["span_id"]
    assert run_span["parent_span_id"] == "00f067aa0ba902b7"  # the incoming traceparent
    assert run_span["attributes"]["gen_ai.operation.name"] == "invoke_agent"
    assert run_span["attributes"]["tooltrail.stop_reason"] == "completed"
    for name, call_event in zip(["execute_tool search", "execute_tool fail"], by_event["tool_call"]):
        span = spans[name]
        assert span["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert span["span_id"] == call_event["span_id"]
        assert span["parent_span_id"] == run_span["span_id"]
        attrs = span["attributes"]
        assert attrs["gen_ai.operation.name"] == "execute_tool"
        assert attrs["gen_ai.tool.name"] == call_event["tool"]
        assert attrs["gen_ai.tool.call.id"] == call_event["span_id"]
        assert attrs["tooltrail.args_hash"] == call_event["args_hash"]
        assert run_span["start"] <= span["start"] <= span["end"] <= run_span["end"]
    assert spans["execute_tool fail"]["attributes"]["error.type"] == fail_class
    assert spans["execute_tool fail"]["status_code"] == 2
    assert "error.type" not in spans["execute_tool search"]["attributes"]
    assert spans["execute_tool search"]["status_code"] == 0


@pytest.fixture
def collector(tmp_path):
    with Receiver() as receiver, Collector(receiver.url, tmp_path) as c:
        yield c, receiver


def test_python_run_reaches_the_collector(collector, tmp_path, monkeypatch):
    c, receiver = collector
    monkeypatch.chdir(tmp_path)  # the gateway's default writer: ./tooltrail-logs

    def fail(x):
        raise ValueError("boom")

    config = {"sinks": {"otlp": {"endpoint": c.endpoint, "flush_interval_s": 0.05, "timeout_s": 5}}}
    gw = tooltrail.ToolGateway(impls={"search": lambda q: {"hits": [q]}, "fail": fail}, config=config)
    with gw.run(user_id="u-py", request_id="req-py", traceparent=INCOMING) as run:
        run.call("search", {"q": "refund"})
        with pytest.raises(ValueError):
            run.call("fail", {"x": 1})
    writer = gw._logger
    assert writer.close(10.0)
    stats = writer.stats()["otlp"]
    assert stats["accepted"] == stats["exported"] == 6
    assert stats["spans_exported"] == 3
    assert set(stats["dropped"].values()) == {0}
    wait_for(receiver, 6, 3)
    check_run(receiver, local_lines(tmp_path / "tooltrail-logs"), run.run_id, "ValueError")


def test_node_run_reaches_the_collector(collector, tmp_path):
    c, receiver = collector
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "cross" / "otlp" / "node_run.js"), c.endpoint, INCOMING],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True,
    )
    result = json.loads(out.stdout)
    assert result["closed"] is True
    stats = result["stats"]["otlp"]
    assert stats["accepted"] == stats["exported"] == 6
    assert stats["spansExported"] == 3
    wait_for(receiver, 6, 3)
    check_run(receiver, local_lines(tmp_path / "tooltrail-logs"), result["run_id"], "RangeError")
