"""The type checks can fail: mypy accepts tests/python/typing/usage.py (whose
wrong usages it must reject), rejects a wrong call it has not seen, and fails
when a rejection the usage file expects is lost (`warn_unused_ignores`).
scripts/lint.sh runs the same mypy, plus ruff, stubtest and eslint."""

import subprocess
import sys

from conftest import ROOT

USAGE = ROOT / "tests" / "python" / "typing" / "usage.py"

WRONG = """\
import tooltrail
tooltrail.ToolGateway(impls={"f": print}, timeouts={"f": "soon"})
"""

# A `type: ignore` on a correct call: what usage.py would hold if the stubs
# stopped rejecting one of its wrong usages.
LOST = """\
import tooltrail
tooltrail.stable_hash({"a": 1}, key="k")  # type: ignore[arg-type]
"""


def mypy(*paths):
    # One run for all files (mypy starts slowly); the repository's config.
    args = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *map(str, paths)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_mypy_accepts_the_usage_file_and_catches_wrong_and_lost_checks(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(WRONG)
    lost = tmp_path / "lost.py"
    lost.write_text(LOST)
    r = mypy(USAGE, wrong, lost)
    out = r.stdout + r.stderr  # stderr: e.g. mypy not installed (pyproject's test extra)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if "usage.py" in e], out
    # By file name: mypy's cache may report a same-content file under the
    # temporary path of an earlier run.
    assert [e for e in errors if "wrong.py:2:" in e and "[dict-item]" in e], out
    assert [e for e in errors if "lost.py:2:" in e and "[unused-ignore]" in e], out
    assert len(errors) == 2 and r.returncode == 1, out
