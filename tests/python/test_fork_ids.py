"""Ids made in forked children: a gateway built in the parent and used by
fork-pool workers (the usual module-level gateway) must give every process
its own span and trace ids.

Random ids come from a buffer of OS randomness; a child inherits the
parent's buffer, so before the fix every child drew the same ids as its
siblings and as the parent's next calls: spans of different processes
collided, and runs that generated their trace id shared one trace.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

CHILD = textwrap.dedent("""
    import multiprocessing, os, sys, tooltrail
    D = sys.argv[1]
    W = tooltrail.EventWriter(path=D)
    GW = tooltrail.ToolGateway(impls={"ping": lambda: "pong"}, logger=W)
    CTX = tooltrail.RunCtx("run-fixed", "4bf92f3577b34da6a3ce929d0e0e4736", "u-1", "req-1")

    def work(k):
        for _ in range(3):
            GW.call(CTX, "ping", {})
        with GW.run(user_id="u-1", request_id=f"req-{k}"):   # run and trace ids generated
            GW.call(None, "ping", {})
        W.flush()
        return os.getpid()

    if __name__ == "__main__":
        GW.call(CTX, "ping", {})            # the parent draws ids first
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2) as pool:
            pids = pool.map(work, range(4), chunksize=1)
        work(-1)                            # and again after its children
        W.close()
        print(len(set(pids)))
""")


def events(path: Path) -> list:
    out = []
    for f in sorted(path.glob("*.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").split("\n") if line]
    return out


def test_forked_children_draw_their_own_ids(tmp_path):
    script = tmp_path / "fork_ids.py"
    script.write_text(CHILD)
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "logs")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) >= 2, "the pool ran in more than one process"
    evs = events(tmp_path / "logs")
    calls = [e for e in evs if e["event"] == "tool_call"]
    assert len(calls) == 1 + 4 * 4 + 4       # the parent's first, 4 tasks of 4, the parent's work(-1)
    spans = [e["span_id"] for e in calls]
    assert len(set(spans)) == len(spans), "span ids repeat across processes"
    starts = [e for e in evs if e["event"] == "run_start"]
    assert len(starts) == 5
    for key in ("run_id", "trace_id"):
        ids = [e[key] for e in starts]
        assert len(set(ids)) == len(ids), f"generated {key}s repeat across processes"
