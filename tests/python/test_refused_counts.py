"""Issue 15 item 4: refused calls (unknown tool, budget, loop guard) are
counted apart from failed ones, in run_end and in the run summaries."""

import pytest

import tooltrail

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_refused_and_failed_calls_are_counted_apart(tmp_path):
    writer = tooltrail.EventWriter(str(tmp_path))

    def fetch(url):
        return "x"

    def boom():
        raise TimeoutError("slow")

    config = {"budgets": {"loop_guard": {"warn_after": 1, "block_after": 2}}}
    gw = tooltrail.ToolGateway(impls={"fetch": fetch, "boom": boom}, logger=writer, config=config)
    with pytest.raises(tooltrail.LoopDetectedError):
        with gw.run(run_id="loop", trace_id=TRACE, request_id="q") as run:
            run.call("fetch", {"url": "a"})
            with pytest.raises(TimeoutError):
                run.call("boom", {})
            with pytest.raises(tooltrail.UnknownToolError):
                run.call("nope", {})
            run.call("fetch", {"url": "a"})  # the second identical call: refused
    assert writer.flush(10)
    writer.close()
    (summary,) = tooltrail.Logs(str(tmp_path)).runs()
    assert (summary["tool_calls"], summary["errors"], summary["refused"]) == (2, 1, 2)
    assert summary["stop_reason"] == "loop_detected"
    ends = [e for e in tooltrail.Logs(str(tmp_path)).timeline("loop") if e["event"] == "run_end"]
    assert [(e["tool_calls"], e["errors"], e["refused"]) for e in ends] == [(2, 1, 2)]
