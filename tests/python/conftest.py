"""Shared paths for the Python suite."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors" / "canonical"


def shared_dir() -> Path:
    return Path(os.environ.get("TOOLTRAIL_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def jcs_dir() -> Path:
    d = shared_dir() / "vectors" / "jcs"
    if not d.is_dir():
        pytest.fail(f"RFC 8785 vectors not found at {d} (set TOOLTRAIL_SHARED)")
    return d
