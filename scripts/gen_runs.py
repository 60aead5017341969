#!/usr/bin/env python3
"""Writes a big tooltrail log for measuring the readers (docs/query.md, "Memory").

    python3 scripts/gen_runs.py DIR RUNS [--calls N] [--open] [--concurrent K]

DIR/tooltrail.jsonl gets RUNS runs, each `run_start`, N tool calls (a
`tool_call` and a `tool_result` each; default 2) and `run_end`, in the
gateway's exact line shape (tests/vectors/gateway/*.expected.jsonl). Ids are
what agents use: a uuid-like run id, a W3C trace id, a unique request id, one
of 1,000 users, one of 6 tools, 64-hex argument hashes; every 10th run calls
the same tool with the same arguments twice (a loop candidate), every 25th
call fails. `--open` leaves out `run_end` (gateway calls without a run scope,
or processes killed mid-run: every run stays open to the end of the log);
`--concurrent K` interleaves K runs at a time, as several agents writing one
directory do. Deterministic: the same arguments write the same bytes.
"""

import argparse
import hashlib
import os
from datetime import datetime, timedelta, timezone

TOOLS = ["search_orders", "get_invoice", "send_email", "charge_card", "lookup_user", "fetch_page"]
T0 = datetime(2026, 11, 24, 19, 57, 40, tzinfo=timezone.utc)


def ts(us: int) -> str:
    return (T0 + timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hexid(*parts: object, n: int) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:n]


def run_lines(r: int, calls: int, open_: bool):
    """The lines of run `r`, each as (µs offset, text)."""
    run_id = hexid("run", r, n=32)
    common = (
        f'"run_id":"{run_id}","trace_id":"{hexid("trace", r, n=32)}",'
        f'"span_id":"{{span}}","request_id":"req-{hexid("req", r, n=16)}","user_id":"user-{r % 1000}"'
    )
    root = hexid("span", r, 0, n=16)
    t = r * 1000
    yield t, (f'{{"v":1,"ts":"{ts(t)}","event":"run_start",{common.format(span=root)},'
              '"parent_span_id":null,"budgets":{"max_tool_calls":50}}')
    errors = 0
    for seq in range(1, calls + 1):
        tool = TOOLS[(r + seq) % len(TOOLS)]
        same = r % 10 == 0 and seq == 2
        args_hash = hexid("args", r, 1 if same else seq, n=64)
        if same:
            tool = TOOLS[(r + 1) % len(TOOLS)]
        span = hexid("span", r, seq, n=16)
        t += 1
        yield t, (f'{{"v":1,"ts":"{ts(t)}","event":"tool_call",{common.format(span=span)},"tool":"{tool}",'
                  f'"seq":{seq},"parent_span_id":"{root}","args_hash":"{args_hash}","hash_alg":"sha256",'
                  '"decision":"allow"}')
        failed = (r * calls + seq) % 25 == 0
        errors += failed
        t += 1
        outcome = '"ok":false,"error_class":"timeout"' if failed else '"ok":true'
        yield t, (f'{{"v":1,"ts":"{ts(t)}","event":"tool_result",{common.format(span=span)},"tool":"{tool}",'
                  f'"seq":{seq},"latency_ms":{(r % 997) / 10},{outcome}}}')
    if not open_:
        t += 1
        stop = "error" if errors else "completed"
        yield t, (f'{{"v":1,"ts":"{ts(t)}","event":"run_end",{common.format(span=root)},'
                  f'"stop_reason":"{stop}","duration_ms":{t - r * 1000},"tool_calls":{calls},'
                  f'"errors":{errors},"steps":0,"spend_usd":0,"budgets":{{"max_tool_calls":{{"limit":50,"used":{calls}}}}}}}')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir")
    p.add_argument("runs", type=int)
    p.add_argument("--calls", type=int, default=2)
    p.add_argument("--open", action="store_true")
    p.add_argument("--concurrent", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.dir, mode=0o700, exist_ok=True)
    lines = 0
    with open(os.path.join(a.dir, "tooltrail.jsonl"), "w") as out:
        for first in range(0, a.runs, a.concurrent):
            group = [list(run_lines(r, a.calls, a.open)) for r in range(first, min(a.runs, first + a.concurrent))]
            # Round-robin: K runs in flight at once.
            for i in range(max(len(g) for g in group)):
                for g in group:
                    if i < len(g):
                        out.write(g[i][1] + "\n")
                        lines += 1
    print(f"{a.dir}/tooltrail.jsonl: {a.runs} runs, {lines} lines")


if __name__ == "__main__":
    main()
