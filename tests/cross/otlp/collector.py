"""The real OTLP collector for the integration tests: rotel's `rotel-agent`
binary (PyPI package `rotel`, pinned in pyproject's `test` extra), receiving
OTLP/HTTP on a loopback port and forwarding everything, uncompressed
protobuf over HTTP, to a `Receiver` the test reads."""

import importlib.util
import socket
import subprocess
import time
from pathlib import Path


def rotel_binary():
    spec = importlib.util.find_spec("rotel")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).with_name("rotel-agent")
    return path if path.exists() else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rotel-agent exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("rotel-agent did not open its OTLP/HTTP port")


class Collector:
    """`with Collector(receiver_url, tmp_path) as c:` → `c.endpoint` is the
    OTLP/HTTP base URL to configure in tooltrail."""

    def __init__(self, forward_to, workdir):
        self.forward_to = forward_to
        self.workdir = Path(workdir)
        self.http_port = _free_port()
        self.proc = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.http_port}"

    def __enter__(self):
        binary = rotel_binary()
        assert binary is not None, "the rotel test dependency is not installed (pip install '.[test]')"
        self.log = open(self.workdir / "rotel.log", "w")
        self.proc = subprocess.Popen(
            [
                str(binary), "start",
                "--otlp-http-endpoint", f"127.0.0.1:{self.http_port}",
                "--otlp-grpc-endpoint", f"127.0.0.1:{_free_port()}",
                "--pid-file", str(self.workdir / "rotel.pid"),
                "--log-file", str(self.workdir / "rotel-agent.log"),
                "--exporter", "otlp",
                "--otlp-exporter-endpoint", self.forward_to,
                "--otlp-exporter-protocol", "http",
                "--otlp-exporter-compression", "none",
                "--batch-timeout", "50ms",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        _wait_port(self.http_port, self.proc)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def output(self):
        return (self.workdir / "rotel.log").read_text(errors="replace")
