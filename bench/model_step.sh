#!/usr/bin/env bash
# What recording a model step costs: tooltrail's run.model_call (Python) and
# run.modelCall (Node) per step, against a tool call through the gateway in
# the same run set-up, the usual logging of the same facts (Python: stdlib
# logging, one logger.info(json.dumps({...})) per step to a file; Node: pino,
# the per-call bench's pinned version, on a file destination), the same facts
# as a hand-written line (the per-call reference's way: f.write /
# fs.writeSync), and the bare loop. Both languages in one command:
#
#   bash bench/model_step.sh             # 100,000 steps x 5 rounds per variant
#   bash bench/model_step.sh --quick     # 10,000 steps x 3 rounds, a smoke test
#   bash bench/model_step.sh --calls N --rounds R
#
# More options: --python / --node (one language), --warmup W, --repeat K (K
# processes per variant, interleaved, the median of their medians: for a VM
# whose speed drifts), --json-dir DIR (keep the raw results in
# DIR/model_step_python.json and DIR/model_step_node.json).
#
# It builds nothing. It uses the tooltrail bench/run.sh built for the bench
# when there is one (bench/.venv, bench/node/native/tooltrail.node), else the
# checkout's development build (scripts/setup.sh: .venv, bindings-node/
# tooltrail.node); TOOLTRAIL_PYTHON=/path/to/python and TOOLTRAIL_NATIVE_PATH
# choose others. pino comes from bench/node/node_modules (npm ci from the
# per-call bench's package-lock.json when missing; without it the Node
# baseline is the per-call bench's hand-written fs.writeSync line). The
# Python package and the Node addon and JS are copied to a temporary
# directory first, so every variant runs the same build even if the checkout
# is rebuilt meanwhile; their paths and build times are printed. The commit
# printed is `git rev-parse --short HEAD` (-dirty when tracked files differ
# from it), which is the source of that build only if it was built from a
# clean tree. See bench/README.md, "Model steps".
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"

command="bash bench/model_step.sh${*:+ $*}"
python=1 node=1 args=() json_dir=
while (($#)); do
  case "$1" in
    --quick) args+=(--calls 10000 --rounds 3) ;;
    --calls | --rounds | --warmup | --repeat) args+=("$1" "$2"); shift ;;
    --python) node=0 ;;
    --node) python=0 ;;
    --json-dir) json_dir="$2"; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) printf 'bench/model_step.sh: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '%s\n' "$*" >&2; }
mtime() { date -u -r "$1" '+%Y-%m-%d %H:%M:%S UTC'; }

snap="$(mktemp -d "${TMPDIR:-/tmp}/tt-model-step-XXXXXX")"
if [[ -n "$json_dir" ]]; then
  mkdir -p "$json_dir"
else
  json_dir="$snap/json"
  mkdir -p "$json_dir"
fi
trap 'rm -rf "$snap"' EXIT
py_json="$json_dir/model_step_python.json" node_json="$json_dir/model_step_node.json"
rm -f "$py_json" "$node_json"

# A Python that imports tooltrail; a rebuild in progress can make the import
# fail for a while, so it is retried (every 30 s, up to 20 times).
find_python() {
  local cand
  for cand in "${TOOLTRAIL_PYTHON:-}" "$BENCH/.venv/bin/python" "$ROOT/.venv/bin/python"; do
    [[ -n "$cand" && -x "$cand" ]] || continue
    if "$cand" -c 'import tooltrail' 2>/dev/null; then
      printf '%s\n' "$cand"
      return 0
    fi
  done
  return 1
}

find_native() {
  local cand
  for cand in "${TOOLTRAIL_NATIVE_PATH:-}" "$BENCH/node/native/tooltrail.node" "$ROOT/bindings-node/tooltrail.node"; do
    [[ -n "$cand" && -f "$cand" ]] && { printf '%s\n' "$cand"; return 0; }
  done
  return 1
}

retry() { # retry WHAT FUNCTION: its output, or exit 1 after 20 tries
  local what="$1" fn="$2" out k
  for k in $(seq 1 20); do
    if out="$("$fn")"; then
      printf '%s\n' "$out"
      return 0
    fi
    say "model_step: no $what yet (try $k of 20; a build in progress?), waiting 30 s"
    sleep 30
  done
  say "model_step: no $what: run bash bench/run.sh (its set-up) or scripts/setup.sh first"
  exit 1
}

if ((python)); then
  PY="$(retry 'Python that imports tooltrail' find_python)"
  pkg="$("$PY" -c 'import os, tooltrail; print(os.path.dirname(tooltrail.__file__))')"
  mkdir -p "$snap/py"
  cp -r "$pkg" "$snap/py/tooltrail"
  rm -rf "$snap/py/tooltrail/__pycache__"
  so="$(ls "$pkg"/_native*.so 2>/dev/null | head -1 || true)"
  py_build="$pkg${so:+ (native module built $(mtime "$so"))}"
fi

if ((node)); then
  native="$(retry 'tooltrail Node addon' find_native)"
  mkdir -p "$snap/node/bindings-node"
  cp "$native" "$snap/node/tooltrail.node"
  cp "$ROOT/bindings-node/index.js" "$snap/node/bindings-node/"
  cp -r "$ROOT/bindings-node/lib" "$snap/node/bindings-node/"
  export TOOLTRAIL_NATIVE_PATH="$snap/node/tooltrail.node" TOOLTRAIL_JS="$snap/node/bindings-node/index.js"
  node_build="$native (built $(mtime "$native")), JS from $ROOT/bindings-node"
  if [[ ! -d "$BENCH/node/node_modules" || "$BENCH/node/package-lock.json" -nt "$BENCH/node/node_modules" ]]; then
    say "model_step: npm ci in bench/node (pino, as bench/run.sh)"
    (cd "$BENCH/node" && npm ci --no-audit --no-fund --loglevel=error) ||
      say "model_step: npm ci failed; the Node baseline will be the hand-written fs.writeSync line"
  fi
fi

commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')"
if [[ "$commit" != 'not a git checkout' ]] && [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  commit="$commit-dirty"
fi
printf '## Model step bench\n\n'
printf 'command: `%s`\n' "$command"
printf 'tooltrail: %s (git rev-parse --short HEAD; -dirty: tracked files differ from it)\n' "$commit"
printf 'started: %s; %s CPUs; load average %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
((python)) && printf 'python: %s, tooltrail from %s\n' "$PY" "$py_build"
((node)) && printf 'node: %s, tooltrail addon %s\n' "$(node --version)" "$node_build"

status=0
if ((python)); then
  PYTHONPATH="$snap/py${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$BENCH/python/model_step.py" ${args[@]+"${args[@]}"} --json "$py_json" || status=1
fi
if ((node)); then
  node "$BENCH/node/model_step.js" ${args[@]+"${args[@]}"} --json "$node_json" || status=1
fi

printf '\n## Summary (command, date, commit and the table for bench/README.md)\n\n'
summary_py="${PY:-python3}"
"$summary_py" "$BENCH/python/model_step.py" --summary --python "$py_json" --node "$node_json" \
  --command "$command" --commit "$commit" || status=1
printf '\nfinished: %s; load average %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
