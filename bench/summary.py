"""The side-by-side table from one run of both benches, and the overhead targets.

    python3 bench/summary.py [--python FILE] [--node FILE] [--writer FILE] [--reader FILE]
                             [--index FILE] [--commit C] [--check]

Reads the --json output of python/bench_gateway.py and node/bench_gateway.js
(bench/run.sh passes them), prints a markdown section ready to paste under
"Results" in bench/README.md (date, commit, machine, the load other processes
put on it, the table, the ratios) and then each target met or missed: with
`bash bench/run.sh --all`, all four (the writer keeps up, the readers, the run
index, memory), from the --json files of gateway_calls, reader.py and
show_index too. With
--check it exits 1 when a target is missed, naming each one (for humans, not
for CI: the numbers depend on the machine and its load). A target whose
variants were not run is reported as not measured and does not fail.
"""

import argparse
import json
import os
import statistics
import sys
import time

# Targets: tooltrail's overhead against the plain logging gateway's, and its memory.
PY_RATIO = 6.0  # seed's overhead / tooltrail's, Python, at least
NODE_RATIO = 4.0  # the same in Node, at least
RSS_MIB = 32.0  # tooltrail's peak RSS above the bare call's process (tooltrail imported, gateway made), at most
WRITER_EVENTS_PER_S = 2e6  # call events one writer core renders and writes, at least
SHOW_MBS, SHOW_GREP, SCAN_MBS, DUCKDB = 1500, 2.0, 600, 3.0  # the readers' targets
INDEX_MS = 100  # one run's answers through the run index, at most

ROWS = [
    ("seed", "a plain hand-written logging gateway (`json.dumps(sort_keys=True)` / `JSON.stringify` + sha256; dict "
             "events; `file.write(json.dumps(ev) + \"\\n\")` / `fs.writeSync` per event)"),
    ("seed_fields", "seed with tooltrail's fields (+ `ts`, `v`, span id, seq, decision)"),
    ("seed_hash", "hash only, seed"),
    ("tooltrail", "**tooltrail `ToolGateway` + `EventWriter(dir)`, defaults** (seed ÷ tooltrail)"),
    ("tooltrail_hash", "tooltrail `stable_hash` / `stableHash` alone"),
    ("structlog_orjson", "structlog + orjson (seed's events)"),
    ("logging_queue", "stdlib logging + QueueHandler (seed's events)"),
    ("pino", "pino, async destination (seed's events)"),
    ("otel_sdk", "OpenTelemetry SDK, span per call, BatchSpanProcessor"),
]


def load(path):
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        data = json.load(f)
    data["by"] = {r["variant"]: r for r in data.get("results") or []}
    return data


def load_plain(path):
    """One of the other benches' --json files, or None when it was not run."""
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def overhead_us(data, name):
    if not data or name not in data["by"] or "bare" not in data["by"]:
        return None
    return (data["by"][name]["median_ns"] - data["by"]["bare"]["median_ns"]) / 1000


def ratio(data):
    seed, tt = overhead_us(data, "seed"), overhead_us(data, "tooltrail")
    if seed is None or tt is None:
        return None
    return seed / tt if tt > 0 else float("inf")


def peaks_kb(r):
    """The peak RSS (VmHWM) of each of a variant's processes, or None."""
    peaks = r.get("peak_rss_kbs") or [r.get("peak_rss_kb")]
    return None if any(p is None for p in peaks) else peaks


def rss_mib(data):
    """Issue 14's memory figure: tooltrail's peak RSS above the bare call's.

    The bare call's process imported tooltrail and made the gateway, then ran
    the same loop without calling it, so what its runtime grows by itself
    (V8's young generation reaches its 2 x 16 MiB maximum in the bare loop)
    is subtracted. Conservative across --repeat processes: the highest peak
    of tooltrail's processes minus the median of the bare call's.
    """
    tt, bare = data and data["by"].get("tooltrail"), data and data["by"].get("bare")
    if not tt or not bare or peaks_kb(tt) is None or peaks_kb(bare) is None:
        return None
    return (max(peaks_kb(tt)) - statistics.median(peaks_kb(bare))) / 1024


def growth_mib(data, name):
    """A variant's peak RSS above its own idle RSS (its process that grew most)."""
    r = data and data["by"].get(name)
    if not r or r.get("peak_rss_kb") is None:
        return None
    return (r["peak_rss_kb"] - r["idle_rss_kb"]) / 1024


def drops(data):
    """(lines, expected, dropped events per stats, writer_dropped lines) of tooltrail, or None."""
    r = data and data["by"].get("tooltrail")
    if not r:
        return None
    dropped = sum((r.get("stats") or {}).get("dropped", {}).values())
    return r["lines"], r["expected_lines"], dropped, r["drop_reports"]


def loads(data):
    if not data:
        return []
    return [r["load"] for r in data["results"] if r.get("load")]


def fmt_load(data):
    ls = loads(data)
    if not ls:
        return "n/a"
    shares = [x["others_pct"] for x in ls]
    top = {}
    for x in ls:
        for comm, pct in x["top"]:
            top[comm] = max(top.get(comm, 0), pct)
    names = [f"{c} ≤ {p:.0f} %" for c, p in sorted(top.items(), key=lambda kv: -kv[1])[:3] if p >= 1]
    out = f"{min(shares):.0f}–{max(shares):.0f} % (median {statistics.median(shares):.0f} %)"
    return out + (f"; {', '.join(names)}" if names else "")


def cell(v, fmt="{:.2f}"):
    return "—" if v is None else fmt.format(v)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", help="python/bench_gateway.py --json output")
    ap.add_argument("--node", help="node/bench_gateway.js --json output")
    ap.add_argument("--writer", help="gateway_calls --json output (the writer core's rate)")
    ap.add_argument("--reader", help="bench/reader.py --json output")
    ap.add_argument("--index", help="show_index --json output")
    ap.add_argument("--commit", default="unknown", help="tooltrail's commit (git describe --always --dirty)")
    ap.add_argument("--command", default="bash bench/run.sh", help="the command that ran the benches")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    opts = ap.parse_args()
    py, nd = load(opts.python), load(opts.node)
    if not (py and py["by"]) and not (nd and nd["by"]):
        print("summary: no per-call results to summarize", file=sys.stderr)
        return 1 if opts.check else 0

    any_r = next(iter((py or nd)["by"].values()))
    calls, rounds, repeats = any_r["calls"], any_r["rounds"], any_r.get("repeats", 1)
    started = min(d["started"] for d in (py, nd) if d)
    ended = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    vers = {}
    for d in (py, nd):
        if d and d["by"]:
            vers.update(next(iter(d["by"].values()))["versions"])

    out = []
    out.append(f"### {started[:10]}, tooltrail `{opts.commit}`\n")
    out.append(f"`{opts.command}` from {started} to {ended}; {os.cpu_count()} CPUs ({cpu_model()}); "
               f"{calls:,} calls × {rounds} rounds per variant, "
               + ("each variant in a fresh process, median of rounds" if repeats <= 1 else
                  f"each variant in {repeats} fresh processes, interleaved, median of their medians of rounds")
               + "; overhead = µs/call − the bare call's, the arguments built in the loop for every "
               "variant. Other processes' CPU share during the timed rounds (all CPUs = 100 %, min–max over "
               f"the variants): Python {fmt_load(py)}; Node {fmt_load(nd)}. "
               + ", ".join(f"{k} {v}" for k, v in vers.items()) + ".\n")
    out.append("| variant | Python overhead µs | Node overhead µs |")
    out.append("| --- | ---: | ---: |")

    def bare(d):
        return d["by"]["bare"]["median_ns"] / 1000 if d and "bare" in d["by"] else None

    out.append(f"| bare call (µs/call, subtracted) | {cell(bare(py))} | {cell(bare(nd))} |")
    for name, label in ROWS:
        p, n = overhead_us(py, name), overhead_us(nd, name)
        if p is None and n is None:
            continue
        pc, nc = cell(p), cell(n)
        if name == "tooltrail":
            pr, nr = ratio(py), ratio(nd)
            pc += f" ({pr:.1f}×)" if pr is not None else ""
            nc += f" ({nr:.1f}×)" if nr is not None else ""
        out.append(f"| {label} | {pc} | {nc} |")
    pm, nm = rss_mib(py), rss_mib(nd)
    out.append(f"| tooltrail peak RSS above the bare call's process, which imported tooltrail and made the gateway "
               f"(MiB; tooltrail's highest peak − the bare call's median peak) | "
               f"{cell(pm, '{:+.1f}')} | {cell(nm, '{:+.1f}')} |")
    for name, label in (("bare", "the bare call's"), ("tooltrail", "tooltrail's")):
        out.append(f"| {label} peak RSS above its own idle RSS (MiB; the process that grew most) | "
                   f"{cell(growth_mib(py, name), '{:+.1f}')} | {cell(growth_mib(nd, name), '{:+.1f}')} |")
    pd, ndr = drops(py), drops(nd)

    def dcell(d):
        if d is None:
            return "—"
        s = f"{d[0]:,} / {d[1]:,}"
        if d[2] or d[3]:
            s += f" ({d[2]:,} dropped, {d[3]} writer_dropped)"
        return s

    out.append(f"| tooltrail events written / expected (warm-up included) | {dcell(pd)} | {dcell(ndr)} |")
    print("\n".join(out))

    # Targets.
    targets = []  # (section, ok or None, text)

    def add(ok, text):
        targets.append((add.section, ok, text))
    add.section, add.notes = "", []

    wr, rd, ix = (load_plain(f) for f in (opts.writer, opts.reader, opts.index))
    add.section = "1. The writer keeps up: lossless at full speed with the defaults, and the overhead ratios"
    if wr:
        rate = wr["events_per_cpu_s"]
        add(rate >= WRITER_EVENTS_PER_S,
            f"writer core: {rate / 1e6:.2f} M call events per CPU second of the writer thread "
            f"({wr['events']:,} events, {wr['writer_cpu_s']:.2f} s; target ≥ {WRITER_EVENTS_PER_S / 1e6:g} M)")
    else:
        add(None, "writer core: gateway_calls not run (bash bench/run.sh --all)")
    pr = ratio(py)
    add(None if pr is None else pr >= PY_RATIO,
        f"Python: seed's overhead ÷ tooltrail's = {cell(pr, '{:.2f}×')} (target ≥ {PY_RATIO:g}×)")
    nr = ratio(nd)
    add(None if nr is None else nr >= NODE_RATIO,
        f"Node: seed's overhead ÷ tooltrail's = {cell(nr, '{:.2f}×')} (target ≥ {NODE_RATIO:g}×)")
    th, sh = overhead_us(nd, "tooltrail_hash"), overhead_us(nd, "seed_hash")
    add(None if th is None or sh is None else th <= sh,
        f"Node: stableHash alone {cell(th)} µs ≤ the seed's JSON.stringify + sha256 alone {cell(sh)} µs")
    for lang, d in (("Python", pd), ("Node", ndr)):
        add(None if d is None else (d[0] == d[1] and d[2] == 0 and d[3] == 0),
            f"{lang}: events dropped at full speed with defaults = "
            + ("—" if d is None else f"{d[1] - d[0]:,} missing lines, {d[2]:,} dropped per stats, "
               f"{d[3]} writer_dropped") + " (target 0)")
    add.section = "2. The readers"
    if rd:
        size, t = rd["bytes"], {k: v["median_s"] for k, v in rd["results"].items()}
        mbs = lambda name: size / t[name] / 1e6  # noqa: E731
        show, grep = t["tooltrail show RUN"], t["grep -c -F RUN"]
        add(mbs("tooltrail show RUN") >= SHOW_MBS and show <= SHOW_GREP * grep,
            f"show: {mbs('tooltrail show RUN'):,.0f} MB/s, {show / grep:.2f}× grep's time "
            f"(target ≥ {SHOW_MBS:,} MB/s and ≤ {SHOW_GREP:g}×)")
        for name in ("tooltrail runs --json", "tooltrail stats", "tooltrail loops"):
            add(mbs(name) >= SCAN_MBS, f"{name[10:]}: {mbs(name):,.0f} MB/s (target ≥ {SCAN_MBS} MB/s)")
        for ours, q in (("tooltrail runs --json", "runs"), ("tooltrail stats", "stats")):
            if f"duckdb {q}" in t:
                x = t[f"duckdb {q}"] / t[ours]
                add(x >= DUCKDB, f"{ours[10:]}: {x:.2f}× as fast as DuckDB's {q} query "
                                 f"({t[ours]:.3f} s vs {t[f'duckdb {q}']:.3f} s; target ≥ {DUCKDB:g}×)")
        others = [v["others"] for v in rd["results"].values() if v.get("others") is not None]
        if others:
            add.notes.append(f"readers: {size / 1e6:,.0f} MB log; other processes' CPU share "
                             f"{min(others):.0%}–{max(others):.0%} during the timed commands")
    else:
        add(None, "readers: bench/reader.py not run (bash bench/run.sh --all)")
    add.section = "3. One run's answers through the run index"
    if ix:
        for q in ix["questions"]:
            add(q["indexed_ms"] < INDEX_MS,
                f"{q['question']}: {q['indexed_ms']:.1f} ms with the index, {q['scanned_ms']:,.0f} ms scanning, "
                f"on {ix['bytes'] / 1e9:.2f} GB in {ix['files']} files (target < {INDEX_MS} ms)")
    else:
        add(None, "run index: show_index not run (bash bench/run.sh --all)")
    add.section = "4. Memory"
    for lang, m in (("Python", pm), ("Node", nm)):
        add(None if m is None else m <= RSS_MIB,
            f"{lang}: tooltrail peak RSS above the bare call's process = {cell(m, '{:+.1f}')} MiB "
            f"(target ≤ +{RSS_MIB:g} MiB)")

    print("\nTargets:")
    section = None
    for sec, ok, text in targets:
        if sec != section:
            section = sec
            print(f"\n{sec}:\n")
        print(f"- {'met' if ok else 'not measured' if ok is None else '**MISSED**'}: {text}")
    for note in add.notes:
        print(f"\n{note}")
    missed = [t for _, ok, t in targets if ok is False]
    if opts.check:
        if missed:
            print(f"\ncheck: {len(missed)} target(s) missed:", file=sys.stderr)
            for t in missed:
                print(f"  - {t}", file=sys.stderr)
            return 1
        print("\ncheck: every measured target met", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
