#!/usr/bin/env bash
# Installs everything tooltrail needs for development from a fresh clone, using
# only the stock toolchains (cargo, python3, node/npm): a venv with the Python
# package built from source (maturin via pip), and node_modules with the native
# addon built by cargo (package.json's install script). Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x .venv/bin/python ]; then
  step "python: creating .venv and pip install '.[test]' (builds the native module from source)"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet '.[test]'
else
  step "python: rebuilding the native module (pip install --force-reinstall --no-deps .)"
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps .
fi

step "node: npm install (builds the native addon from source with cargo)"
npm install --no-audit --no-fund --loglevel=error
