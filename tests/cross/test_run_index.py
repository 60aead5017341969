"""The writer's run index (on by default; `run_index=True` / `runIndex: true`): a Python and
a Node writer share one directory, each keeping its records; `tooltrail show`
and `Logs.timeline` answer through the index exactly as a scan does, and a
damaged index makes the CLI scan the file and say so on stderr."""

import json
import subprocess
import sys
from pathlib import Path

import tooltrail

from conftest import ROOT

CLI = Path(sys.executable).with_name("tooltrail")
NODE = r"""
const tooltrail = require(process.argv[1])
const w = new tooltrail.EventWriter({ path: process.argv[2], runIndex: true, maxFileBytes: 65536 })
for (let i = 0; i < 3000; i++) w.event('tool_result', { run_id: `run-${i % 17}`, trace_id: 't', seq: i, from: 'node' })
if (!w.closeSync(10000)) process.exit(1)
"""


def show(logs: Path, run: str) -> tuple[list, str]:
    r = subprocess.run([str(CLI), "show", run, str(logs), "--json"], capture_output=True, text=True,
                       check=True, timeout=60)
    return json.loads(r.stdout), r.stderr


def oldest_first(p: Path) -> int:
    """tooltrail.N.jsonl (higher is older), then the active tooltrail.jsonl."""
    n = p.name.removeprefix("tooltrail.").removesuffix(".jsonl")
    return -int(n) if n.isdigit() else 0


def scanned(logs: Path, run: str) -> list:
    files = sorted(logs.glob("tooltrail*.jsonl"), key=oldest_first)
    return [e for f in files for line in f.read_text().splitlines() if (e := json.loads(line))["run_id"] == run]


def test_python_and_node_writers_share_an_index_that_answers_as_a_scan(tmp_path):
    logs = tmp_path / "logs"
    node = subprocess.Popen(["node", "-e", NODE, str(ROOT / "bindings-node"), str(logs)])
    w = tooltrail.EventWriter(logs, run_index=True, max_file_bytes=65536)
    for i in range(3000):
        w.event("tool_result", {"run_id": f"run-{i % 13}", "trace_id": "t", "seq": i, "from": "python"})
    assert w.close(10.0)
    assert node.wait(60) == 0
    indexes = sorted(p.name for p in logs.glob("*.idx"))
    assert "tooltrail.1.jsonl.idx" in indexes, indexes
    for run in ("run-0", "run-5", "run-12", "run-16"):
        got, err = show(logs, run)
        assert err == "", err
        want = scanned(logs, run)
        assert got == want and got
        assert tooltrail.Logs(logs).timeline(run) == want

    # The other questions about one run read through the index too: the
    # bindings' Logs.runs(run=...) and the CLI's runs --run / tail --run
    # answer as the scan of every line does.
    everything = {r["run_id"]: r for r in tooltrail.Logs(logs).runs()}
    node_runs = subprocess.run(
        ["node", "-e", "const t = require(process.argv[1]); "
                       "console.log(JSON.stringify(new t.Logs(process.argv[2]).runs({ run: 'run-16' })))",
         str(ROOT / "bindings-node"), str(logs)], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(node_runs.stdout) == [everything["run-16"]]
    for run in ("run-0", "run-12"):
        assert tooltrail.Logs(logs).runs(run=run) == [everything[run]]
        r = subprocess.run([str(CLI), "tail", str(logs), "--run", run, "-n", "4", "--json"],
                           capture_output=True, text=True, check=True, timeout=60)
        assert r.stderr == ""
        assert [json.loads(line) for line in r.stdout.splitlines()] == scanned(logs, run)[-4:]

    # A damaged index: the same answer, and the CLI says what it did.
    victim = logs / indexes[0]
    victim.write_text(victim.read_text().replace("run-1", "run-2", 1))
    got, err = show(logs, "run-1")
    assert got == scanned(logs, "run-1")
    assert f"{indexes[0].removesuffix('.idx')}: run index record" in err and "scanned the whole file" in err, err


def test_by_default_each_log_has_its_index_and_without_it_the_directory_holds_only_the_logs(tmp_path):
    on, off = tmp_path / "on", tmp_path / "off"
    for w in [tooltrail.EventWriter(on), tooltrail.EventWriter(off, run_index=False)]:
        w.event("tool_result", {"run_id": "r", "trace_id": "t"})
        assert w.close(5.0)
    assert sorted(p.name for p in on.iterdir()) == [".tooltrail.lock", "tooltrail.jsonl", "tooltrail.jsonl.idx"]
    assert sorted(p.name for p in off.iterdir()) == [".tooltrail.lock", "tooltrail.jsonl"]
    node = subprocess.run(
        ["node", "-e", NODE_DEFAULT, str(ROOT / "bindings-node"), str(tmp_path / "node")],
        capture_output=True, text=True, timeout=60,
    )
    assert node.returncode == 0, node.stderr
    assert sorted(p.name for p in (tmp_path / "node").iterdir()) == [
        ".tooltrail.lock", "tooltrail.jsonl", "tooltrail.jsonl.idx"
    ]
    got, err = show(on, "r")
    assert got == scanned(on, "r") and "note" not in err, err


NODE_DEFAULT = r"""
const { EventWriter } = require(process.argv[1])
const w = new EventWriter({ path: process.argv[2] })
w.event('tool_result', { run_id: 'r', trace_id: 't' })
if (!w.closeSync(5000)) process.exit(1)
"""


FORKED = r"""
import os, sys, tooltrail
w = tooltrail.EventWriter(sys.argv[1], run_index=True, flush_interval=1.0)
def emit(who, lo, hi):
    for i in range(lo, hi):
        w.event("tool_result", {"run_id": f"{who}-{i % 5}", "trace_id": "t", "seq": i})
emit("parent", 0, 500)
assert w.flush(10.0)
emit("parent", 500, 700)    # still queued at the fork: a pending segment
pid = os.fork()
if pid == 0:
    emit("child", 0, 300)
    sys.exit(0)
emit("parent", 700, 900)
assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
assert w.close(10.0)
"""


def test_a_forked_child_keeps_its_own_records(tmp_path):
    """A child forked with batches queued and a segment pending writes
    records for its own lines only: the index covers the file exactly once,
    with no overlap, and answers as the scan does without a note."""
    logs = tmp_path / "logs"
    subprocess.run([sys.executable, "-c", FORKED, str(logs)], check=True, timeout=60)
    size = (logs / "tooltrail.jsonl").stat().st_size
    index = (logs / "tooltrail.jsonl.idx").read_text().splitlines()
    records = [json.loads(line.split("\t")[0]) for line in index]
    spans = sorted((r["o"], r["o"] + r["n"]) for r in records)
    assert len(spans) >= 3, spans  # the parent's before and after the fork, the child's
    assert spans[0][0] == 0 and spans[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:])), spans
    for run in ("parent-0", "parent-4", "child-0", "child-3"):
        got, err = show(logs, run)
        assert err == "", err
        assert got == scanned(logs, run) and got
