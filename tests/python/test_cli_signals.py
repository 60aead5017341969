"""`tooltrail tail -f` from the pip console script ends on Ctrl-C and SIGTERM
with the shell's codes (130, 143), as the npm bin does. Before, the follow
loop ran in Rust with the GIL released, Python's handlers only set a flag
for an interpreter that never got it back, and the command ran on."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tooltrail

TOOLTRAIL = str(Path(sys.executable).with_name("tooltrail"))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_tail_follow_ends_on_a_signal(tmp_path: Path, signum: int, code: int) -> None:
    logs = tmp_path / "logs"
    writer = tooltrail.EventWriter(str(logs))
    writer.event("run_start", {"run_id": "r1"})
    writer.flush(5)
    proc = subprocess.Popen(
        [TOOLTRAIL, "tail", "-f", "-n", "1", str(logs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        # The first line means the loop is running (and its handler is in).
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert b"run_start" in first
        time.sleep(0.3)
        proc.send_signal(signum)
        assert proc.wait(timeout=10) == code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        writer.close(5)
