"""The CLI installed by pip (console script) and by npm (bin) is the same Rust
code: run the examples, then each command through both entry points."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PIP_CLI = [str(Path(sys.executable).with_name("tooltrail"))]
NPM_CLI = ["node", str(ROOT / "bindings-node" / "cli.js")]


@pytest.fixture(scope="module")
def logs(example_logs):
    return example_logs


def cli(entry, *args, stdin=None):
    r = subprocess.run([*entry, *args], capture_output=True, text=True, input=stdin, timeout=60)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("args", [
    ["runs"], ["runs", "--json"], ["runs", "--error-class", "validation_failed", "--json"],
    ["stats"], ["stats", "--json"],
    ["loops", "--min", "2"], ["alerts", "--json"], ["tail", "-n", "5"],
])
def test_pip_and_npm_entry_points_agree(logs, args):
    a = cli(PIP_CLI, args[0], str(logs), *args[1:])
    b = cli(NPM_CLI, args[0], str(logs), *args[1:])
    assert a[0] == 0, a[2]
    assert a == b


def test_the_incident_questions_have_answers(logs):
    runs = json.loads(cli(PIP_CLI, "runs", str(logs), "--json")[1])
    assert {r["run_id"][:2] for r in runs} == {"py", "js"} and len(runs) == 12
    failed = [r for r in runs if r["stop_reason"] == "error"]
    assert failed and all(r["error_classes"] for r in failed)
    invalid = json.loads(cli(PIP_CLI, "runs", str(logs), "--error-class", "validation_failed", "--json")[1])
    code, out, _ = cli(PIP_CLI, "show", invalid[0]["run_id"], str(logs))
    assert code == 0 and "FAILED validation_failed" in out and "stop_reason=error" in out
    stats = json.loads(cli(NPM_CLI, "stats", str(logs), "--json")[1])
    tools = {t["tool"]: t for t in stats["tools"]}
    assert tools["search_orders"]["errors"].get("rate_limited", 0) >= 1
    assert tools["get_invoice"]["p95_ms"] >= tools["get_invoice"]["p50_ms"] > 0
    py_hash = cli(PIP_CLI, "hash", stdin='{"b":[true,null],"a":1}')[1].strip()
    assert py_hash == cli(NPM_CLI, "hash", stdin='{"a":1,"b":[true,null]}')[1].strip()
    assert cli(PIP_CLI, "show", "no-such-run", str(logs))[0] == 2
