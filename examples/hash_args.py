"""Hash one tool call's arguments the way tooltrail logs them (`args_hash`).

Run: .venv/bin/python examples/hash_args.py  (after scripts/setup.sh)
The Node twin, examples/hash_args.js, prints the same lines.
"""

import json
from pathlib import Path

import tooltrail

args = json.loads((Path(__file__).parent / "args.json").read_text(encoding="utf-8"))
# Python floats and ints canonicalize alike: 1.0 and 1 hash the same, as in JS.
print("canonical:", tooltrail.canonical_json(args))
print("args_hash:", tooltrail.stable_hash(args))
print("keyed:    ", tooltrail.stable_hash(args, key=b"demo-key"))

try:
    tooltrail.stable_hash({"when": {1, 2}})
except tooltrail.TooltrailError as err:
    print("rejected: ", err.kind, "at", err.path)
