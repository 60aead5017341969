"""Result sampling is decided per run_id by the core: Python and Node store
results for exactly the same runs out of 10,000."""

import json
import subprocess

import tooltrail

from conftest import ROOT

N = 10_000
CONFIG = {
    "logging": {
        "ids": {"request_id": "optional"},
        "tool_calls": {"store_results": "sampled", "result_sample_rate": 0.1},
    }
}


class Memory:
    def __init__(self):
        self.sampled = []

    def event(self, name, fields):
        if name == "tool_result" and "result" in fields:
            self.sampled.append(fields["run_id"])


def python_sampled():
    log = Memory()
    gw = tooltrail.ToolGateway(impls={"t": lambda: 1}, logger=log, config=CONFIG)
    for i in range(N):
        gw.call({"run_id": f"run-{i}", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}, "t", {})
    return log.sampled


NODE = f"""
const t = require('tooltrail')
const sampled = []
const gw = new t.ToolGateway({{ impls: {{ t: () => 1 }}, config: {json.dumps(CONFIG)},
  logger: {{ event: (n, f) => {{ if (n === 'tool_result' && 'result' in f) sampled.push(f.run_id) }} }} }})
for (let i = 0; i < {N}; i++) gw.call({{ run_id: 'run-' + i, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }}, 't', {{}})
process.stdout.write(JSON.stringify(sampled))
"""


def test_sampling_decisions_match_for_10000_runs():
    py = python_sampled()
    out = subprocess.run(["node", "-e", NODE], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    js = json.loads(out)
    assert py == js
    assert 800 < len(py) < 1200  # about 10%, and not all or nothing
