"""Issue 13 item 4: 200,000 gateway calls in a tight loop with the default
EventWriter lose nothing (the writer keeps up at gateway speed; the bench
measures the speed, this checks the count)."""

import json
import os

import tooltrail

CALLS = 200_000


def search(query, limit, filters):
    return {"hits": []}


def test_tight_loop_with_defaults_drops_nothing(tmp_path):
    writer = tooltrail.EventWriter(str(tmp_path))
    gw = tooltrail.ToolGateway(impls={"search": search}, logger=writer)
    ctx = {"run_id": "run-bench-2", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}
    for i in range(CALLS):
        gw.call(ctx, "search", {"query": f"refund policy for order {i}", "limit": 10,
                                "filters": {"lang": "en", "since": "2026-01-01"}})
    assert writer.flush(60)
    stats = writer.stats()
    writer.close()
    assert stats["dropped"] == {"queue_full": 0, "sink_error": 0, "closed": 0}
    assert stats["written"] == 2 * CALLS
    lines = 0
    dropped_reports = 0
    for name in os.listdir(tmp_path):
        if not name.endswith(".jsonl"):
            continue  # the lock and the run indexes
        with open(tmp_path / name, encoding="utf-8") as f:
            for line in f:
                lines += 1
                dropped_reports += json.loads(line)["event"] == "writer_dropped"
    assert (lines, dropped_reports) == (2 * CALLS, 0)
