"""Per-call overhead of tooltrail's Python ToolGateway against the baselines (issue 14).

    python bench_gateway.py [--calls 200000] [--rounds 5] [--repeat 1] [--variants a,b,...] [--json out.json]

The driver runs each variant in its own subprocess (`--variant NAME`), so
peak memory does not mix, and prints one markdown table. A worker sets its
variant up, warms it (and lets tooltrail's writer finish the warm-up's
events), records idle RSS, resets the kernel's peak-RSS mark, then times
`rounds` loops of `calls` calls each, the arguments of every call built in
the loop; around the timed rounds it reads /proc to know how much CPU other
processes took meanwhile (cpuload.py). Then it flushes and closes the logger,
reads peak RSS (VmHWM) and counts the lines in the output files.
`--repeat K` runs the whole list K times, interleaved (every variant
once, then again), and reports per variant the median of its K processes'
medians: on a VM whose speed drifts between processes, each variant gets
the same share of good and bad moments. `--variant tooltrail_stalled` measures per-call latency percentiles with the
writer's sink stuck (see stall.py). bench/summary.py turns the --json output
of both languages into the README table and checks the targets.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_files import count_lines, versions

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

ORDER = ["bare", "seed", "seed_fields", "seed_hash", "logging_queue", "structlog_orjson", "otel_sdk",
         "tooltrail", "tooltrail_hash"]
LABELS = {
    "bare": "bare call",
    "seed": "seed gateway as printed (json.dumps(sort_keys=True) + sha256, dict events, file.write per event)",
    "seed_fields": "seed with tooltrail's fields (ts, v, span id, seq, decision)",
    "seed_hash": "hash only, seed (sha256 of json.dumps(sort_keys=True))",
    "logging_queue": "stdlib logging + QueueHandler",
    "structlog_orjson": "structlog + orjson",
    "otel_sdk": "OpenTelemetry SDK (span per call)",
    "tooltrail": "**tooltrail ToolGateway + EventWriter(dir), defaults**",
    "tooltrail_hash": "tooltrail stable_hash alone",
}


def proc_status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss():
    """Resets VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False




def run_variant(name, calls, rounds, warmup, outdir):
    import cpuload

    import variants

    v = variants.make(name, outdir)
    call, ctx, tool = v.call, v.ctx, variants.TOOL
    # The arguments of every call are built here, inline, as in the timed
    # loop below: variants.make_args(i), without the function call.
    for i in range(warmup):
        call(ctx, tool, {"query": f"refund policy for order {i}", "limit": 10,
                         "filters": {"lang": "en", "since": "2026-01-01"}})
    v.settle()
    idle_kb = proc_status_kb("VmRSS")
    hwm_reset = reset_peak_rss()
    per_call_ns = []
    clock = time.perf_counter_ns
    load0 = cpuload.snapshot()
    for _ in range(rounds):
        t0 = clock()
        for i in range(calls):
            call(ctx, tool, {"query": f"refund policy for order {i}", "limit": 10,
                             "filters": {"lang": "en", "since": "2026-01-01"}})
        per_call_ns.append((clock() - t0) / calls)
    load = cpuload.others(load0, cpuload.snapshot())
    loop_peak_kb = proc_status_kb("VmHWM")
    t0 = clock()
    v.finish()
    finish_s = (clock() - t0) / 1e9
    peak_kb = proc_status_kb("VmHWM")
    lines, drop_reports = count_lines(v.files())
    total_calls = warmup + rounds * calls
    return {
        "variant": name,
        "note": v.note,
        "calls": calls,
        "rounds": rounds,
        "warmup": warmup,
        "per_call_ns": per_call_ns,
        "median_ns": statistics.median(per_call_ns),
        "idle_rss_kb": idle_kb,
        "peak_rss_kb": peak_kb if hwm_reset else None,
        "loop_peak_rss_kb": loop_peak_kb if hwm_reset else None,
        "finish_s": finish_s,
        "lines": lines - drop_reports,
        "drop_reports": drop_reports,
        "expected_lines": total_calls * v.lines_per_call,
        "stats": v.stats(),
        "load": load,
        "versions": versions(),
    }


def merge(runs):
    """One variant's results from its `--repeat` processes: the median of their
    medians; every round kept (so min–max spans the processes); the memory of
    the process that grew most; lines and counters summed; the busiest load."""
    if len(runs) == 1:
        return runs[0]
    out = dict(runs[0])
    out["repeats"] = len(runs)
    out["process_medians_ns"] = [r["median_ns"] for r in runs]
    out["median_ns"] = statistics.median(out["process_medians_ns"])
    out["per_call_ns"] = [ns for r in runs for ns in r["per_call_ns"]]
    worst = max(runs, key=lambda r: (r["peak_rss_kb"] or 0) - r["idle_rss_kb"])
    for k in ("idle_rss_kb", "peak_rss_kb", "loop_peak_rss_kb"):
        out[k] = worst.get(k)
    out["peak_rss_kbs"] = [r["peak_rss_kb"] for r in runs]
    for k in ("lines", "drop_reports", "expected_lines"):
        out[k] = sum(r[k] for r in runs)
    out["stats"] = sum_counters([r["stats"] for r in runs])
    loads = [r["load"] for r in runs if r.get("load")]
    out["load"] = max(loads, key=lambda x: x["others_pct"]) if loads else None
    return out


def sum_counters(items):
    """Numbers summed key by key (nested dicts too); None if any is None."""
    if any(i is None for i in items):
        return None
    if all(isinstance(i, dict) for i in items):
        return {k: sum_counters([i.get(k) for i in items]) for k in items[0]}
    if all(isinstance(i, (int, float)) and not isinstance(i, bool) for i in items):
        return sum(items)
    return items[-1]


def spawn(name, opts):
    outdir = tempfile.mkdtemp(prefix=f"tt-bench-{name}-", dir=opts.dir)
    cmd = [sys.executable, os.path.abspath(__file__), "--variant", name, "--calls", str(opts.calls),
           "--rounds", str(opts.rounds), "--warmup", str(opts.warmup), "--outdir", outdir]
    try:
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return json.loads(out.strip().splitlines()[-1])


def spread(repeat):
    """How a variant's number was taken (for the table's heading)."""
    if repeat <= 1:
        return "median of rounds"
    return f"{repeat} processes per variant, interleaved, median of their medians of rounds"


def fmt_us(ns):
    return f"{ns / 1000:.2f}"


def fmt_load(load):
    if not load:
        return "n/a"
    out = f"{load['others_pct']:.0f} %"
    names = [f"{c} {p:.0f} %" for c, p in load["top"] if p >= 1]
    return out + (f" ({', '.join(names)})" if names else "")


def table(results):
    by = {r["variant"]: r for r in results}
    bare_ns = by["bare"]["median_ns"] if "bare" in by else 0.0
    seed = by.get("seed")
    seed_over = seed["median_ns"] - bare_ns if seed else None
    rows = [
        "| variant | µs/call (median) | min–max of rounds | overhead µs | seed's overhead ÷ this one's | "
        "peak RSS above idle (MiB) | lines written / expected | other processes' CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ORDER:
        r = by.get(name)
        if r is None:
            continue
        over = r["median_ns"] - bare_ns
        ratio = "—" if name in ("bare", "seed") or not seed_over or over <= 0 else f"{seed_over / over:.1f}×"
        peak = r["peak_rss_kb"]
        mem = "n/a" if peak is None else f"{(peak - r['idle_rss_kb']) / 1024:.1f}"
        lines = "—" if r["expected_lines"] == 0 else f"{r['lines']:,} / {r['expected_lines']:,}"
        if r["drop_reports"]:
            lines += f" (+{r['drop_reports']} writer_dropped)"
        rows.append(f"| {LABELS[name]} | {fmt_us(r['median_ns'])} | {fmt_us(min(r['per_call_ns']))}–"
                    f"{fmt_us(max(r['per_call_ns']))} | {'—' if name == 'bare' else fmt_us(over)} | {ratio} | "
                    f"{mem} | {lines} | {fmt_load(r.get('load'))} |")
    return "\n".join(rows)


def stall_table(r):
    rows = [
        "| phase | calls | p50 µs | p99 µs | p99.9 µs | max µs | p99 overhead µs | accepted | dropped (queue_full) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for ph in r["phases"]:
        rows.append(f"| {ph['phase']} | {ph['calls']:,} | {fmt_us(ph['p50_ns'])} | {fmt_us(ph['p99_ns'])} | "
                    f"{fmt_us(ph['p999_ns'])} | {fmt_us(ph['max_ns'])} | "
                    f"{'—' if ph['phase'] == 'bare' else fmt_us(ph['p99_overhead_ns'])} | "
                    f"{ph.get('accepted', '—') if ph['phase'] != 'bare' else '—'} | "
                    f"{ph.get('dropped_queue_full', '—') if ph['phase'] != 'bare' else '—'} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=200_000, help="calls per round (default 200,000)")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds per variant (default 5)")
    ap.add_argument("--warmup", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="processes per variant, interleaved; the median of their medians (default 1)")
    ap.add_argument("--variants", default=",".join(ORDER + ["tooltrail_stalled"]),
                    help="comma-separated; default: all, then the stalled-sink run")
    ap.add_argument("--stall-calls", type=int, default=None,
                    help="calls per phase of the stalled-sink run (default: --calls)")
    ap.add_argument("--dir", default=None, help="where output files go (default: the system temp dir)")
    ap.add_argument("--json", default=None, help="also write all results to this file")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--outdir", help=argparse.SUPPRESS)
    opts = ap.parse_args()

    if opts.variant == "tooltrail_stalled":
        import stall

        print(json.dumps(stall.run(opts.calls, opts.warmup, opts.outdir)))
        return
    if opts.variant:
        print(json.dumps(run_variant(opts.variant, opts.calls, opts.rounds, opts.warmup, opts.outdir)))
        return

    wanted = [v for v in opts.variants.split(",") if v]
    unknown = set(wanted) - set(ORDER) - {"tooltrail_stalled"}
    if unknown:
        ap.error(f"unknown variants: {', '.join(sorted(unknown))}")
    if any(v != "bare" and v != "tooltrail_stalled" for v in wanted) and "bare" not in wanted:
        wanted.insert(0, "bare")  # overheads are measured above it
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load_at_start = os.getloadavg()[0]
    results, stalled = [], None
    names = [v for v in ORDER if v in wanted]
    runs: dict = {name: [] for name in names}
    for k in range(max(1, opts.repeat)):
        for name in names:
            print(f"  {name} ({k + 1}/{max(1, opts.repeat)}) ...", file=sys.stderr, flush=True)
            runs[name].append(spawn(name, opts))
    results = [merge(runs[name]) for name in names]
    if "tooltrail_stalled" in wanted:
        print("  tooltrail_stalled ...", file=sys.stderr, flush=True)
        sopts = argparse.Namespace(**vars(opts))
        sopts.calls = opts.stall_calls or opts.calls
        stalled = spawn("tooltrail_stalled", sopts)

    vers = (results or [stalled])[0]["versions"]
    if results:
        print(f"\n### Python: per call of `search(query, limit, filters)`, both events written "
              f"({opts.calls:,} calls × {opts.rounds} rounds, {spread(opts.repeat)}; {started}; "
              f"{os.cpu_count()} CPUs, load average {load_at_start:.1f} at start; "
              + ", ".join(f"{k} {v}" for k, v in vers.items()) + ")\n")
        print(table(results))
        print("\nother processes' CPU: share of all CPUs' time during the variant's timed rounds taken by "
              "processes other than the bench child (/proc/stat minus /proc/self/stat), the largest named")
        tt = next((r for r in results if r["variant"] == "tooltrail"), None)
        if tt and tt["stats"]:
            s = tt["stats"]
            print(f"\ntooltrail writer.stats(): accepted {s['accepted']:,}, written {s['written']:,}, "
                  f"dropped {s['dropped']}, write_errors {s['write_errors']}")
    if stalled:
        print(f"\n### Python: tooltrail with the sink stalled ({stalled['calls']:,} calls per phase; "
              f"{stalled['how']})\n")
        print(stall_table(stalled))
        print(f"\np99 overhead stalled ÷ normal: {stalled['p99_overhead_ratio']:.2f} "
              f"(target ≤ 2); after release: {stalled['after']}; other processes' CPU during the "
              f"phases: {fmt_load(stalled.get('load'))}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"started": started, "results": results, "stalled": stalled}, f, indent=1)


if __name__ == "__main__":
    main()
