"""Drift tests: the kind list, the stub's Literal and the one version."""

import re
import typing
from pathlib import Path

import tooltrail
from tooltrail import _native

from conftest import ROOT

STUB = Path(_native.__file__).with_name("_native.pyi")


def stub_literal() -> tuple:
    text = STUB.read_text(encoding="utf-8")
    m = re.search(r"ErrorKind = Literal\[(.*?)\]", text, re.S)
    assert m, "ErrorKind Literal missing from _native.pyi"
    return tuple(re.findall(r'"([a-z_]+)"', m.group(1)))


def test_error_kinds_match_the_stub():
    expected = tuple(tooltrail.ERROR_KINDS)
    if stub_literal() != expected:
        lines = "".join(f'    "{k}",\n' for k in expected)
        raise AssertionError(f"_native.pyi is stale; use:\nErrorKind = Literal[\n{lines}]")


def test_error_classes_match_the_stub():
    text = STUB.read_text(encoding="utf-8")
    m = re.search(r"ErrorClass = Literal\[(.*?)\]", text, re.S)
    assert m, "ErrorClass Literal missing from _native.pyi"
    declared = tuple(re.findall(r'"([a-z0-9_]+)"', m.group(1)))
    if declared != tuple(tooltrail.ERROR_CLASSES):
        lines = "".join(f'    "{k}",\n' for k in tooltrail.ERROR_CLASSES)
        raise AssertionError(f"_native.pyi is stale; use:\nErrorClass = Literal[\n{lines}]")


def test_stop_reasons_match_the_stub():
    text = STUB.read_text(encoding="utf-8")
    m = re.search(r"StopReason = Literal\[(.*?)\]", text, re.S)
    assert m, "StopReason Literal missing from _native.pyi"
    assert tuple(re.findall(r'"([a-z_]+)"', m.group(1))) == tooltrail.STOP_REASONS, "_native.pyi StopReason is stale"


def test_error_kinds_are_the_spec_list():
    assert tooltrail.ERROR_KINDS == (
        "non_finite", "integer_out_of_range", "lone_surrogate", "duplicate_key",
        "non_string_key", "unsupported_type", "depth_exceeded", "invalid_json",
    )


def test_one_version_everywhere():
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', cargo, re.S).group(1)
    package = (ROOT / "package.json").read_text()
    assert tooltrail.__version__ == version
    assert f'"version": "{version}"' in package


def test_public_names():
    assert set(tooltrail.__all__) >= {"stable_hash", "stable_hash_json", "canonical_json", "EventWriter"}
    assert typing.get_type_hints(tooltrail.stable_hash) is not None
