#!/usr/bin/env bash
# Lints and type checks, after scripts/setup.sh (uses its .venv and
# node_modules): ruff, mypy on the package and the typed usage file, stubtest
# of the native module's stubs against the built module, and eslint.
# `ruff format --check` is not run: the code predates the formatter and is
# not reformatted wholesale.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=.venv/bin/python

step() { printf '\n==> %s\n' "$*"; }

# setup.sh installs the test extra only into a new .venv; an older one gets
# the linters at the versions pinned there.
step "python: ruff and mypy as pinned in pyproject.toml's test extra"
mapfile -t pins < <(grep -oE '"(ruff|mypy)==[^"]+"' pyproject.toml | tr -d '"')
[ "${#pins[@]}" -eq 2 ] || { echo "lint.sh: ruff and mypy pins not found in pyproject.toml" >&2; exit 1; }
"$py" -m pip install --quiet --disable-pip-version-check "${pins[@]}"

step "python: ruff check"
"$py" -m ruff check

step "python: mypy (strict) on the package and tests/python/typing/usage.py"
"$py" -m mypy

# The runtime is the installed module (setup.sh built it from this tree); the
# stub is the source's (pyproject's mypy_path).
step "python: stubtest tooltrail._native against the built module"
"$py" -m mypy.stubtest --mypy-config-file pyproject.toml tooltrail._native

step "node: eslint"
npx --no-install eslint .
