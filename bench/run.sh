#!/usr/bin/env bash
# Per-call overhead of tooltrail's ToolGateway against a plain hand-written
# logging gateway and the usual loggers, in Python and in Node. One command
# from a fresh clone:
#
#   bash bench/run.sh            # full: 200,000 calls x 5 rounds per variant, then the stalled-sink run
#   bash bench/run.sh --quick    # 20,000 calls x 3 rounds, for a smoke test
#   bash bench/run.sh --check    # the same as the full run, then exit 1 if an overhead target is missed
#   bash bench/run.sh --all      # the full run, then the writer core's rate (gateway_calls), the readers
#                                # on a 1 GB log beside grep and DuckDB (reader.py), and one run's answers
#                                # through the run index on 10 GB (show_index; --index-gb N): every target
#
# Each language prints its own tables; then bench/summary.py prints the
# side-by-side table for bench/README.md ("Results": date, commit, machine,
# other processes' CPU share during the run) and the targets, met or missed.
# Options: --python / --node (only that language), --no-build (use the
# tooltrail already built for the bench), --json-dir DIR (also keep the raw
# results in DIR/python.json and DIR/node.json), --check (exit 1 when a target
# is missed; for humans, not for CI), anything else is passed to both benches
# (e.g. --calls 100000 --rounds 3 --variants seed,tooltrail; --repeat 3 runs every variant in three
# processes, interleaved, and reports the median of their medians: use it on a VM whose speed drifts).
# TOOLTRAIL_SRC=DIR builds tooltrail from another checkout (default: this
# repository), e.g. to compare a branch with a `git worktree` of main.
#
# Set-up, all inside bench/: a venv at bench/.venv with tooltrail built from
# source (pip install <src>) and the pinned baselines (requirements.txt);
# bench/node/node_modules from package-lock.json; the Node addon built with
# cargo (release, as `npm install` builds it) and copied to
# bench/node/native/tooltrail.node, loaded through the checkout's
# bindings-node/index.js. Builds take /tmp/tt-build.lock, as every build here.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
SRC="$(cd "${TOOLTRAIL_SRC:-$ROOT}" && pwd)"
LOCK=/tmp/tt-build.lock

command="bash bench/run.sh${*:+ $*}"
python=1 node=1 build=1 check=0 all=0 index_gb=10 args=() json_dir=
while (($#)); do
  case "$1" in
    --quick) args+=(--calls 20000 --rounds 3 --stall-calls 50000) ;;
    --python) node=0 ;;
    --node) python=0 ;;
    --no-build) build=0 ;;
    --json-dir) json_dir="$2"; shift ;;
    --check) check=1 ;;
    --all) all=1 ;;
    --index-gb) index_gb="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

say() { printf '%s\n' "$*" >&2; }

if ((python)); then
  PY="$BENCH/.venv/bin/python"
  if [[ ! -x "$PY" ]]; then
    say "bench: creating bench/.venv"
    python3 -m venv "$BENCH/.venv"
  fi
  "$PY" -m pip install -q --disable-pip-version-check -r "$BENCH/requirements.txt"
  if ((build)) || ! "$PY" -c 'import tooltrail' 2>/dev/null; then
    say "bench: building tooltrail for Python from $SRC (pip install, release)"
    flock "$LOCK" "$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$SRC"
  fi
fi

if ((node)); then
  NATIVE="$BENCH/node/native/tooltrail.node"
  if [[ ! -d "$BENCH/node/node_modules" || "$BENCH/node/package-lock.json" -nt "$BENCH/node/node_modules" ]]; then
    say "bench: npm ci in bench/node"
    (cd "$BENCH/node" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if ((build)) || [[ ! -f "$NATIVE" ]]; then
    say "bench: building the tooltrail Node addon from $SRC (cargo, release)"
    flock "$LOCK" cargo build --quiet --release -p tooltrail-node --manifest-path "$SRC/Cargo.toml"
    target="$(cargo metadata --format-version 1 --no-deps --manifest-path "$SRC/Cargo.toml" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
    mkdir -p "$BENCH/node/native"
    cp "$target/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}release/libtooltrail_node.so" "$NATIVE.tmp"
    mv "$NATIVE.tmp" "$NATIVE"
  fi
  export TOOLTRAIL_NATIVE_PATH="$NATIVE" TOOLTRAIL_JS="$SRC/bindings-node/index.js"
fi

if [[ -n "$json_dir" ]]; then
  mkdir -p "$json_dir"
else
  json_dir="$(mktemp -d "${TMPDIR:-/tmp}/tt-bench-json-XXXXXX")"
  trap 'rm -rf "$json_dir"' EXIT
fi
rm -f "$json_dir"/{python,node,writer,reader,index}.json
commit="$(git -C "$SRC" describe --always --dirty 2>/dev/null || cat "$SRC/.bench-commit" 2>/dev/null || echo 'not a git checkout')"
say "bench: tooltrail from $SRC ($commit)"
printf 'tooltrail %s, bench run started %s\n' "$commit" "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
if ((python)); then
  "$PY" "$BENCH/python/bench_gateway.py" ${args[@]+"${args[@]}"} --json "$json_dir/python.json"
fi
if ((node)); then
  node "$BENCH/node/bench_gateway.js" ${args[@]+"${args[@]}"} --json "$json_dir/node.json"
fi
if ((all)); then
  say "bench: building the Rust benches and the CLI (release)"
  flock "$LOCK" cargo build --quiet --release -p tooltrail-bench -p tooltrail-cli --manifest-path "$SRC/Cargo.toml"
  target="$(cargo metadata --format-version 1 --no-deps --manifest-path "$SRC/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"
  printf '\n## The writer core (gateway_calls), load average %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  "$target/gateway_calls" 200000 7 --json "$json_dir/writer.json"
  printf '\n## The readers (reader.py)\n\n'
  python3 "$BENCH/reader.py" --bin "$target/tooltrail" --commit "$commit" --json "$json_dir/reader.json"
  printf '\n## One run through the run index (show_index, %s GB), load average %s\n\n' "$index_gb" "$(cut -d' ' -f1-3 /proc/loadavg)"
  "$target/show_index" "$index_gb" --json "$json_dir/index.json"
fi
printf '\n## Summary (paste under "Results" in bench/README.md)\n\n'
summary=(python3 "$BENCH/summary.py" --commit "$commit" --command "$command" --python "$json_dir/python.json" --node "$json_dir/node.json"
  --writer "$json_dir/writer.json" --reader "$json_dir/reader.json" --index "$json_dir/index.json")
((check)) && summary+=(--check)
"${summary[@]}"
