"""tooltrail.testing (issue 18): the recorder holds the file sink's bytes, its
answers, the pytest plugin, the public deterministic option."""

import importlib.metadata

import pytest

import tooltrail
from tooltrail.testing import Recorder


def tools():
    def search(q):
        return {"hits": [q]}

    def fail():
        raise ValueError("nope")

    return {"search": search, "fail": fail}


def scenario(logger):
    gw = tooltrail.ToolGateway(impls=tools(), logger=logger, deterministic=True,
                               config={"budgets": {"loop_guard": {"warn_after": 1, "block_after": 2}}})
    with gw.run(run_id="r1", request_id="q1") as run:
        run.call("search", {"q": "x"})
        with pytest.raises(ValueError):
            run.call("fail", {})
        with pytest.raises(tooltrail.LoopDetectedError):
            run.call("search", {"q": "x"})
    with gw.run(run_id="r2", request_id="q2") as run:
        run.call("search", {"q": "y"})


def test_the_recorder_holds_the_bytes_the_file_sink_writes(tmp_path):
    writer = tooltrail.EventWriter(tmp_path)
    scenario(writer)
    writer.close()
    rec = Recorder()
    scenario(rec)
    assert "".join(line + "\n" for line in rec.lines()) == (tmp_path / "tooltrail.jsonl").read_text()


def test_runs_calls_sequences_hashes_and_errors(tooltrail_recorder):
    scenario(tooltrail_recorder)
    assert [r.run_id for r in tooltrail_recorder.runs()] == ["r1", "r2"]
    run = tooltrail_recorder.run("r1")
    assert run.stop_reason == "loop_detected"
    assert run.tool_sequence() == ["search", "fail", "search"]
    assert (run.tool_calls, run.error_count, run.refused, run.tools) == (2, 1, 1, ["search", "fail"])
    hashes = run.args_hashes()
    assert hashes[0] == hashes[2] == tooltrail.stable_hash({"q": "x"})
    assert [(e["tool"], e["error_class"], e["decision"]) for e in run.errors()] == [
        ("fail", "ValueError", "allow"), ("search", "loop_detected", "block")]
    assert [c["seq"] for c in run.calls(tool="search")] == [1, 3]
    assert tooltrail_recorder.last_run().run_id == "r2"
    assert tooltrail_recorder.tool_sequence() == ["search", "fail", "search", "search"]
    assert [e["event"] for e in tooltrail_recorder.events(event="run_end")] == ["run_end", "run_end"]


def test_unknown_runs_and_options_are_errors(tooltrail_recorder):
    with pytest.raises(tooltrail.QueryError):
        tooltrail_recorder.last_run()
    with pytest.raises(tooltrail.QueryError):
        tooltrail_recorder.run("nope")
    scenario(tooltrail_recorder)
    tooltrail_recorder.clear()
    assert tooltrail_recorder.runs() == []


def test_snapshots_are_created_matched_and_failed(tooltrail_recorder, tmp_path, monkeypatch):
    monkeypatch.delenv("TOOLTRAIL_UPDATE_SNAPSHOTS", raising=False)
    scenario(tooltrail_recorder)
    path = tmp_path / "snap" / "r1.jsonl"
    run = tooltrail_recorder.run("r1")
    assert run.assert_matches_snapshot(path) == "created"
    assert run.assert_matches_snapshot(path) == "matched"
    assert '"ts":"<ts>"' in path.read_text() and '"latency_ms":"<latency>"' in path.read_text()
    with pytest.raises(tooltrail.SnapshotMismatchError) as info:
        tooltrail_recorder.run("r2").assert_matches_snapshot(path)
    assert isinstance(info.value, AssertionError) and info.value.code == "snapshot_mismatch"
    monkeypatch.setenv("TOOLTRAIL_UPDATE_SNAPSHOTS", "1")
    assert tooltrail_recorder.run("r2").assert_matches_snapshot(path) == "updated"


def test_the_deterministic_option():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls=tools(), logger=rec, deterministic="2030-05-01T00:00:00Z")
    with gw.run(run_id="r", request_id="q") as run:
        run.call("search", {"q": 1})
    assert rec.events()[0]["ts"] == "2030-05-01T00:00:00.000000Z"
    assert rec.events()[0]["trace_id"] == "00000000000000010000000000000002"
    for bad in ("yesterday", 5):
        with pytest.raises(tooltrail.InvalidArgumentError) as info:
            tooltrail.ToolGateway(impls=tools(), logger=rec, deterministic=bad)  # type: ignore[arg-type]
        assert info.value.key == "deterministic"


def test_the_pytest_plugin_is_installed_with_the_package():
    eps = importlib.metadata.entry_points()
    group = eps.select(group="pytest11") if hasattr(eps, "select") else eps.get("pytest11", [])
    assert "tooltrail.pytest_plugin" in [ep.value for ep in group]
