"""Every case in tests/vectors/redact/ through Python's redact()."""

import json

import pytest

import tooltrail

from conftest import ROOT

FILES = sorted((ROOT / "tests" / "vectors" / "redact").glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_redaction_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert tooltrail.redact(case["input"], case.get("redact_fields")) == case["expected"]


def test_there_are_redaction_vectors():
    assert len(FILES) >= 12


def test_gateway_redact_uses_its_config():
    config = {"logging": {"pii": {"redact_fields": ["customer_id"]}}}
    gw = tooltrail.ToolGateway(impls={}, logger=object(), config=config)
    assert gw.redact({"customer_id": 7, "email": "x"}) == {"customer_id": "[REDACTED:customer_id]", "email": "x"}
