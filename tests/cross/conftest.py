"""Fixtures for the cross-language suite: a long-lived Node worker process."""

import json
import os
import subprocess
import sys
import time
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


@pytest.fixture(scope="session")
def fake_api_env(tmp_path_factory):
    """examples/fake_api.py on a free loopback port; the env the agents need."""
    port_file = tmp_path_factory.mktemp("api") / "port"
    api = subprocess.Popen([sys.executable, str(ROOT / "examples" / "fake_api.py"), str(port_file)])
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        yield {**os.environ, "FAKE_API": f"http://127.0.0.1:{port_file.read_text()}"}
    finally:
        api.kill()
        api.wait()


@pytest.fixture(scope="session")
def example_logs(tmp_path_factory, fake_api_env):
    """The logs of examples/agent.py and examples/agent.js, run once."""
    out = tmp_path_factory.mktemp("examples") / "logs"
    for exe, script in ((sys.executable, "agent.py"), ("node", "agent.js")):
        subprocess.run([exe, str(ROOT / "examples" / script), str(out)], env=fake_api_env, cwd=ROOT,
                       check=True, capture_output=True)
    return out
