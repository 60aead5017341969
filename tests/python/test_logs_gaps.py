"""What the logs say is missing from them (skipped lines, writer_dropped
reports), for library callers as for the CLI (issue 13 item 14), and an
unknown run as a typed error (issue 13 item 15)."""

import json
import warnings

import pytest

import tooltrail

from conftest import ROOT

RUNS = ROOT / "tests" / "vectors" / "gateway" / "runs.expected.jsonl"
MAX_LINE = 16 << 20  # core/query/src/reader.rs MAX_LINE_BYTES


def incomplete_logs(tmp_path):
    """Real drops (a one-event queue, so a burst overflows), then a garbage
    line and an over-long one, then a known run."""
    logs = tmp_path / "logs"
    w = tooltrail.EventWriter(logs, queue_events=1)
    for i in range(2000):
        w.event("e", {"i": i})
    assert w.flush(30.0) in (True, False)
    w.event("e", {"i": "after"})  # a write after the drops reports them
    assert w.close(30.0)
    dropped = w.stats()["dropped"]["queue_full"]
    assert dropped > 0
    with open(logs / "tooltrail.jsonl", "a") as f:
        f.write("this is not json\n")
        f.write("x" * (MAX_LINE + 1) + "\n")
        f.write(RUNS.read_text())
    return logs, dropped


def test_gaps_say_what_the_record_is_missing(tmp_path):
    logs, dropped = incomplete_logs(tmp_path)
    gaps = tooltrail.Logs(logs).gaps()
    assert gaps == {
        "complete": False,
        "skipped_lines": 2,
        "too_long_lines": 1,
        "dropped": {"queue_full": dropped, "sink_error": 0, "closed": 0},
        "dropped_events": dropped,
    }
    assert tooltrail.Logs(RUNS).gaps() == {
        "complete": True, "skipped_lines": 0, "too_long_lines": 0,
        "dropped": {"queue_full": 0, "sink_error": 0, "closed": 0}, "dropped_events": 0,
    }


def test_an_answer_from_an_incomplete_record_warns(tmp_path):
    logs, dropped = incomplete_logs(tmp_path)
    q = tooltrail.Logs(logs)
    # A run's timeline reads only the lines that may be the run's or a drop
    # report: not the line that is not JSON, but the one too long to read.
    for ask, skipped in [(q.runs, "2 malformed lines"), (q.stats, "2 malformed lines"),
                         (q.loops, "2 malformed lines"), (q.alerts, "2 malformed lines"),
                         (lambda: q.timeline("run-loop"), "1 malformed line"),
                         (lambda: tooltrail.agent_logs(path=logs), "2 malformed lines"),
                         (lambda: tooltrail.agent_metrics(path=logs), "2 malformed lines")]:
        with pytest.warns(tooltrail.IncompleteLogWarning) as caught:
            ask()
        (w,) = caught
        assert str(logs) in str(w.message) and f"{skipped} skipped (1 over 16 MiB)" in str(w.message)
        assert f"{dropped} events dropped by writers" in str(w.message)
        assert w.filename == __file__  # points at the caller's line
    # The answers themselves are whole: the known run is there.
    with pytest.warns(tooltrail.IncompleteLogWarning):
        assert [r["run_id"] for r in q.runs(stop_reason="loop_detected")] == ["run-loop"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tooltrail.Logs(RUNS).runs()  # a complete record: no warning
        q.gaps()  # asking for the gaps is not warned about them


def test_an_unknown_run_is_a_typed_error(tmp_path):
    # Before, timeline() answered [] where `tooltrail show` failed.
    with pytest.raises(tooltrail.UnknownRunError) as info:
        tooltrail.Logs(RUNS).timeline("no-such-run")
    e = info.value
    assert isinstance(e, tooltrail.QueryError) and isinstance(e, LookupError)
    assert (e.code, e.run_id) == ("unknown_run", "no-such-run")
    assert "no-such-run" in str(e) and "incomplete" not in str(e)
    with pytest.raises(tooltrail.UnknownRunError):
        tooltrail.Logs(RUNS).timeline("no-such-run")
    # In an incomplete record the run's events may be what was lost: say so.
    logs, _ = incomplete_logs(tmp_path)
    with pytest.raises(tooltrail.UnknownRunError) as info:
        tooltrail.Logs(logs).timeline("no-such-run")
    assert "the record is incomplete" in str(info.value)


def test_the_cli_json_has_the_same_gaps(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    logs, _ = incomplete_logs(tmp_path)
    cli = Path(sys.executable).with_name("tooltrail")
    r = subprocess.run([str(cli), "gaps", str(logs), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == tooltrail.Logs(logs).gaps()
