#!/usr/bin/env bash
# The main job: set up from scratch, run the example agent in Python and in
# Node against a flaky local API (every tool call through tooltrail), show
# what the logs say, and show that both languages hash arguments identically.
# It installs only what it runs: tooltrail itself into .venv-demo (no test
# extra, no linters, no frameworks) and the Node addon (no devDependencies);
# the build's output goes to demo-logs/build.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1

logs="$root/demo-logs"
rm -rf "$logs"
mkdir -p "$logs"
build_log="$logs/build.log"
quiet() { "$@" >>"$build_log" 2>&1 || { tail -30 "$build_log"; echo "demo: \`$*\` failed; full output in $build_log" >&2; exit 1; }; }

printf '==> Building tooltrail from source (Python package and Node addon; output in %s)\n' "$build_log"
venv=.venv-demo
[ -x "$venv/bin/python" ] || quiet python3 -m venv "$venv"
quiet "$venv/bin/python" -m pip install --force-reinstall --no-deps .
# The examples require('tooltrail') from this checkout (package self-reference):
# only the addon is needed, not node_modules.
quiet node scripts/build-node.js
port_file=$(mktemp)
"$venv/bin/python" examples/fake_api.py "$port_file" &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
export FAKE_API="http://127.0.0.1:$(cat "$port_file")"

printf '\n==> Python agent (flaky API: 429s, 503s, 200-with-error payloads, slow e-mail)\n'
"$venv/bin/python" examples/agent.py "$logs"
printf '\n==> Node agent, same API, same log directory\n'
node examples/agent.js "$logs"

cli=$venv/bin/tooltrail   # the same CLI is `npx tooltrail` (npm) and `cargo install --path core`
printf '\n==> tooltrail runs %s --error-class validation_failed   (which runs hit a 200-with-error payload?)\n' "$logs"
$cli runs "$logs" --error-class validation_failed
printf '\n==> tooltrail stats   (per tool: failures by class, latency percentiles, hottest argument hashes)\n'
$cli stats "$logs" --top 3
run=$($cli runs "$logs" --stop-reason error --json | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)[-1]["run_id"])')
printf '\n==> tooltrail show %s   (one failed run, call by call)\n' "$run"
$cli show "$run" "$logs"
printf '\n==> tooltrail alerts   (the alert rules replayed over the logs)\n'
$cli alerts "$logs"
printf '\n==> tooltrail report   (one self-contained HTML page: runs, waterfalls, error classes, latency, alerts)\n'
$cli report "$logs" -o "$logs/report.html"

printf '\n==> The same arguments hash the same in Python and Node\n'
py=$("$venv/bin/python" examples/hash_args.py)
js=$(node examples/hash_args.js)
printf '%s\n' "$py"
if [ "$py" = "$js" ]; then echo "Node printed the same: yes"; else echo "Node differs:"; echo "$js"; exit 1; fi

cat <<EOF

==> Where to look next
  the logs (JSONL, one event per line):  $logs/
  the HTML report:                       $logs/report.html
  every run and why it stopped:          $cli runs $logs
  the failing run shown above:           $cli show $run $logs
  the incident walkthroughs:             docs/incidents.md
EOF
