"""OTLP export faults, against a scripted loopback receiver: collector
absent, 503 then 200, 429 with Retry-After, 400, hanging, and a full export
queue. Nothing blocks the producer, the counters say what happened, and the
local JSONL file gets every event regardless."""

import json
import os
import socket
import sys
import time
from pathlib import Path

import pytest

import tooltrail

sys.path.insert(0, str(Path(__file__).with_name("otlp")))
from receiver import HANG, Receiver  # noqa: E402

N = 20


def make_writer(tmp_path, endpoint, **otlp):
    settings = {"endpoint": endpoint, "flush_interval_s": 0.02, "timeout_s": 2, "backoff_s": 0.05, **otlp}
    return tooltrail.EventWriter(tmp_path / "logs", flush_interval=0.02, config={"sinks": {"otlp": settings}})


def emit(writer, n=N):
    """Writes n plain events; returns how long the producer spent."""
    start = time.monotonic()
    for i in range(n):
        assert writer.event("note", {"run_id": "r-1", "i": i})
    return time.monotonic() - start


def local_count(tmp_path):
    return len((tmp_path / "logs" / "tooltrail.jsonl").read_text().splitlines())


def test_collector_absent(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    w = make_writer(tmp_path, f"http://127.0.0.1:{port}")
    assert emit(w) < 2.0
    assert w.flush(10.0) is False  # the export lost events
    stats = w.stats()
    assert stats["written"] == N and local_count(tmp_path) == N
    otlp = stats["otlp"]
    assert otlp["dropped"]["network"] == N
    assert otlp["exported"] == 0 and otlp["retries"] == 0  # refused connections are not retried
    started = time.monotonic()
    w.close(2.0)
    assert time.monotonic() - started < 4.0


def test_503_then_200_is_retried(tmp_path):
    with Receiver([503]) as r:
        w = make_writer(tmp_path, r.url)
        emit(w)
        assert w.flush(10.0) is True
        otlp = w.stats()["otlp"]
        assert r.statuses("/v1/logs") == [503, 200]
        assert (otlp["requests"], otlp["retries"], otlp["exported"]) == (2, 1, N)
        assert set(otlp["dropped"].values()) == {0}
        assert [rec["attributes"]["i"] for rec in r.records()] == list(range(N))
        assert local_count(tmp_path) == N
        assert w.close(5.0)


def test_429_with_retry_after_is_retried(tmp_path):
    with Receiver([(429, {"Retry-After": "0"}), (504, {})]) as r:
        w = make_writer(tmp_path, r.url)
        emit(w)
        assert w.flush(10.0) is True
        otlp = w.stats()["otlp"]
        assert r.statuses("/v1/logs") == [429, 504, 200]
        assert (otlp["retries"], otlp["exported"]) == (2, N)
        w.close(5.0)


def test_retries_are_bounded(tmp_path):
    with Receiver([503] * 10) as r:
        w = make_writer(tmp_path, r.url, max_retries=2)
        emit(w)
        assert w.flush(10.0) is False
        otlp = w.stats()["otlp"]
        assert r.statuses("/v1/logs") == [503, 503, 503]
        assert otlp["dropped"]["retries_exhausted"] == N
        assert (otlp["requests"], otlp["retries"], otlp["exported"]) == (3, 2, 0)
        assert local_count(tmp_path) == N
        w.close(5.0)


def test_400_is_dropped_and_counted(tmp_path):
    with Receiver([400]) as r:
        w = make_writer(tmp_path, r.url)
        emit(w)
        assert w.flush(10.0) is False
        otlp = w.stats()["otlp"]
        assert r.statuses("/v1/logs") == [400]  # never retried
        assert otlp["dropped"]["rejected"] == N
        assert (otlp["requests"], otlp["retries"], otlp["exported"]) == (1, 0, 0)
        # The next batch goes through: a rejection is not a dead collector.
        emit(w, 5)
        assert w.flush(10.0) is True
        assert w.stats()["otlp"]["exported"] == 5
        assert local_count(tmp_path) == N + 5
        w.close(5.0)


def test_hanging_collector_blocks_nothing(tmp_path):
    with Receiver([HANG] * 5) as r:
        w = make_writer(tmp_path, r.url, timeout_s=30)
        assert emit(w, 2000) < 5.0
        assert w.flush(0.5) is False  # within its timeout, not the collector's
        started = time.monotonic()
        ok = w.close(1.0)
        assert time.monotonic() - started < 3.0  # close keeps its timeout
        assert ok is False
        assert w.stats()["written"] == 2000 and local_count(tmp_path) == 2000
        assert r.records() == []


def test_fork_does_not_wait_for_a_hanging_collector(tmp_path):
    from tooltrail import _lifecycle

    with Receiver([HANG] * 5) as r:
        w = make_writer(tmp_path, r.url, timeout_s=30)
        emit(w, 50)
        assert w.flush(0.3) is False  # the export is stuck on the collector
        assert w.flush(5.0, export=False) is True  # the local files are not
        emit(w, 5)
        started = time.monotonic()
        pid = os.fork()  # the before-fork hook flushes the local sink only
        if pid == 0:
            os._exit(0)
        elapsed = time.monotonic() - started
        os.waitpid(pid, 0)
        # Waiting on the export would take the whole FORK_FLUSH_TIMEOUT.
        assert elapsed < _lifecycle.FORK_FLUSH_TIMEOUT * 0.75, elapsed
        assert local_count(tmp_path) == 55
        w.close(0.5)


def test_full_export_queue_drops_newest_and_counts(tmp_path):
    with Receiver([HANG]) as r:
        w = make_writer(tmp_path, r.url, timeout_s=30, queue_events=5, batch_events=1)
        emit(w, 100)
        otlp = w.stats()["otlp"]
        assert otlp["dropped"]["queue_full"] > 0
        assert otlp["accepted"] + otlp["dropped"]["queue_full"] == 100
        w.close(0.5)
        assert local_count(tmp_path) == 100
        assert r.records() == []


def test_gateway_default_writer_honours_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Receiver() as r:
        path = tmp_path / "tooltrail.yaml"
        path.write_text(f"sinks:\n  otlp:\n    endpoint: {r.url}\n    flush_interval_s: 0.02\n")
        gw = tooltrail.ToolGateway(impls={"echo": lambda x: x}, config=str(path))
        gw.call(tooltrail.RunCtx("r-9", "4bf92f3577b34da6a3ce929d0e0e4736", request_id="q"), "echo", {"x": 1})
        assert gw._logger.flush(10.0)
        assert [rec["body"] for rec in r.records()] == ["tool_call", "tool_result"]
        assert [s["name"] for s in r.spans()] == ["execute_tool echo"]
        gw._logger.close(5.0)


def test_config_errors_name_the_key(tmp_path):
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.EventWriter(tmp_path, config={"sinks": {"otlp": {"endpoint": "http://x", "retries": 1}}})
    assert e.value.key == "sinks.otlp.retries"
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.ToolGateway(impls={}, config={"sinks": {"otlp": {}}})
    assert e.value.key == "sinks.otlp.endpoint"


def test_stats_without_otlp_have_no_otlp_key(tmp_path):
    w = tooltrail.EventWriter(tmp_path / "logs")
    assert "otlp" not in w.stats()
    w.close(2.0)
    assert json.dumps(w.stats())
