"""Tests of the example agent (examples/agent.py) with tooltrail.testing: the
`tooltrail_recorder` fixture comes with the package (pytest11 entry point).
The tools are scripted by examples/scenario.json, which the Node port's tests
(examples/agent.test.js) read too: both must match one snapshot."""

import json
import os
from pathlib import Path

import agent
import pytest

HERE = Path(__file__).parent
SCENARIO = json.loads((HERE / "scenario.json").read_text())
# The shared snapshot (TOOLTRAIL_EXAMPLE_SNAPSHOT: tests/cross checks both languages write it alike).
SNAPSHOT = os.environ.get("TOOLTRAIL_EXAMPLE_SNAPSHOT", str(HERE / "snapshots" / "support.jsonl"))


class ToolHTTPError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status_code = status


def scripted_tools():
    """Each tool answers from the scenario, in order."""
    queues = {name: list(answers) for name, answers in SCENARIO["answers"].items()}

    def tool(name):
        def answer(**_args):
            step = queues[name].pop(0)
            if "raise" in step:
                raise ToolHTTPError(step["raise"]["status"], step["raise"]["message"])
            return step["return"]
        return answer

    return {name: tool(name) for name in queues}


def run_requests(recorder):
    gw = agent.make_gateway(scripted_tools(), recorder, agent_id="support", deterministic=True)
    for i in range(SCENARIO["requests"]):
        try:
            agent.handle(gw, i, prefix="support")
        except Exception:
            pass  # the agent gives up on this request; the run says why


def test_a_rate_limit_is_retried_and_the_request_completes(tooltrail_recorder):
    run_requests(tooltrail_recorder)
    run = tooltrail_recorder.run("support-run-0")
    assert run.stop_reason == "completed"
    assert run.tool_sequence() == ["search_orders", "search_orders", "get_invoice", "send_email"]
    assert [e["error_class"] for e in run.errors()] == ["rate_limited"]
    # The retry sent the same arguments: the same hash.
    hashes = run.args_hashes()
    assert hashes[0] == hashes[1] and len(set(hashes)) == 3


def test_a_degraded_invoice_fails_validation_and_ends_the_run_in_error(tooltrail_recorder):
    run_requests(tooltrail_recorder)
    run = tooltrail_recorder.run("support-run-1")
    assert run.stop_reason == "error"
    (failed,) = run.calls(tool="get_invoice")
    assert failed["ok"] is False and failed["error_class"] == "validation_failed"
    assert "send_email" not in run.tool_sequence()


def test_the_last_run_stops_on_a_5xx_and_no_address_is_logged(tooltrail_recorder):
    run_requests(tooltrail_recorder)
    last = tooltrail_recorder.last_run()
    assert last.run_id == "support-run-2"
    assert last.stop_reason == "error" and last.error_classes == ["http_5xx"]
    assert all("customer@example.com" not in line for line in tooltrail_recorder.lines())


def test_the_runs_match_the_snapshot_shared_with_the_node_agent(tooltrail_recorder):
    run_requests(tooltrail_recorder)
    assert [r.stop_reason for r in tooltrail_recorder.runs()] == ["completed", "error", "error"]
    tooltrail_recorder.assert_matches_snapshot(SNAPSHOT)


def test_a_changed_behaviour_fails_the_snapshot(tooltrail_recorder, tmp_path):
    import tooltrail

    run_requests(tooltrail_recorder)
    path = tmp_path / "changed.jsonl"
    path.write_text(Path(SNAPSHOT).read_text().replace('"stop_reason":"completed"', '"stop_reason":"error"'))
    with pytest.raises(AssertionError) as info:
        tooltrail_recorder.assert_matches_snapshot(path)
    assert isinstance(info.value, tooltrail.SnapshotMismatchError)
    assert "TOOLTRAIL_UPDATE_SNAPSHOTS" in str(info.value)
