#!/usr/bin/env bash
# Installs Debian's chromium package for the report's browser test
# (tests/cross/test_report.py), unless a chromium is already on PATH.
# Needs root or sudo; apt's index is refreshed only if the first try fails.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
printf '\n==> %s\n' "chromium: apt-get install chromium (for the report's headless browser test)"
if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1; then as_root=(sudo -n); else
  echo "error: chromium is missing and installing it needs root or sudo (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -q chromium >/tmp/tooltrail-apt.log 2>&1; then
  "${as_root[@]}" apt-get update -q >>/tmp/tooltrail-apt.log 2>&1
  "${as_root[@]}" apt-get install -y -q chromium >>/tmp/tooltrail-apt.log 2>&1 \
    || { tail -20 /tmp/tooltrail-apt.log >&2; exit 1; }
fi
command -v chromium >/dev/null
