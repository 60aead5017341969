#!/usr/bin/env bash
# Runs every test: Rust (fmt, clippy, cargo test), the Python and JS lints
# (ruff, mypy, stubtest, ESLint), Python (pytest), Node (node --test, tsc type
# test), the cross-language suite and the release artifacts as users install
# them (scripts/test-dist.sh), after setting up
# from scratch with scripts/setup.sh. This is the README's test command and
# what .ci/run calls.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "rust: fmt, clippy, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace --quiet

bash scripts/setup.sh
bash scripts/lint.sh

step "python: pytest (and the example agent's tests, docs/testing.md)"
.venv/bin/python -m pytest -q tests/python
.venv/bin/python -m pytest -q -p no:cacheprovider examples
bash scripts/test-mcp1.sh

step "node: node --test and the TypeScript type test"
npm test --silent
node --test examples/
npm run --silent typecheck

step "frameworks: the adapters against the other end of each supported version range"
bash scripts/test-frameworks.sh

bash scripts/install-chromium.sh

step "cross-language: Rust, Python and Node on the same values (and the report in Chromium)"
.venv/bin/python -m pytest -q tests/cross

step "release artifacts: dist/ built, installed with no Rust toolchain on PATH, tested"
bash scripts/test-dist.sh
