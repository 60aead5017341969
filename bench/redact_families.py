#!/usr/bin/env python3
"""Recall and false-positive rate per family of tests/vectors/redact/families/
(or of the hold-out corpus, families_holdout/, or any directory the generator
wrote) through Python's tooltrail.redact; prints the same table as
bench/redact_families.js and the Rust test (<corpus>/scores.txt).

    .venv/bin/python bench/redact_families.py [--holdout | --dir DIR]
"""

from __future__ import annotations

import json
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "redact"
DIR = VECTORS / "families"
HOLDOUT = VECTORS / "families_holdout"


def _compact(v: object) -> str:
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def _pct(k: int, n: int) -> str:
    t = (2000 * k + n) // (2 * n)  # tenths of a percent, half up, integers only
    return f"{t // 10}.{t % 10}%"


def cases(name: str, corpus: Path = DIR) -> list[dict]:
    return json.loads((corpus / name).read_text(encoding="utf-8"))["cases"]


def score(redact, corpus: Path = DIR) -> tuple[str, list[str]]:
    rows: dict[str, list[int]] = {}
    negs: dict[str, list[int]] = {}
    misses = []
    for c in cases("positive.json", corpus):
        got = _compact(redact(c["input"]))
        ok = all(_compact(s)[1:-1] not in got for s in c["secrets"])
        r = rows.setdefault(c["family"], [0, 0])
        r[0] += 1
        r[1] += ok
        if not ok:
            misses.append(f"miss {c['name']}: {got}")
    for c in cases("negative.json", corpus):
        got = redact(c["input"])
        r = negs.setdefault(c["family"], [0, 0])
        r[0] += 1
        if got != c["input"]:
            r[1] += 1
            misses.append(f"false positive {c['name']}: {_compact(got)}")
    out = f"{'family':<20} {'cases':>6} {'caught':>7} {'recall':>8}\n"
    for f in sorted(rows):
        n, k = rows[f]
        out += f"{f:<20} {n:>6} {k:>7} {_pct(k, n):>8}\n"
    out += f"{'negatives':<20} {'cases':>6} {'changed':>7} {'fp rate':>8}\n"
    for f in sorted(negs):
        n, k = negs[f]
        out += f"{f:<20} {n:>6} {k:>7} {_pct(k, n):>8}\n"
    return out, misses


if __name__ == "__main__":
    import argparse

    import tooltrail

    ap = argparse.ArgumentParser(description="per-family recall and false positives")
    ap.add_argument("--holdout", action="store_true", help=f"score {HOLDOUT}")
    ap.add_argument("--dir", type=Path, help="score another corpus directory")
    a = ap.parse_args()
    table, misses = score(tooltrail.redact, a.dir or (HOLDOUT if a.holdout else DIR))
    print(table, end="")
    for m in misses:
        print(m)
