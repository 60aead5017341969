"""Shared paths for the Python suite."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors" / "canonical"


@pytest.fixture(scope="session")
def jcs_dir() -> Path:
    d = ROOT / "tests" / "vectors" / "jcs"
    if not d.is_dir():
        pytest.fail(f"RFC 8785 vectors not found at {d}")
    return d


@pytest.fixture(autouse=True)
def _tooltrail_warnings_fresh():
    """tooltrail says each of its warnings once per process: each test
    starts as a fresh process would, so it sees the warnings its calls give."""
    from tooltrail._native import _reset_warnings

    _reset_warnings()
    yield
