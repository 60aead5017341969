"""Every case in tests/vectors/redact/ through Python's redact()."""

import json

import pytest

import tooltrail

from conftest import ROOT

ALL = sorted((ROOT / "tests" / "vectors" / "redact").glob("*.json"))
FILES = [p for p in ALL if not p.name.startswith("corpus_")]
CORPUS = [
    (p.stem, case)
    for p in ALL
    if p.name.startswith("corpus_")
    for case in json.loads(p.read_text(encoding="utf-8"))["cases"]
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_redaction_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert tooltrail.redact(case["input"], case.get("redact_fields")) == case["expected"]


def test_there_are_redaction_vectors():
    assert len(FILES) >= 12
    assert sum("secrets" in c for _, c in CORPUS) >= 200
    assert sum("keep" in c for _, c in CORPUS) >= 200


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("case", [c for _, c in CORPUS], ids=[f"{f}:{c['name']}" for f, c in CORPUS])
def test_corpus_case(case):
    """The recorded output (byte-identical to Rust's and Node's), no listed
    secret left in it, and look-alikes unchanged."""
    got = tooltrail.redact(case["input"], case.get("redact_fields"))
    text = _compact(got)
    for secret in case.get("secrets", []):
        assert _compact(secret)[1:-1] not in text, f"leak of {secret}"
    if "keep" in case:
        assert got == case["input"], "false positive"
        for keep in case["keep"]:
            assert _compact(keep)[1:-1] in text
    assert got == case["expected"]
    assert text == _compact(case["expected"])


def test_gateway_redact_uses_its_config():
    config = {"logging": {"pii": {"redact_fields": ["customer_id"]}}}
    gw = tooltrail.ToolGateway(impls={}, logger=object(), config=config)
    assert gw.redact({"customer_id": 7, "email": "x"}) == {"customer_id": "[REDACTED:customer_id]", "email": "x"}
