"""Linked steps (nested runs, a tool calling a tool) give the same bytes
through the Python API and through the Node API."""

import subprocess
import sys
from pathlib import Path

import tooltrail

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from test_linked_steps import scenario  # noqa: E402


def test_python_and_node_link_steps_byte_for_byte(tmp_path):
    py_dir, node_dir = tmp_path / "py", tmp_path / "node"
    py_dir.mkdir()
    node_dir.mkdir()
    writer = tooltrail.EventWriter(py_dir)
    scenario(tooltrail.ToolGateway(impls={}, logger=writer, _deterministic=1_700_000_000_000_000))
    writer.close()
    subprocess.run(
        ["node", str(ROOT / "tests" / "node" / "linked_replay.js"), str(node_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )
    py_bytes = (py_dir / "tooltrail.jsonl").read_bytes()
    assert py_bytes == (node_dir / "tooltrail.jsonl").read_bytes()
    assert py_bytes.count(b'"parent_run_id"') == 2
