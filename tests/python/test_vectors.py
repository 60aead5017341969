"""Every shared case in tests/vectors/canonical/, on the text path (the core's
strict parser) and on the native path (json.loads, then Python conversion)."""

import hashlib
import hmac
import json

import pytest

import tooltrail
from tooltrail import _native

from conftest import VECTORS

FILES = sorted(VECTORS.glob("*.json"))


def test_there_are_vectors():
    assert sum(f.name.startswith("y_") for f in FILES) >= 25
    assert sum(f.name.startswith("n_") for f in FILES) >= 35


def outcome(fn, arg):
    try:
        return ("ok", fn(arg))
    except tooltrail.CanonicalError as err:
        return ("error", err.kind, err.path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    text = case["input"]
    if path.name.startswith("y_"):
        assert _native.canonical_json_text(text) == case["canonical"]
        assert tooltrail.stable_hash_json(text) == case["sha256"]
        assert hashlib.sha256(case["canonical"].encode()).hexdigest() == case["sha256"]
        if "hmac_sha256" in case:
            key = case["hmac_sha256"]["key"]
            assert tooltrail.stable_hash_json(text, key=key) == case["hmac_sha256"]["hex"]
            expected = hmac.new(key.encode(), case["canonical"].encode(), hashlib.sha256)
            assert case["hmac_sha256"]["hex"] == expected.hexdigest()
        want = ("ok", case["canonical"])
    else:
        assert outcome(tooltrail.stable_hash_json, text) == ("error", case["kind"], case["path"])
        want = ("error", case["kind"], case["path"])
    if "python" in case.get("skip_native", []):
        return
    try:
        native = json.loads(text)
    except ValueError:
        return  # Python's parser rejects it too: nothing native to compare
    assert outcome(tooltrail.canonical_json, native) == want
