"""A configuration with `logging.pii.redact_patterns` gives the same written
event bytes in Python and Node (stored args, a result, an error message), and
the same error for a bad pattern."""

import json
import subprocess
import sys

import tooltrail

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "python"))

from test_redact_patterns import record  # noqa: E402

NODE = r"""
const { record } = require(process.argv[1] + '/tests/node/redact_patterns_replay.js')
const tooltrail = require('tooltrail')
let error = null
try {
  tooltrail.loadConfig({ logging: { pii: { redact_patterns: [{ name: 'a', pattern: 'ORD-([0-9]' }] } } })
} catch (err) {
  error = { code: err.code, key: err.key, message: err.message }
}
process.stdout.write(JSON.stringify({ events: record().toString('utf8'), error }))
"""


def test_python_and_node_write_the_same_redacted_bytes():
    out = subprocess.run(["node", "-e", NODE, str(ROOT)], cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=60).stdout
    node = json.loads(out)
    python = record().decode("utf-8")
    assert node["events"] == python
    assert python.count("[REDACTED:order_ref]") >= 4
    try:
        tooltrail.load_config({"logging": {"pii": {"redact_patterns": [{"name": "a", "pattern": "ORD-([0-9]"}]}}})
    except tooltrail.ConfigError as e:
        assert (node["error"]["code"], node["error"]["key"]) == (e.code, e.key)
        assert node["error"]["message"] == str(e)
    else:
        raise AssertionError("the bad pattern was accepted")
