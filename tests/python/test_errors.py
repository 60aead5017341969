"""Drift tests: the kind list, the typed Literals and the one version."""

import re
import typing

import tooltrail
from tooltrail import _types

from conftest import ROOT

# The Literals the stubs and annotations use (tooltrail/_types.py) must list
# exactly the native tuples, in order.


def test_error_kinds_match_the_literal():
    assert typing.get_args(_types.ErrorKind) == tuple(tooltrail.ERROR_KINDS), "_types.ErrorKind is stale"


def test_error_classes_match_the_literal():
    assert typing.get_args(_types.ErrorClass) == tuple(tooltrail.ERROR_CLASSES), "_types.ErrorClass is stale"


def test_error_codes_match_the_literal():
    assert typing.get_args(_types.ErrorCode) == tuple(tooltrail.ERROR_CODES), "_types.ErrorCode is stale"


def test_stop_reasons_match_the_literal():
    assert typing.get_args(_types.StopReason) == tuple(tooltrail.STOP_REASONS), "_types.StopReason is stale"


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
