"""The family corpora (tests/vectors/redact/families/ and the hold-out
families_holdout/) through Python's redact(): the recorded outputs byte for
byte, and the per-family table that Rust and Node produce too (scores.txt):
recall >= 99% per family, no false positive."""

import importlib.util
import json

import pytest

import tooltrail

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("redact_families", ROOT / "bench" / "redact_families.py")
assert _spec and _spec.loader
families = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(families)


CORPORA = [families.DIR, families.HOLDOUT]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_the_recorded_outputs_hold(corpus):
    cases = families.cases("positive.json", corpus) + families.cases("negative.json", corpus)
    assert len(cases) >= 1300
    bad = [c["name"] for c in cases if json.dumps(tooltrail.redact(c["input"])) != json.dumps(c["expected"])]
    assert bad == []


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_the_scores_are_the_recorded_ones(corpus):
    table, misses = families.score(tooltrail.redact, corpus)
    assert table == (corpus / "scores.txt").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line.endswith("%"):
            pct = float(line.split()[-1].rstrip("%"))
            negative = table.index(line) > table.index("negatives")
            assert pct == 0.0 if negative else pct >= 99.0, (line, misses)
