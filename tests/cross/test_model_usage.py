"""The providers' and frameworks' usage objects (tests/vectors/model_usage/,
one file per shape) handed to `run.model_call(usage=...)` in Python and
`run.modelCall({ usage })` in Node give the same `model_call` bytes, with the
token counts and the cost each vector expects: the same model step costs the
same whichever language or framework recorded it."""

import json
import subprocess
from pathlib import Path

import tooltrail

from conftest import ROOT

VECTORS = sorted((ROOT / "tests" / "vectors" / "model_usage").glob("*.json"))
START_US = 1_796_000_000_000_000
PRICE = {"input_per_mtok": 0.15, "output_per_mtok": 0.6, "cached_input_per_mtok": 0.075}

NODE = r"""
const tooltrail = require(process.argv[1])
const [dir, start, cases] = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const writer = new tooltrail.EventWriter({ path: dir })
const gw = new tooltrail.ToolGateway({ impls: {}, logger: writer, _deterministic: start,
  config: { logging: { ids: { request_id: 'optional' } } } })
const run = gw.startRun({ run_id: 'usage', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' })
for (const [name, usage] of cases) {
  gw._advanceClock(1000)
  run.modelCall({ model: 'gpt-4o-mini', provider: name, usage, latencyMs: 5 })
}
run.end()
if (!writer.closeSync(10000)) process.exit(1)
"""


def python_log(out: Path, cases: list) -> bytes:
    writer = tooltrail.EventWriter(out)
    gw = tooltrail.ToolGateway(impls={}, logger=writer, _deterministic=START_US,
                               config={"logging": {"ids": {"request_id": "optional"}}})
    with gw.run(run_id="usage", trace_id="4bf92f3577b34da6a3ce929d0e0e4736") as run:
        for name, usage in cases:
            gw._advance_clock(1000)
            run.model_call("gpt-4o-mini", provider=name, usage=usage, latency_ms=5)
    assert writer.close(10.0)
    return (out / "tooltrail.jsonl").read_bytes()


def test_usage_objects_give_the_same_counts_and_cost_in_python_and_node(tmp_path):
    assert len(VECTORS) >= 9
    cases = [(p.stem, json.loads(p.read_text())["usage"]) for p in VECTORS]
    py = python_log(tmp_path / "py", cases)
    subprocess.run(["node", "-e", NODE, str(ROOT / "bindings-node")], check=True, timeout=60, text=True,
                   input=json.dumps([str(tmp_path / "node"), START_US, cases]))
    assert (tmp_path / "node" / "tooltrail.jsonl").read_bytes() == py, "Python and Node wrote different bytes"

    calls = [e for e in map(json.loads, py.decode().splitlines()) if e["event"] == "model_call"]
    assert [c["provider"] for c in calls] == [name for name, _ in cases]
    for path, call in zip(VECTORS, calls):
        expect = json.loads(path.read_text())["expect"]
        for key in ("input_tokens", "output_tokens"):
            assert call[key] == expect[key], (path.name, key)
        for key in ("cached_input_tokens", "reasoning_tokens"):
            assert call.get(key) == expect.get(key), (path.name, key)
            assert (key in call) == (key in expect), (path.name, key)
        if expect["input_tokens"] is None or expect["output_tokens"] is None:
            assert call["cost_usd"] is None, path.name
        else:
            cached = expect.get("cached_input_tokens") or 0
            want = ((expect["input_tokens"] - cached) * PRICE["input_per_mtok"]
                    + cached * PRICE["cached_input_per_mtok"]
                    + expect["output_tokens"] * PRICE["output_per_mtok"]) / 1e6
            assert abs(call["cost_usd"] - want) < 1e-12, (path.name, call["cost_usd"], want)


def test_a_count_beyond_2_53_is_unknown_in_both_languages(tmp_path):
    # A provider's JSON read by Python's json module holds such a count as an
    # exact int (Node's JSON.parse rounds it to a float): Python raised
    # integer_out_of_range here and lost the step, Node recorded it.
    text = '{"input_tokens": 9007199254740993, "output_tokens": 3}'
    py = python_log(tmp_path / "py", [("big", json.loads(text))])
    node = r"""
const tooltrail = require(process.argv[1])
const [dir, start, text] = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const writer = new tooltrail.EventWriter({ path: dir })
const gw = new tooltrail.ToolGateway({ impls: {}, logger: writer, _deterministic: start,
  config: { logging: { ids: { request_id: 'optional' } } } })
const run = gw.startRun({ run_id: 'usage', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' })
gw._advanceClock(1000)
run.modelCall({ model: 'gpt-4o-mini', provider: 'big', usage: JSON.parse(text), latencyMs: 5 })
run.end()
if (!writer.closeSync(10000)) process.exit(1)
"""
    subprocess.run(["node", "-e", node, str(ROOT / "bindings-node")], check=True, timeout=60, text=True,
                   input=json.dumps([str(tmp_path / "node"), START_US, text]))
    assert (tmp_path / "node" / "tooltrail.jsonl").read_bytes() == py
    (call,) = [e for e in map(json.loads, py.decode().splitlines()) if e["event"] == "model_call"]
    assert (call["input_tokens"], call["output_tokens"], call["cost_usd"]) == (None, 3, None)
