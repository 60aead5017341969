"""The pytest plugin (registered through the `pytest11` entry point, so it is
active wherever tooltrail is installed): the `tooltrail_recorder` fixture and
the `--tooltrail-update-snapshots` option. tooltrail itself is imported only
when a test asks for the fixture."""

import importlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

# Imported by name: pytest is not a dependency of the package, and its own
# sources are not checked by the package's mypy run.
_pytest: Any = importlib.import_module("pytest")

if TYPE_CHECKING:
    from .testing import Recorder


def pytest_addoption(parser: Any) -> None:
    parser.getgroup("tooltrail").addoption(
        "--tooltrail-update-snapshots",
        action="store_true",
        help="rewrite tooltrail snapshot files instead of comparing (TOOLTRAIL_UPDATE_SNAPSHOTS=1)",
    )


def pytest_configure(config: Any) -> None:
    if config.getoption("--tooltrail-update-snapshots", default=False):
        os.environ["TOOLTRAIL_UPDATE_SNAPSHOTS"] = "1"


def _tooltrail_recorder() -> Iterator["Recorder"]:
    """A fresh in-memory `tooltrail.testing.Recorder` to pass as a gateway's `logger`."""
    from .testing import Recorder

    recorder = Recorder()
    yield recorder
    recorder.close()


tooltrail_recorder = _pytest.fixture(name="tooltrail_recorder")(_tooltrail_recorder)
