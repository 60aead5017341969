#!/usr/bin/env bash
# The framework adapters against the other end of each supported range
# (docs/integrations.md, "Supported versions"): the main suites test the
# versions pinned in pyproject.toml's test extra and package.json; this runs
# the same adapter tests with the versions below, installed beside them.
# Called by scripts/test-all.sh after the main suites (needs scripts/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# The other end of each range (the main suites pin the other).
PY_FRAMEWORKS=("openai-agents==0.25.0" "langchain-core==1.7.7")
NODE_FRAMEWORKS=("@openai/agents@0.19.0" "@openai/agents-core@0.19.0" "@openai/agents-openai@0.19.0" "ai@7.0.185")
PY_TESTS=(tests/python/test_integration_openai_agents.py tests/python/test_openai_agents_tracing.py
  tests/python/test_integration_langchain.py tests/python/test_langchain_callbacks.py
  tests/python/test_invalid_arguments.py tests/python/test_linked_steps.py)
NODE_TESTS=(integration_ai.test.js integration_ai_telemetry.test.js integration_openai_agents.test.js
  openai_agents_tracing.test.js invalid_arguments.test.js linked_steps.test.js run_follows_streams.test.js)

step() { printf '\n==> %s\n' "$*"; }
work=$root/target/frameworks
mkdir -p "$work"

step "python: ${PY_FRAMEWORKS[*]}"
venv=$work/py
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip show --quiet "${PY_FRAMEWORKS[@]%%==*}" >/dev/null 2>&1 \
  || [ "$(cat "$work/py.pinned" 2>/dev/null)" != "${PY_FRAMEWORKS[*]}" ]; then
  rm -rf "$venv"
  .venv/bin/python -m venv "$venv"
  # The frameworks (and their dependencies) in a venv of their own, first...
  "$venv/bin/python" -m pip install --quiet "${PY_FRAMEWORKS[@]}"
  echo "${PY_FRAMEWORKS[*]}" >"$work/py.pinned"
fi
# ...then the main venv's packages behind them (tooltrail, pytest, mcp):
# a .pth entry comes after the venv's own site-packages.
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
main_site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$main_site" >"$site/zz_tooltrail_main.pth"
ln -sf "$root/.venv/bin/tooltrail" "$venv/bin/tooltrail" # the CLI the tests run beside the interpreter
"$venv/bin/python" - "${PY_FRAMEWORKS[@]}" <<'PY'
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, f"{name} {version(name)} is not {want}"
    print(f"{name} {want}")
PY
"$venv/bin/python" -m pytest -q -p no:cacheprovider "${PY_TESTS[@]}"

step "node: ${NODE_FRAMEWORKS[*]}"
nodedir=$work/node
if [ "$(cat "$nodedir/pinned" 2>/dev/null)" != "${NODE_FRAMEWORKS[*]}" ]; then
  rm -rf "$nodedir"
  mkdir -p "$nodedir"
  printf '{ "name": "tooltrail-framework-range", "private": true }\n' >"$nodedir/package.json"
  (cd "$nodedir" && npm install --no-audit --no-fund --loglevel=error --no-save \
    "${NODE_FRAMEWORKS[@]}" zod@4.6.7 @modelcontextprotocol/sdk@1.32.2 openai)
  echo "${NODE_FRAMEWORKS[*]}" >"$nodedir/pinned"
fi
# The tests and this checkout's package, linked in: with --preserve-symlinks
# the adapters load the frameworks installed here, not the main ones.
rm -rf "$nodedir/tests"
mkdir -p "$nodedir/tests"
for t in "${NODE_TESTS[@]}" helpers.js linked_replay.js; do cp "tests/node/$t" "$nodedir/tests/"; done
# A package directory of links (not a link to the checkout, whose own
# node_modules would be found first).
rm -rf "$nodedir/node_modules/tooltrail"
mkdir -p "$nodedir/node_modules/tooltrail"
ln -s "$root/package.json" "$nodedir/node_modules/tooltrail/package.json"
ln -s "$root/bindings-node" "$nodedir/node_modules/tooltrail/bindings-node"
for p in @openai/agents ai; do node -p "'$p ' + require('$nodedir/node_modules/$p/package.json').version"; done
(cd "$nodedir" && TOOLTRAIL_ROOT=$root node --preserve-symlinks --test tests/)
