#!/usr/bin/env bash
# The redaction family corpus through detect-secrets (PyPI, default plugins),
# beside tooltrail's own scores (bench/redact_families.py). Installs
# detect-secrets into bench/.venv-detect-secrets on first use.
#
#   bash bench/detect_secrets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/.venv-detect-secrets
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'detect-secrets==1.5.0'
fi
printf '==> detect-secrets %s (default plugins)\n' "$("$venv/bin/python" -m pip show detect-secrets | sed -n 's/^Version: //p')"
"$venv/bin/python" bench/detect_secrets_compare.py
printf '\n==> tooltrail (Python)\n'
.venv/bin/python bench/redact_families.py | sed -n '/^family/,/^versions/p'
