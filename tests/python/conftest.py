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


def _installed_tooltrail() -> Path:
    import tooltrail

    return Path(tooltrail.__file__).resolve().parent


def pytest_sessionstart(session):
    """scripts/test-dist.sh sets TOOLTRAIL_TEST_INSTALLED_IN to the venv the
    wheel went into: the suite then refuses to run against any other copy
    (the source tree, a development build)."""
    import os

    expected = os.environ.get("TOOLTRAIL_TEST_INSTALLED_IN")
    where = _installed_tooltrail()
    if expected and not where.is_relative_to(Path(expected).resolve()):
        raise pytest.UsageError(f"tooltrail was imported from {where}, not from the installed wheel in {expected}")


def pytest_report_header(config):
    import tooltrail

    return f"tooltrail {tooltrail.__version__} from {_installed_tooltrail()}"
