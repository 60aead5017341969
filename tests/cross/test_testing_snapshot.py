"""Issue 18: the Python example agent and its Node port are held to one
golden-run snapshot. Whichever language writes the snapshot first, the file is
byte for byte the committed one and the other language matches it."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT

COMMITTED = ROOT / "examples" / "snapshots" / "support.jsonl"


def run_python(env):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "examples" / "test_agent.py"),
         "-k", "shared"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def run_node(env):
    return subprocess.run(
        ["node", "--test", "--test-name-pattern", "shared", str(ROOT / "examples" / "agent.test.js")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("first,second", [(run_python, run_node), (run_node, run_python)],
                         ids=["python-writes", "node-writes"])
def test_one_snapshot_for_both_agents(tmp_path, first, second):
    snapshot = tmp_path / "support.jsonl"
    env = {**os.environ, "TOOLTRAIL_EXAMPLE_SNAPSHOT": str(snapshot)}
    env.pop("TOOLTRAIL_UPDATE_SNAPSHOTS", None)
    done = first(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot.read_bytes() == COMMITTED.read_bytes()
    done = second(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot.read_bytes() == COMMITTED.read_bytes()


def test_a_drifted_snapshot_fails_in_both_languages(tmp_path):
    snapshot = tmp_path / "support.jsonl"
    snapshot.write_text(COMMITTED.read_text().replace('"error_class":"rate_limited"', '"error_class":"http_4xx"'))
    env = {**os.environ, "TOOLTRAIL_EXAMPLE_SNAPSHOT": str(snapshot)}
    env.pop("TOOLTRAIL_UPDATE_SNAPSHOTS", None)
    for run in (run_python, run_node):
        done = run(env)
        assert done.returncode != 0, done.stdout
        assert "rate_limited" in done.stdout + done.stderr


def test_the_worked_examples_in_docs_are_the_tested_code():
    """docs/testing.md quotes the example tests; every quoted line must be in them."""
    import re

    doc = (ROOT / "docs" / "testing.md").read_text()
    sources = {"python": (ROOT / "examples" / "test_agent.py").read_text(),
               "js": (ROOT / "examples" / "agent.test.js").read_text()}
    blocks = re.findall(r"```(python|js)\n(.*?)```", doc, re.S)
    assert {lang for lang, _ in blocks} == {"python", "js"}
    for lang, block in blocks:
        for line in filter(str.strip, block.splitlines()):
            assert line in sources[lang], f"docs/testing.md ({lang}) quotes a line not in the tested example: {line!r}"
