"""bench/summary.py: issue 14's targets from the benches' JSON (no benchmark runs here).

The memory target is tooltrail's peak RSS above the bare call's process (which
imported tooltrail and made the gateway, then ran the same loop): tooltrail's
highest peak over its processes minus the median of the bare call's peaks.
"""

import json
import subprocess
import sys

from conftest import ROOT

SUMMARY = ROOT / "bench" / "summary.py"
MIB = 1024


def result(variant, median_ns, peaks_mib, idle_mib=50, lines=0, expected=0):
    return {
        "variant": variant, "calls": 1000, "rounds": 1, "repeats": len(peaks_mib),
        "median_ns": median_ns, "per_call_ns": [median_ns],
        "idle_rss_kb": idle_mib * MIB, "peak_rss_kb": max(peaks_mib) * MIB,
        "peak_rss_kbs": [p * MIB for p in peaks_mib],
        "lines": lines, "expected_lines": expected, "drop_reports": 0,
        "stats": {"dropped": {"queue_full": 0}}, "load": None, "versions": {},
    }


def run(tmp_path, results):
    path = tmp_path / "node.json"
    path.write_text(json.dumps({"started": "2026-12-01 00:00:00 UTC", "results": results}))
    done = subprocess.run([sys.executable, str(SUMMARY), "--node", str(path), "--check"],
                          capture_output=True, text=True)
    return done.returncode, done.stdout


def results(tooltrail_peaks, bare_peaks, tooltrail_ns=2000):
    return [
        result("bare", 100, bare_peaks),
        result("seed", 10100, [60]),
        result("tooltrail", tooltrail_ns, tooltrail_peaks, lines=10, expected=10),
    ]


def test_memory_is_measured_against_the_bare_calls_process(tmp_path):
    # tooltrail grew 60 MiB above its idle, but the bare call's process
    # (median peak 90 MiB) grew by itself: +20 MiB is tooltrail's.
    code, out = run(tmp_path, results([100, 110], [80, 90, 200]))
    assert "met: Node: tooltrail peak RSS above the bare call's process = +20.0 MiB" in out
    assert code == 0, out


def test_memory_over_the_bound_fails_the_check(tmp_path):
    code, out = run(tmp_path, results([100, 123], [80, 90, 91]))
    assert "**MISSED**: Node: tooltrail peak RSS above the bare call's process = +33.0 MiB" in out
    assert code == 1


def test_a_missed_ratio_fails_the_check(tmp_path):
    # seed's overhead 10.0 us, tooltrail's 2.6 us: 3.85x < 4x.
    code, out = run(tmp_path, results([100], [90], tooltrail_ns=2700))
    assert "**MISSED**: Node: seed's overhead ÷ tooltrail's = 3.85×" in out
    assert code == 1


def test_without_per_process_peaks_the_single_peak_is_used(tmp_path):
    rs = results([100], [90])
    for r in rs:
        del r["peak_rss_kbs"]
    code, out = run(tmp_path, rs)
    assert "tooltrail peak RSS above the bare call's process = +10.0 MiB" in out
    assert code == 0, out
