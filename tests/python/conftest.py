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
