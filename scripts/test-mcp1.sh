#!/usr/bin/env bash
# The Python MCP client adapter against the newest mcp 1.x (the main venv has
# 2.x): tests/python/test_mcp_versions.py again, in a second venv
# (.venv-mcp1) holding mcp 1.x, pytest and the tooltrail package already
# built into .venv (copied, not rebuilt). The fixture server keeps running on
# .venv's mcp 2.x: only the client side changes. Skipped, saying so, when the
# package index does not have that mcp.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1
MCP1=${TOOLTRAIL_MCP1_VERSION:-1.30.0}

printf '\n==> python: the MCP adapter against mcp %s\n' "$MCP1"
venv=.venv-mcp1
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$MCP1')" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! "$venv/bin/python" -m pip install --quiet "mcp==$MCP1" "pytest>=8" anyio; then
    echo "mcp $MCP1 is not available from the package index: skipped"
    rm -rf "$venv"
    exit 0
  fi
fi
site() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
from=$(site .venv)
to=$(site "$venv")
rm -rf "$to"/tooltrail "$to"/tooltrail-*.dist-info
cp -R "$from"/tooltrail "$from"/tooltrail-*.dist-info "$to"/
TOOLTRAIL_MCP_SERVER_PYTHON="$root/.venv/bin/python" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python/test_mcp_versions.py
