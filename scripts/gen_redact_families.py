#!/usr/bin/env python3
"""Writes tests/vectors/redact/families/{positive,negative}.json: a seeded,
randomized corpus of secret and PII families (>= 1,000 positives) and of
look-alikes from real log shapes (>= 300 negatives). The makers are in
scripts/redact_corpus/; nothing here knows what the redactor catches.

The same makers with another seed write the hold-out corpus, which is only
scored, never used to tune the rules:

    python3 scripts/gen_redact_families.py --holdout

(`--seed N --out DIR` for any other draw).

Each case keeps its recorded output ("expected"); new cases start with the
input and are recorded by

    TOOLTRAIL_BLESS=1 cargo test -p tooltrail-core --test redact_families bless -- --ignored

Rust, Python and Node then check the recorded outputs byte for byte and
compute recall and false-positive rate per family.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import negatives as neg  # noqa: E402
from redact_corpus import pii, positives, shells  # noqa: E402
from redact_corpus.common import Rng  # noqa: E402

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "redact"
SEED = 35
OUT = VECTORS / "families"
HOLDOUT_SEED = 3507
HOLDOUT_OUT = VECTORS / "families_holdout"


def write(out: Path, seed: int, name: str, description: str, cases: list[dict]) -> None:
    path = out / name
    old = {}
    if path.exists():
        old = {c["name"]: c["expected"] for c in json.loads(path.read_text(encoding="utf-8"))["cases"]}
    lines = []
    for c in cases:
        same = c["name"] in old
        c["expected"] = old[c["name"]] if same and "secrets" in c else c["input"]
        lines.append(json.dumps(c, ensure_ascii=False))
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    body = ",\n".join(lines)
    path.write_text(f'{{"description": {json.dumps(description)}, "seed": {seed},\n"cases": [\n{body}\n]}}\n', encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, help=f"the random seed (default {SEED}, or {HOLDOUT_SEED} with --holdout)")
    ap.add_argument("--out", type=Path, help=f"the output directory (default {OUT}, or {HOLDOUT_OUT} with --holdout)")
    ap.add_argument("--holdout", action="store_true", help="write the hold-out corpus")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else HOLDOUT_SEED if a.holdout else SEED
    out = a.out or (HOLDOUT_OUT if a.holdout else OUT)
    rng = Rng(seed)
    pos: list = []
    positives.vendor_tokens(rng, pos, 3)
    positives.secret_names(rng, pos, 220)
    positives.high_entropy(rng, pos, 80)
    shells.cli(rng, pos, 150)
    shells.connection_strings(rng, pos, 100)
    shells.embedded(rng, pos, 100)
    positives.jwts(rng, pos, 60)
    pii.pii(rng, pos, 60)
    negs: list = []
    neg.negatives(rng, negs, 36)
    out.mkdir(parents=True, exist_ok=True)
    write(out, seed, "positive.json", "secrets and PII by family; every listed secret must be gone (scripts/gen_redact_families.py)",
          [{"family": f, "name": f"{f}:{n}", "input": v, "secrets": s, "expected": None} for f, n, v, s in pos])
    write(out, seed, "negative.json", "look-alikes from real log shapes; must come out unchanged (scripts/gen_redact_families.py)",
          [{"family": f, "name": f"{f}:{n}", "input": v, "expected": None} for f, n, v in negs])
    print(f"{out}: seed {seed}, {len(pos)} positive, {len(negs)} negative")


if __name__ == "__main__":
    main()
