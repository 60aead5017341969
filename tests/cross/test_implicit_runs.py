"""A call with no ctx and no current run writes the same bytes from Python
and Node: `run_start` with `implicit: true`, the call, `run_end` (deterministic
clocks and ids), also for a streamed (generator) result that fails with a 429."""

import json
import subprocess
import warnings

import tooltrail
from tooltrail.testing import Recorder

from conftest import ROOT

NODE = r"""
const tooltrail = require(process.argv[1])
const { Recorder } = require(process.argv[1] + '/bindings-node/testing.js')
class RateLimited extends Error { constructor(m) { super(m); this.status = 429 } }
const rec = new Recorder()
const gw = new tooltrail.ToolGateway({
  impls: {
    double: ({ x }) => x * 2,
    stream: function* ({ n }) { yield n; throw new RateLimited('429 Too Many Requests') },
  },
  logger: rec, deterministic: true,
})
process.on('warning', () => {})
gw.call(null, 'double', { x: 2 })
try { for (const _ of gw.call(null, 'stream', { n: 1 })) {} } catch {}
rec.flushSync(5000)
process.stdout.write(JSON.stringify(rec.lines()))
"""


class RateLimited(Exception):
    status_code = 429


def stream(n: int):  # type: ignore[no-untyped-def]
    yield n
    raise RateLimited("429 Too Many Requests")


def test_implicit_runs_write_the_same_bytes_in_python_and_node():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={"double": lambda x: x * 2, "stream": stream}, logger=rec, deterministic=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gw.call(None, "double", {"x": 2})
        try:
            for _ in gw.call(None, "stream", {"n": 1}):
                pass
        except RateLimited:
            pass
    rec.flush()
    python = rec.lines()
    node = json.loads(subprocess.run(["node", "-e", NODE, str(ROOT)], check=True, capture_output=True,
                                     text=True, timeout=60).stdout)
    assert python == node
    events = [json.loads(line) for line in python]
    assert [e["event"] for e in events] == ["run_start", "tool_call", "tool_result", "run_end"] * 2
    assert [e["implicit"] for e in events if e["event"] == "run_start"] == [True, True]
    assert events[6]["error_class"] == "rate_limited" and events[7]["stop_reason"] == "error"
