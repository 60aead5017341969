"""Fork-pool workers calling through the parent's open run: each worker's
calls go to a run of its own whose `run_start` names the parent's run
(`parent_run_id`). Before, every process counted into its own copy of the
parent's run: duplicate `seq` numbers in one run_id, 14 calls let through a
`max_tool_calls: 10` budget, and the parent's `run_end` said 2 calls."""

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

SCRIPT = textwrap.dedent("""
    import multiprocessing, sys, tooltrail
    W = tooltrail.EventWriter(path=sys.argv[1])
    GW = tooltrail.ToolGateway(impls={"ping": lambda: "pong"}, logger=W,
                               config={"budgets": {"max_tool_calls": 10}})

    def work(k):
        try:
            GW.call(None, "ping", {})          # under the parent's current run
        except tooltrail.BudgetExceededError:
            pass
        W.flush()
        return k

    if __name__ == "__main__":
        with GW.run(request_id="req-1") as run:
            GW.call(None, "ping", {})
            with multiprocessing.get_context("fork").Pool(2) as pool:
                pool.map(work, range(12), chunksize=1)
            GW.call(None, "ping", {})
            print(run.run_id)
        W.close()
""")


def test_fork_pool_workers_get_runs_of_their_own_linked_to_the_parents(tmp_path: Path) -> None:
    script = tmp_path / "fork_runs.py"
    script.write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "logs")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    parent = r.stdout.strip()
    evs = [json.loads(line) for f in sorted((tmp_path / "logs").glob("*.jsonl"))
           for line in f.read_text().splitlines() if line]
    calls = [e for e in evs if e["event"] == "tool_call"]
    assert len(calls) == 14
    seqs = Counter((e["run_id"], e["seq"]) for e in calls)
    assert max(seqs.values()) == 1, "a (run_id, seq) pair repeats"
    children = [e for e in evs if e["event"] == "run_start" and e["run_id"] != parent]
    assert children, "the workers' calls went to runs of their own"
    assert {e.get("parent_run_id") for e in children} == {parent}
    assert all(e["trace_id"] == calls[0]["trace_id"] for e in children)
    [end] = [e for e in evs if e["event"] == "run_end" and e["run_id"] == parent]
    assert end["tool_calls"] == 2       # its own two; each worker's run counts its own
    assert {e["run_id"] for e in calls} == {parent} | {e["run_id"] for e in children}
