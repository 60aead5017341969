#!/usr/bin/env python3
"""The family corpus (tests/vectors/redact/families/) through detect-secrets'
default plugins, as a reference point for tooltrail's redactor; prints the
same table as bench/redact_families.py. Run by bench/detect_secrets.sh.

detect-secrets scans lines of text and reports findings; it does not redact.
Each case is given as it would sit in a log line (a string as itself, any
other value as compact JSON), line by line. A positive counts as caught when
every listed secret overlaps a finding's value (one contains the other); a
negative counts as changed when anything is reported on it. Generous to
detect-secrets: a finding anywhere in the case is enough for a negative, but
a positive it flags under a different span still counts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from detect_secrets.core.scan import scan_line
from detect_secrets.settings import default_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_families as fam  # noqa: E402


def findings(value: object) -> list[str]:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    out = []
    for line in text.splitlines() or [""]:
        out += [s.secret_value or "" for s in scan_line(line)]
    return out


def main() -> None:
    rows: dict[str, list[int]] = {}
    negs: dict[str, list[int]] = {}
    with default_settings():
        for c in fam.cases("positive.json"):
            found = findings(c["input"])
            ok = all(any(f and (s in f or f in s) for f in found) for s in c["secrets"])
            r = rows.setdefault(c["family"], [0, 0])
            r[0] += 1
            r[1] += ok
        for c in fam.cases("negative.json"):
            r = negs.setdefault(c["family"], [0, 0])
            r[0] += 1
            r[1] += bool(findings(c["input"]))
    print(f"{'family':<20} {'cases':>6} {'caught':>7} {'recall':>8}")
    for f in sorted(rows):
        print(f"{f:<20} {rows[f][0]:>6} {rows[f][1]:>7} {fam._pct(rows[f][1], rows[f][0]):>8}")
    print(f"{'negatives':<20} {'cases':>6} {'flagged':>7} {'fp rate':>8}")
    for f in sorted(negs):
        print(f"{f:<20} {negs[f][0]:>6} {negs[f][1]:>7} {fam._pct(negs[f][1], negs[f][0]):>8}")


if __name__ == "__main__":
    main()
