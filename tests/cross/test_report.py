"""`tooltrail report`: the examples' logs rendered to one HTML file, opened in
headless Chromium (Debian's package, installed by scripts/test-all.sh). The
DOM Chromium built is checked against the CLI's --json answers, and a
screenshot is saved to test-artifacts/report.png."""

import json
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT

CLI = [str(Path(sys.executable).with_name("tooltrail"))]
NPM_CLI = ["node", str(ROOT / "bindings-node" / "cli.js")]
ARTIFACTS = ROOT / "test-artifacts"


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium is not installed: scripts/test-all.sh installs Debian's chromium package"
    return exe


def headless(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # Flags measured on this machine: without the background-networking ones
    # Chromium keeps trying to reach Google's hosts through a closed network.
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", *args],
        capture_output=True, text=True, timeout=120, check=True)


class Dom(HTMLParser):
    """The elements of a page as (tag, attrs, text inside) with their ancestors' tags and ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        ancestors = [dict(e["attrs"], tag=e["tag"]) for e in self.stack]
        el = {"tag": tag, "attrs": dict(attrs), "text": "", "ancestors": ancestors}
        self.elements.append(el)
        if tag not in ("meta", "input", "br", "link", "img"):
            self.stack.append(el)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"] += data

    def select(self, tag, cls=None, within=None):
        out = []
        for el in self.elements:
            if el["tag"] != tag or (cls and cls not in el["attrs"].get("class", "").split()):
                continue
            if within and not any(a.get("id") == within for a in el["ancestors"]):
                continue
            out.append(el)
        return out


def cli_json(*args):
    r = subprocess.run([*CLI, *args, "--json"], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def report(example_logs, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = subprocess.run([*CLI, "report", str(example_logs), "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return out


def test_the_page_is_self_contained(report):
    html = report.read_text()
    assert html.startswith("<!doctype html>")
    # No network and no other file: nothing loaded by URL.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html, re.I)
    assert not re.search(r"<link\b|<img\b|<iframe\b|@import|url\(", html, re.I)
    assert not re.search(r"<script\b[^>]*\bsrc=", html, re.I)


def test_npm_bin_writes_the_same_page(example_logs, report, tmp_path):
    out = tmp_path / "npm.html"
    subprocess.run([*NPM_CLI, "report", str(example_logs), "-o", str(out)], check=True, capture_output=True, timeout=60)
    assert out.read_bytes() == report.read_bytes()


def test_chromium_dom_shows_the_runs_and_their_timelines(example_logs, report, tmp_path):
    dom = Dom(headless("--dump-dom", report.as_uri(), tmp_path=tmp_path).stdout)

    runs = cli_json("runs", str(example_logs))
    rows = dom.select("tr", "run-row", within="runs-table")
    assert [r["attrs"]["data-run-id"] for r in rows] == [r["run_id"] for r in runs]
    for row, run in zip(rows, runs):
        assert row["attrs"]["data-stop-reason"] == (run["stop_reason"] or "-")
        assert int(row["attrs"]["data-errors"]) == run["errors"]
        assert ("bad" in row["attrs"]["class"].split()) == (run["errors"] > 0 or run["stop_reason"] != "completed")
    # The script ran: the filter's counter shows every run.
    assert dom.select("span", within="runs")[0]["text"] == str(len(runs))

    articles = dom.select("article", "timeline")
    assert [a["attrs"]["data-run-id"] for a in articles] == [r["run_id"] for r in runs]
    for article in articles:
        run_id = article["attrs"]["data-run-id"]
        calls = [g for g in dom.select("g", "call", within=article["attrs"]["id"])]
        events = cli_json("show", run_id, str(example_logs))
        results = {e["seq"]: e for e in events if e["event"] == "tool_result"}
        expected = []
        for e in (e for e in events if e["event"] == "tool_call"):
            if e["decision"] == "block":
                expected.append((e["seq"], e["tool"], "blocked", e["error_class"]))
            else:
                res = results[e["seq"]]
                expected.append((e["seq"], e["tool"], "ok" if res["ok"] else "failed", res.get("error_class", "")))
        got = [(int(g["attrs"]["data-seq"]), g["attrs"]["data-tool"], g["attrs"]["data-outcome"],
                g["attrs"]["data-error-class"]) for g in calls]
        assert got == expected, run_id
        for g in calls:
            if g["attrs"]["data-outcome"] != "blocked":
                seq = int(g["attrs"]["data-seq"])
                assert float(g["attrs"]["data-latency-ms"]) == results[seq]["latency_ms"]
        end = [e for e in events if e["event"] == "run_end"]
        assert end and f"stop reason {end[0]['stop_reason']}" in article["text"]


def test_chromium_dom_shows_error_classes_latency_and_alerts(example_logs, report, tmp_path):
    dom = Dom(headless("--dump-dom", report.as_uri(), tmp_path=tmp_path).stdout)
    stats = cli_json("stats", str(example_logs))
    by_class: dict = {}
    for t in stats["tools"]:
        for c, n in t["errors"].items():
            by_class[c] = by_class.get(c, 0) + n
    chart = dom.select("g", "bar", within="error-chart")
    bars = {g["attrs"]["data-class"]: int(g["attrs"]["data-count"]) for g in chart}
    assert bars == by_class and "validation_failed" in bars

    tools = {g["attrs"]["data-tool"]: g for g in dom.select("g", "tool-latency", within="latency-chart")}
    assert set(tools) == {t["tool"] for t in stats["tools"]}
    for t in stats["tools"]:
        rects = [e for e in dom.select("rect", within="latency-chart")
                 if any(a.get("data-tool") == t["tool"] for a in e["ancestors"])]
        assert [float(r["attrs"]["data-ms"]) for r in rects] == [t["p50_ms"], t["p95_ms"], t["p99_ms"]]

    history = cli_json("alerts", str(example_logs))
    last = {}
    for change in history:
        last[change["rule"]] = "ok" if change["level"] == "resolved" else change["level"]
    state = {tr["attrs"]["data-rule"]: tr["attrs"]["data-level"] for tr in dom.select("tr", within="alert-state")
             if "data-rule" in tr["attrs"]}
    assert state == last
    assert len(dom.select("tr", within="alert-history")) == len(history) + 1  # + header row


def test_screenshot(report, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    headless("--window-size=1280,2200", "--hide-scrollbars", f"--screenshot={shot}", report.as_uri(), tmp_path=tmp_path)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2200)
    assert len(data) > 50_000  # a rendered page, not a blank canvas
