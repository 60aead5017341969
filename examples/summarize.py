"""Prints a per-tool summary of tooltrail JSONL logs (a stand-in until the
incident CLI lands): calls, failures by error_class, and failed runs."""

import collections
import json
import sys
from pathlib import Path

calls = collections.Counter()
stops = collections.Counter()
failures = collections.defaultdict(collections.Counter)
failed_runs = collections.defaultdict(list)
for f in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    for line in f.read_text(encoding="utf-8").splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue  # a truncated last line
        if e["event"] == "run_end":
            stops[e["stop_reason"]] += 1
        if e["event"] == "tool_result":
            calls[e["tool"]] += 1
            if not e["ok"]:
                failures[e["tool"]][e["error_class"]] += 1
                failed_runs[e["run_id"]].append(f"{e['tool']}#{e['seq']}:{e['error_class']}")
print(f"{'tool':<15} {'calls':>5}  failures by error_class")
for tool, n in sorted(calls.items()):
    detail = ", ".join(f"{c}={k}" for c, k in failures[tool].most_common()) or "-"
    print(f"{tool:<15} {n:>5}  {detail}")
print("\nruns by stop_reason: " + ", ".join(f"{r}={n}" for r, n in stops.most_common()))
print(f"runs with failed calls: {len(failed_runs)}")
for run, items in sorted(failed_runs.items()):
    print(f"  {run}: {' '.join(items)}")
