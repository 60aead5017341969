#!/usr/bin/env python3
"""Throughput of the incident CLI's readers on a big log, beside grep and DuckDB.

    python3 bench/reader.py [DIR] [--runs N] [--bin PATH] [--repeat K] [--no-duckdb]

Without DIR, writes `scripts/gen_runs.py TMP N --concurrent 8` (N = 500,000:
about 1 GB, 3M lines) into a temporary directory; with DIR, reads the logs
there. Reads every file once to warm the page cache, then times, each K
times (median reported, fastest beside it):

  grep -c -F RUN            the floor: find a run id's bytes, nothing else
  tooltrail show RUN        one run's timeline
  tooltrail runs --json     one summary per run
  tooltrail stats           per tool: calls, failures, latency percentiles
  tooltrail loops           repeated identical calls
  tooltrail tail            the last 20 events
  tooltrail gaps            what the logs say is missing
  tooltrail alerts          the alert rules replayed
  tooltrail spend           spend by minute
  tooltrail report          the HTML page (written to a temporary file)
  duckdb show/runs/stats    the same questions through read_json (a venv of
                            its own, bench/.venv-reader, made on first use)

and the readers again on one thread (TOOLTRAIL_READ_THREADS=1), for the
throughput of one core. Prints MB/s (10^6 bytes of log per second of wall
time), each command's peak RSS (the highest of its runs; a child counts the
bench's own ~30 MiB it was forked from, so that is the floor), the ratios,
the machine's load (/proc/loadavg, and the share of the CPUs other processes
used while each command ran, from /proc/stat), the
commit, and whether each target is met:

  show  >= 1500 MB/s, and at most 2x grep's time
  runs, stats, loops  >= 600 MB/s

A measurement taken while other processes used more than a quarter of the
CPUs is repeated (up to 3 more times) and the quietest samples kept.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv-reader")
BUSY_LIMIT = 0.25  # others' CPU share above which a sample is taken again
CPUS = os.cpu_count() or 1
TICK = os.sysconf("SC_CLK_TCK")


def cpu_times():
    """(busy, total) CPU seconds of the whole machine so far."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


def timed(argv, env=None):
    """(wall s, our CPU s, others' share of all CPUs, peak RSS MiB) of one run
    of argv (its output thrown away, as a terminal would not hold it either)."""
    busy0, _ = cpu_times()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    busy1, _ = cpu_times()
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # grep -c says 1 for no match
        sys.exit(f"failed: {' '.join(argv)}")
    ours = usage.ru_utime + usage.ru_stime
    others = max(0.0, (busy1 - busy0) - ours) / (wall * CPUS)
    return wall, ours, others, usage.ru_maxrss / 1024


def measure(argv, repeat, env=None):
    samples = [timed(argv, env) for _ in range(repeat)]
    for _ in range(3):
        if statistics.median(s[2] for s in samples) <= BUSY_LIMIT:
            break
        samples.append(timed(argv, env))
        samples = sorted(samples, key=lambda s: s[2])[:repeat]
    walls = sorted(s[0] for s in samples)
    return {
        "median_s": statistics.median(walls),
        "fastest_s": walls[0],
        "cpu_s": statistics.median(s[1] for s in samples),
        "others": statistics.median(s[2] for s in samples),
        "rss_mib": max(s[3] for s in samples),
    }


def duckdb_python():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "duckdb"], check=True)
    return py


def duckdb_sql(files, run_id):
    cols = ("{'ts':'VARCHAR','event':'VARCHAR','run_id':'VARCHAR','user_id':'VARCHAR',"
            "'tool':'VARCHAR','args_hash':'VARCHAR','error_class':'VARCHAR','decision':'VARCHAR',"
            "'latency_ms':'DOUBLE','stop_reason':'VARCHAR','duration_ms':'DOUBLE','spend_usd':'DOUBLE'}")
    src = f"read_json({files!r}, format='newline_delimited', columns={cols}, ignore_errors=true)"
    return {
        # tooltrail show: the run's lines.
        "show": f"SELECT count(*) FROM {src} WHERE run_id = '{run_id}'",
        # tooltrail runs: one row per run (counted, not printed).
        "runs": f"""SELECT count(*), sum(calls) FROM (SELECT run_id, min(ts) AS start, any_value(user_id),
            count(*) FILTER (event = 'tool_call' AND decision IS DISTINCT FROM 'block') AS calls,
            count(*) FILTER (event = 'tool_result' AND error_class IS NOT NULL) AS errors,
            max(stop_reason), max(duration_ms), max(spend_usd)
            FROM {src} WHERE run_id IS NOT NULL GROUP BY run_id)""",
        # tooltrail stats: per tool (the hottest pairs left out).
        "stats": f"""SELECT tool, count(*) FILTER (event = 'tool_result'),
            count(error_class), quantile_disc(latency_ms, [0.5, 0.95, 0.99])
            FROM {src} WHERE event IN ('tool_call', 'tool_result') GROUP BY tool ORDER BY tool""",
    }


DUCKDB_TIMER = """
import duckdb, sys, time
con = duckdb.connect()
t0 = time.perf_counter()
con.execute(sys.argv[1]).fetchall()
print(time.perf_counter() - t0)
"""


def duckdb_measure(py, sql, repeat):
    """Median and fastest seconds of the query alone (not the interpreter)."""
    walls = []
    for _ in range(repeat):
        out = subprocess.run([py, "-c", DUCKDB_TIMER, sql], check=True, capture_output=True, text=True)
        walls.append(float(out.stdout.strip()))
    walls.sort()
    return {"median_s": statistics.median(walls), "fastest_s": walls[0], "cpu_s": None, "others": None,
            "rss_mib": None}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", nargs="?")
    p.add_argument("--runs", type=int, default=500_000)
    p.add_argument("--bin", help="a tooltrail binary (default: build this checkout, release)")
    p.add_argument("--commit", help="the commit --bin was built from (default: this checkout's)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-duckdb", action="store_true")
    p.add_argument("--json", help="also write the numbers to this file")
    a = p.parse_args()

    tmp = None
    if a.dir is None:
        tmp = tempfile.mkdtemp(prefix="tooltrail-reader-")
        a.dir = tmp
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_runs.py"), tmp, str(a.runs),
                        "--concurrent", "8"], check=True, stdout=subprocess.DEVNULL)
    binary = a.bin
    if binary is None:
        env = dict(os.environ, CARGO_BUILD_JOBS=os.environ.get("CARGO_BUILD_JOBS", "1"))
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "tooltrail-cli"], cwd=ROOT, check=True, env=env)
        binary = os.path.join(ROOT, "target", "release", "tooltrail")
    try:
        run(a, binary)
    finally:
        if tmp:
            shutil.rmtree(tmp)


def run(a, binary):
    files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.endswith(".jsonl"))
    size = sum(os.path.getsize(f) for f in files)
    for f in files:  # warm the page cache
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass
    # A run from the middle of the log.
    with open(files[-1], "rb") as fh:
        fh.seek(os.path.getsize(files[-1]) // 2)
        fh.readline()
        run_id = re.search(rb'"run_id":"([^"]+)"', fh.readline()).group(1).decode()
    commit = a.commit or subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                        capture_output=True, text=True).stdout.strip()
    dirty = a.commit is None and subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                                cwd=ROOT, capture_output=True, text=True).stdout.strip()
    load_before = open("/proc/loadavg").read().split()[:3]

    one = dict(os.environ, TOOLTRAIL_READ_THREADS="1")
    page = os.path.join(tempfile.gettempdir(), f"tooltrail-reader-{os.getpid()}.html")
    cmds = [
        ("grep -c -F RUN", ["grep", "-c", "-F", run_id, *files], None),
        ("tooltrail show RUN", [binary, "show", run_id, a.dir], None),
        ("tooltrail runs --json", [binary, "runs", "--json", a.dir], None),
        ("tooltrail stats", [binary, "stats", a.dir], None),
        ("tooltrail loops", [binary, "loops", a.dir], None),
        ("tooltrail tail", [binary, "tail", a.dir], None),
        ("tooltrail gaps", [binary, "gaps", a.dir], None),
        ("tooltrail alerts", [binary, "alerts", a.dir], None),
        ("tooltrail spend", [binary, "spend", a.dir], None),
        ("tooltrail stats --by model", [binary, "stats", "--by", "model", a.dir], None),
        ("tooltrail stats --by agent", [binary, "stats", "--by", "agent", a.dir], None),
        ("tooltrail agent-logs", [binary, "agent-logs", a.dir], None),
        ("tooltrail agent-metrics", [binary, "agent-metrics", a.dir, "--period", "all"], None),
        ("tooltrail report", [binary, "report", a.dir, "-o", page], None),
        ("show, 1 thread", [binary, "show", run_id, a.dir], one),
        ("runs --json, 1 thread", [binary, "runs", "--json", a.dir], one),
        ("stats, 1 thread", [binary, "stats", a.dir], one),
        ("loops, 1 thread", [binary, "loops", a.dir], one),
    ]
    results = {}
    try:
        for name, argv, env in cmds:
            results[name] = measure(argv, a.repeat, env)
    finally:
        if os.path.exists(page):
            os.unlink(page)
    if not a.no_duckdb:
        py = duckdb_python()
        for q, sql in duckdb_sql(files, run_id).items():
            results[f"duckdb {q}"] = duckdb_measure(py, sql, a.repeat)
    load_after = open("/proc/loadavg").read().split()[:3]

    mbs = lambda s: size / s / 1e6  # noqa: E731
    print(f"tooltrail reader bench: commit {commit}{' (uncommitted changes)' if dirty else ''}, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {CPUS} CPUs, binary {binary}")
    print(f"logs: {a.dir} ({len(files)} files, {size / 1e6:.0f} MB), run {run_id}")
    print(f"load average (1, 5, 15 min): before {' '.join(load_before)}, after {' '.join(load_after)}")
    print(f"{'command':<24} {'median s':>9} {'MB/s':>7} {'fastest':>8} {'MB/s':>7} {'CPU s':>6} "
          f"{'MB/s/core':>9} {'others':>6} {'peak MiB':>8}")
    for name, r in results.items():
        cpu = f"{r['cpu_s']:6.2f}" if r["cpu_s"] is not None else f"{'':>6}"
        core = f"{mbs(r['cpu_s']):9.0f}" if r["cpu_s"] else f"{'':>9}"
        others = f"{r['others']:6.0%}" if r["others"] is not None else f"{'':>6}"
        rss = f"{r['rss_mib']:8.0f}" if r["rss_mib"] is not None else f"{'':>8}"
        print(f"{name:<24} {r['median_s']:9.3f} {mbs(r['median_s']):7.0f} {r['fastest_s']:8.3f} "
              f"{mbs(r['fastest_s']):7.0f} {cpu} {core} {others} {rss}")
    t = {k: v["median_s"] for k, v in results.items()}
    print(f"show / grep: {t['tooltrail show RUN'] / t['grep -c -F RUN']:.2f}x the time")
    if not a.no_duckdb:
        for ours, theirs in [("tooltrail show RUN", "duckdb show"), ("tooltrail runs --json", "duckdb runs"),
                             ("tooltrail stats", "duckdb stats")]:
            print(f"{ours} vs {theirs}: {t[theirs] / t[ours]:.2f}x as fast")
    verdicts = [
        ("show >= 1500 MB/s", mbs(t["tooltrail show RUN"]) >= 1500),
        ("show within 2x grep", t["tooltrail show RUN"] <= 2 * t["grep -c -F RUN"]),
        ("runs --json >= 600 MB/s", mbs(t["tooltrail runs --json"]) >= 600),
        ("stats >= 600 MB/s", mbs(t["tooltrail stats"]) >= 600),
        ("loops >= 600 MB/s", mbs(t["tooltrail loops"]) >= 600),
    ]
    if not a.no_duckdb:
        verdicts += [(f"{ours} >= 3x as fast as DuckDB's {q}", t[f"duckdb {q}"] >= 3 * t[ours])
                     for ours, q in [("tooltrail runs --json", "runs"), ("tooltrail stats", "stats")]]
    for what, ok in verdicts:
        print(f"target {what}: {'met' if ok else 'NOT met'} (median)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"commit": commit, "bytes": size, "results": results, "load_before": load_before,
                       "load_after": load_after}, f, indent=1)


if __name__ == "__main__":
    main()
