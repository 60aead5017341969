"""The same model steps, recorded through the Python API and through the
Node API, give the same bytes (and the golden file Rust writes)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from test_models import replay  # noqa: E402


def test_python_and_node_record_model_steps_byte_for_byte(tmp_path):
    py_dir, node_dir = tmp_path / "py", tmp_path / "node"
    py_dir.mkdir()
    node_dir.mkdir()
    py_bytes, py_refusals = replay(py_dir)
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "node" / "models_replay.js"), str(node_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(out.stdout)["refusals"] == py_refusals == 3
    node_bytes = (node_dir / "tooltrail.jsonl").read_bytes()
    assert py_bytes == node_bytes
    golden = ROOT / "tests" / "vectors" / "gateway" / "models.expected.jsonl"
    assert py_bytes == golden.read_bytes()
    assert b'"event":"model_call"' in py_bytes
