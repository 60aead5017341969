"""Smoke test of an installed tooltrail (scripts/test-dist.sh): run by the
interpreter of a clean venv that got the wheel, from outside the source tree.
Usage: python smoke.py LOGDIR VERSION"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import tooltrail

log_dir, version = Path(sys.argv[1]), sys.argv[2]
where = Path(tooltrail.__file__).resolve()
assert "site-packages" in where.parts, f"tooltrail imported from {where}, not from an installed package"

# A golden vector: canonical bytes and their SHA-256, fixed by RFC 8785.
value = {"b": [True, None], "a": 1.0}
assert tooltrail.canonical_json(value) == '{"a":1,"b":[true,null]}'
assert tooltrail.stable_hash(value) == "1cc69c7fa23616ca2ec3ee70d24390a6225c8832db8a4c814c7e0e7f942f8668"

# A gateway call writing a log.
writer = tooltrail.EventWriter(str(log_dir))
gw = tooltrail.ToolGateway(impls={"add": lambda x, y: x + y}, logger=writer)
ctx = tooltrail.RunCtx(run_id="smoke-run-1", trace_id="4bf92f3577b34da6a3ce929d0e0e4736", request_id="req-1")
assert gw.call(ctx, "add", {"x": 2, "y": 3}) == 5
assert writer.close(5.0)

# The console script, on PATH from the venv.
cli = str(Path(sys.executable).with_name("tooltrail"))
out = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
assert out.split() == ["tooltrail", version], out
runs = subprocess.run([cli, "runs", str(log_dir), "--json"], capture_output=True, text=True, check=True).stdout
assert [r["run_id"] for r in json.loads(runs)] == ["smoke-run-1"], runs
print(subprocess.run([cli, "runs", str(log_dir)], capture_output=True, text=True, check=True).stdout, end="")
print(f"python smoke: ok (tooltrail {tooltrail.__version__} from {where.parent}, Python {sys.version.split()[0]})")
