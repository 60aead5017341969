#!/usr/bin/env bash
# Redaction at benchmark scale (issue 16): the planted-secrets property test
# with 1,000,000 cases (CI runs 512), then the cost on 2 KiB and 1 MiB
# payloads and on adversarial 1 MiB strings. Release build; one command:
#
#   bash bench/redact.sh            # PROPTEST_CASES=N to change the case count
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${PROPTEST_CASES:-1000000}"
printf '\n==> redaction: %s planted-secret cases (release)\n' "$cases"
PROPTEST_CASES="$cases" cargo test --release -q -p tooltrail-core --test redact planted
printf '\n==> redaction: cost (2 KiB, 1 MiB, adversarial 1 MiB strings)\n'
cargo test --release -q -p tooltrail-core --test redact cost -- --ignored --nocapture
