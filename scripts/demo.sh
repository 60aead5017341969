#!/usr/bin/env bash
# The main job: set up from scratch, run the example agent in Python and in
# Node against a flaky local API (every tool call through tooltrail), show
# what the logs say, and show that both languages hash arguments identically.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null

logs="$root/demo-logs"
rm -rf "$logs"
port_file=$(mktemp)
.venv/bin/python examples/fake_api.py "$port_file" &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
export FAKE_API="http://127.0.0.1:$(cat "$port_file")"

printf '\n==> Python agent (flaky API: 429s, 503s, 200-with-error payloads, slow e-mail)\n'
.venv/bin/python examples/agent.py "$logs"
printf '\n==> Node agent, same API, same log directory\n'
node examples/agent.js "$logs"

printf '\n==> What the logs say (%s)\n' "$logs"
.venv/bin/python examples/summarize.py "$logs"
printf '\none event, as written:\n'
head -n 1 "$logs/tooltrail.jsonl"

printf '\n==> The same arguments hash the same in Python and Node\n'
py=$(.venv/bin/python examples/hash_args.py)
js=$(node examples/hash_args.js)
printf '%s\n' "$py"
if [ "$py" = "$js" ]; then echo "Node printed the same: yes"; else echo "Node differs:"; echo "$js"; exit 1; fi
