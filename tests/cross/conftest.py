"""Fixtures for the cross-language suite: a long-lived Node worker process."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class NodeWorker:
    """Sends one request per line to tests/cross/node_worker.js."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(Path(__file__).with_name("node_worker.js"))],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, text: str, key: "str | None" = None) -> dict:
        req = {"text": text} if key is None else {"text": text, "key": key}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "node worker died"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def node() -> "NodeWorker":
    worker = NodeWorker()
    yield worker
    worker.close()
