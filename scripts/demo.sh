#!/usr/bin/env bash
# The main job: set up from scratch, then hash the same tool arguments from
# Python and from Node and show that the hashes agree byte for byte.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
printf '\n==> Python\n'
py=$(.venv/bin/python examples/hash_args.py)
printf '%s\n' "$py"
printf '\n==> Node\n'
js=$(node examples/hash_args.js)
printf '%s\n' "$js"
printf '\n==> tooltrail hashes agree across languages: '
if [ "$py" = "$js" ]; then echo yes; else echo NO; exit 1; fi
