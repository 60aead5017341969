"""Per model step cost of tooltrail's `run.model_call` in Python (bench/model_step.sh).

    python model_step.py [--calls 100000] [--rounds 5] [--warmup 2000] [--repeat 1] [--variants a,b] [--json out.json]
    python model_step.py --summary --python py.json --node node.json [--command CMD] [--commit C]

Every variant's loop body does the same work besides its logging: it builds
one requested tool (`[{"name": "search", "call_id": f"call_{i}"}]`, what the
model step reports) and the tool's arguments (the per-call bench's dict), and
runs the tool once; then

- `bare`: the tool called directly, nothing logged (tooltrail imported, a
  writer and a gateway made, never called);
- `tool_call`: `run.call("search", args)` inside `with gw.run(...) as run:`,
  the per-call bench's cost unit (two events, `tool_call` + `tool_result`);
- `model_call`: `run.model_call("gpt-4o-mini", provider="openai",
  input_tokens=1200, output_tokens=80, latency_ms=850.0,
  finish_reason="tool_calls", tool_calls=tool_calls)` in the same run set-up
  (one `model_call` event, priced from the shipped table, tokens and spend
  added to the run), then the tool called directly;
- `logging_json`: the competitor baseline as its users write it: stdlib
  `logging`, a `FileHandler` whose formatter is `%(message)s`, and one
  `log.info(json.dumps({...}))` per step with the same facts (ids, model,
  provider, tokens, cost from a one-entry price dict, latency, ok,
  finish_reason, tool_calls), then the tool called directly;
- `write_json`: the same facts written the per-call bench's hand-written
  reference way (seed_gateway.py): `f.write(json.dumps({...}) + "\n")` to a
  file opened with `open(path, "a")` (default buffering), the cheapest plain
  line, printed beside the logging baseline.

Each variant runs in its own process (`--variant NAME`): set up, `--warmup`
steps (tooltrail: then `writer.flush()`), `rounds` timed rounds of `calls`
steps, the CPU share of other processes over the timed rounds (cpuload.py);
then the run scope is left, the writer flushed and closed (not timed), its
`stats()` read and the lines in the output files counted by event. A variant
that wrote fewer lines than it was given, or whose writer counted drops, is
marked FAILED, and the driver exits 1 after printing. No timing is asserted.
"""

import argparse
import glob
import json
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# The per-call bench's ids and tool: "run-bench-2" is not picked by the
# default 1 % result sampling, so the tool call stores no result.
from variants import IMPLS, REQUEST_ID, RUN_ID, TRACE_ID, USER_ID, search  # noqa: E402

ORDER = ["bare", "tool_call", "model_call", "logging_json", "write_json"]
LABELS = {
    "bare": "bare loop (the step's inputs built, the tool called directly)",
    "tool_call": "tooltrail tool call, `run.call(\"search\", args)` (tool_call + tool_result)",
    "model_call": "**tooltrail model step, `run.model_call(...)`** (model_call)",
    "logging_json": "stdlib logging, `log.info(json.dumps({...}))` to a FileHandler (one line)",
    "write_json": "hand-written, `f.write(json.dumps({...}) + \"\\n\")` (the per-call reference's way; one line)",
}
# What each variant writes per step: (event names counted, lines per step).
EXPECTED = {
    "bare": ((), 0),
    "tool_call": (("tool_call", "tool_result"), 2),
    "model_call": (("model_call",), 1),
    "logging_json": (("model_call",), 1),
    "write_json": (("model_call",), 1),
}
# The baseline's own price table (USD per million tokens), as a hand-written
# logger would keep it; the same list price as tooltrail's shipped table.
PRICES = {"gpt-4o-mini": (0.15, 0.60)}
EVENT_RE = re.compile(rb'"event":\s*"([a-z_]+)"')


# --- the loops: identical but for the logging line -------------------------

def bare_loop(n):
    for i in range(n):
        tool_calls = [{"name": "search", "call_id": f"call_{i}"}]  # noqa: F841 (built in every variant)
        args = {"query": f"refund policy for order {i}", "limit": 10, "filters": {"lang": "en", "since": "2026-01-01"}}
        search(**args)


def tool_call_loop(run):
    def loop(n):
        for i in range(n):
            tool_calls = [{"name": "search", "call_id": f"call_{i}"}]  # noqa: F841
            args = {"query": f"refund policy for order {i}", "limit": 10,
                    "filters": {"lang": "en", "since": "2026-01-01"}}
            run.call("search", args)
    return loop


def model_call_loop(run):
    def loop(n):
        for i in range(n):
            tool_calls = [{"name": "search", "call_id": f"call_{i}"}]
            args = {"query": f"refund policy for order {i}", "limit": 10,
                    "filters": {"lang": "en", "since": "2026-01-01"}}
            run.model_call("gpt-4o-mini", provider="openai", input_tokens=1200, output_tokens=80,
                           latency_ms=850.0, finish_reason="tool_calls", tool_calls=tool_calls)
            search(**args)
    return loop


def logging_json_loop(log):
    def loop(n):
        for i in range(n):
            tool_calls = [{"name": "search", "call_id": f"call_{i}"}]
            args = {"query": f"refund policy for order {i}", "limit": 10,
                    "filters": {"lang": "en", "since": "2026-01-01"}}
            p_in, p_out = PRICES["gpt-4o-mini"]
            log.info(json.dumps({
                "event": "model_call", "run_id": RUN_ID, "trace_id": TRACE_ID, "request_id": REQUEST_ID,
                "user_id": USER_ID, "model": "gpt-4o-mini", "provider": "openai", "input_tokens": 1200,
                "output_tokens": 80, "cost_usd": (1200 * p_in + 80 * p_out) / 1e6, "latency_ms": 850.0,
                "ok": True, "finish_reason": "tool_calls", "tool_calls": tool_calls,
            }))
            search(**args)
    return loop


def write_json_loop(f):
    def loop(n):
        for i in range(n):
            tool_calls = [{"name": "search", "call_id": f"call_{i}"}]
            args = {"query": f"refund policy for order {i}", "limit": 10,
                    "filters": {"lang": "en", "since": "2026-01-01"}}
            p_in, p_out = PRICES["gpt-4o-mini"]
            f.write(json.dumps({
                "event": "model_call", "run_id": RUN_ID, "trace_id": TRACE_ID, "request_id": REQUEST_ID,
                "user_id": USER_ID, "model": "gpt-4o-mini", "provider": "openai", "input_tokens": 1200,
                "output_tokens": 80, "cost_usd": (1200 * p_in + 80 * p_out) / 1e6, "latency_ms": 850.0,
                "ok": True, "finish_reason": "tool_calls", "tool_calls": tool_calls,
            }) + "\n")
            search(**args)
    return loop


# --- the worker ----------------------------------------------------------------

class Setup:
    """One variant in its process: `loop(n)` runs n steps; `enter`/`leave`
    open and close the run scope; `settle` after the warm-up; `finish` after
    the scope (flush and close); `files()` to count; `stats()`."""

    def __init__(self, loop=None, enter=None, leave=None, settle=None, finish=None, files=None, stats=None):
        self.loop = loop
        self.enter = enter or (lambda: None)
        self.leave = leave or (lambda: None)
        self.settle = settle or (lambda: None)
        self.finish = finish or (lambda: None)
        self.files = files or (lambda: [])
        self.stats = stats or (lambda: None)


def tooltrail_setup(name, outdir):
    import tooltrail

    # As the per-call bench: defaults but max_files (rotation at 64 MiB then
    # deletes nothing before the lines are counted). No budgets are set (the
    # default), so no step is refused; tokens and spend still add up per run.
    writer = tooltrail.EventWriter(path=outdir, max_files=10_000)
    gw = tooltrail.ToolGateway(impls=IMPLS, logger=writer)
    s = Setup(files=lambda: glob.glob(os.path.join(outdir, "tooltrail*.jsonl")))
    s.gateway = gw
    if name == "bare":
        s.loop = bare_loop
        s.finish = lambda: writer.close(30.0)
        return s
    scope = gw.run(run_id=RUN_ID, trace_id=TRACE_ID, user_id=USER_ID, request_id=REQUEST_ID)

    def enter():
        run = scope.__enter__()
        s.loop = (tool_call_loop if name == "tool_call" else model_call_loop)(run)

    def finish():
        if not writer.flush(120.0):
            print("tooltrail: flush timed out or lost events", file=sys.stderr, flush=True)
        writer.close(30.0)

    s.enter = enter
    s.leave = lambda: scope.__exit__(None, None, None)
    s.settle = lambda: writer.flush(60.0)
    s.finish = finish
    s.stats = writer.stats  # read after close
    return s


def logging_setup(outdir):
    path = os.path.join(outdir, "logging.jsonl")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("bench.model_step")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    return Setup(loop=logging_json_loop(log), finish=handler.close, files=lambda: [path])


def write_json_setup(outdir):
    # The per-call bench's reference (seed_gateway.py): text mode, default
    # buffering, one write() of the line per step, in the caller.
    path = os.path.join(outdir, "write.jsonl")
    f = open(path, "a")
    return Setup(loop=write_json_loop(f), finish=f.close, files=lambda: [path])


def count_events(paths):
    lines, events = 0, {}
    for p in paths:
        with open(p, "rb") as f:
            for line in f:
                lines += 1
                m = EVENT_RE.search(line)
                key = m.group(1).decode() if m else "(no event)"
                events[key] = events.get(key, 0) + 1
    return lines, events


def versions():
    out = {"python": platform.python_version()}
    try:
        import tooltrail

        out["tooltrail"] = tooltrail.__version__
    except Exception:
        pass
    return out


def run_variant(name, calls, rounds, warmup, outdir):
    import cpuload

    if name == "logging_json":
        s = logging_setup(outdir)
    elif name == "write_json":
        s = write_json_setup(outdir)
    else:
        s = tooltrail_setup(name, outdir)
    s.enter()
    s.loop(warmup)
    s.settle()
    clock = time.perf_counter_ns
    per_step_ns = []
    load0 = cpuload.snapshot()
    for _ in range(rounds):
        t0 = clock()
        s.loop(calls)
        per_step_ns.append((clock() - t0) / calls)
    load = cpuload.others(load0, cpuload.snapshot())
    s.leave()
    s.finish()
    lines, events = count_events(s.files())
    names, per_step = EXPECTED[name]
    steps = warmup + rounds * calls
    written = sum(events.get(e, 0) for e in names)
    stats = s.stats()
    dropped = 0
    if stats:
        dropped = sum(stats["dropped"].values()) + stats["write_errors"]
    return {
        "variant": name,
        "calls": calls,
        "rounds": rounds,
        "warmup": warmup,
        "per_step_ns": per_step_ns,
        "median_ns": statistics.median(per_step_ns),
        "written": written,
        "expected": steps * per_step,
        "lines": lines,
        "other_events": {k: v for k, v in events.items() if k not in names},
        "stats": stats,
        "failed": written != steps * per_step or dropped > 0 or events.get("writer_dropped", 0) > 0,
        "load": load,
        "versions": versions(),
    }


# --- the driver ----------------------------------------------------------------

def spawn(name, opts):
    outdir = tempfile.mkdtemp(prefix=f"tt-model-step-{name}-", dir=opts.dir)
    cmd = [sys.executable, os.path.abspath(__file__), "--variant", name, "--calls", str(opts.calls),
           "--rounds", str(opts.rounds), "--warmup", str(opts.warmup), "--outdir", outdir]
    try:
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return json.loads(out.strip().splitlines()[-1])


def merge(runs):
    """A variant's --repeat processes: the median of their medians, every round
    kept, lines and counters summed, failed if any failed, the busiest load."""
    if len(runs) == 1:
        return runs[0]
    out = dict(runs[0])
    out["repeats"] = len(runs)
    out["process_medians_ns"] = [r["median_ns"] for r in runs]
    out["median_ns"] = statistics.median(out["process_medians_ns"])
    out["per_step_ns"] = [ns for r in runs for ns in r["per_step_ns"]]
    for k in ("written", "expected", "lines"):
        out[k] = sum(r[k] for r in runs)
    out["stats"] = [r["stats"] for r in runs] if runs[0]["stats"] else None
    out["other_events"] = {}
    for r in runs:
        for k, v in r["other_events"].items():
            out["other_events"][k] = out["other_events"].get(k, 0) + v
    out["failed"] = any(r["failed"] for r in runs)
    out["load"] = max((r["load"] for r in runs), key=lambda x: x["others_pct"])
    out["loads"] = [r["load"]["others_pct"] for r in runs]
    return out


def us(ns):
    return f"{ns / 1000:.2f}"


def fmt_load(load):
    if not load:
        return "n/a"
    names = [f"{c} {p:.0f} %" for c, p in load["top"] if p >= 1]
    return f"{load['others_pct']:.0f} %" + (f" ({', '.join(names)})" if names else "")


def fmt_stats(st):
    if isinstance(st, list):
        return "; ".join(fmt_stats(s) for s in st)
    return (f"accepted {st['accepted']:,}, written {st['written']:,}, dropped "
            f"{json.dumps(st['dropped'])}, write_errors {st['write_errors']}")


def overheads(by):
    bare = by["bare"]["median_ns"] if "bare" in by else 0.0
    return {k: r["median_ns"] - bare for k, r in by.items()}


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b and b > 0 else "n/a"


def report(results, opts, started, load_avg):
    by = {r["variant"]: r for r in results}
    over = overheads(by)
    vers = results[0]["versions"]
    spread = "median of rounds" if opts.repeat <= 1 else \
        f"{opts.repeat} processes per variant, interleaved, median of their medians of rounds"
    print(f"\n### Python: per model step ({opts.calls:,} steps × {opts.rounds} rounds, {spread}; "
          f"started {started}; {os.cpu_count()} CPUs, load average {load_avg:.1f} at start; "
          + ", ".join(f"{k} {v}" for k, v in vers.items()) + ")\n")
    print("| variant | µs/step (median) | min–max of rounds | above bare µs | lines written / expected "
          "| other processes' CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in ORDER:
        r = by.get(name)
        if r is None:
            continue
        lines = "—" if r["expected"] == 0 else f"{r['written']:,} / {r['expected']:,}"
        if r["failed"]:
            lines += " **FAILED: lines lost or dropped**"
        print(f"| {LABELS[name]} | {us(r['median_ns'])} | {us(min(r['per_step_ns']))}–{us(max(r['per_step_ns']))} "
              f"| {'—' if name == 'bare' else us(over[name])} | {lines} | {fmt_load(r['load'])} |")
    mc = over.get("model_call")
    print(f"\nabove bare: model_call ÷ tool call {ratio(mc, over.get('tool_call'))}"
          f"  ·  model_call ÷ stdlib logging {ratio(mc, over.get('logging_json'))}"
          f"  ·  model_call ÷ hand-written f.write line {ratio(mc, over.get('write_json'))} (below 1: cheaper)")
    for name in ("tool_call", "model_call"):
        r = by.get(name)
        if r and r["stats"]:
            extra = ", ".join(f"{k} {v:,}" for k, v in sorted(r["other_events"].items()))
            print(f"tooltrail {name}: writer.stats() after close: {fmt_stats(r['stats'])}"
                  + (f"; other lines in the log: {extra}" if extra else ""))
    print("other processes' CPU: share of all CPUs' time taken by other processes during the variant's timed "
          "rounds (/proc/stat minus the bench child's own ticks), the largest named")


def summary(opts):
    """Both languages side by side, for bench/README.md."""
    langs = []
    for label, path in (("Python", opts.python), ("Node", opts.node)):
        if path and os.path.exists(path):
            with open(path) as f:
                langs.append((label, json.load(f)))
    if not langs:
        print("(no results)")
        return 1
    finished = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    first = langs[0][1]
    repeat = first.get("repeat", 1)
    how = "each variant in a fresh process, median of rounds" if repeat <= 1 else \
        f"{repeat} fresh processes per variant, interleaved, median of their medians of rounds"
    loads = []
    for _, d in langs:
        loads += [r["load"]["others_pct"] for r in d["results"]]
    print(f"`{opts.command}` from {first['started']} to {finished}; tooltrail {opts.commit}; "
          f"{os.cpu_count()} CPUs ({cpu_model()}); {first['calls']:,} steps × {first['rounds']} rounds per variant, "
          f"{how}; µs per step above the bare loop (the step's inputs "
          f"built and the tool called directly). Other processes' CPU share during the timed rounds "
          f"(all CPUs = 100 %): {min(loads):.0f}–{max(loads):.0f} % over the variants.\n")
    cols = [lab for lab, _ in langs]
    print("| per model step | " + " | ".join(cols) + " |")
    print("| --- |" + " ---: |" * len(cols))
    rows = []
    bys = [{r["variant"]: r for r in d["results"]} for _, d in langs]
    overs = [overheads(b) for b in bys]

    def base_of(lab, b):
        if lab == "Python":
            return "logging_json" if "logging_json" in b else None
        return "pino" if "pino" in b else None

    def plain_of(lab, b):
        k = "write_json" if lab == "Python" else "write_sync"
        return k if k in b else None

    def cell(o, k):
        return us(o[k]) if k and k in o else "n/a"

    rows.append(("bare loop, µs/step (subtracted)", [us(b["bare"]["median_ns"]) if "bare" in b else "n/a"
                                                    for b in bys]))
    rows.append(("tooltrail tool call (`run.call`), µs above bare", [cell(o, "tool_call") for o in overs]))
    rows.append(("**tooltrail `run.model_call` / `run.modelCall`**, µs above bare",
                 [f"**{cell(o, 'model_call')}**" for o in overs]))
    rows.append(("baseline, the same facts by the usual logger (Python: stdlib logging; Node: pino), µs above bare",
                 [cell(o, base_of(lab, b)) for (lab, _), b, o in zip(langs, bys, overs)]))
    rows.append(("the same facts as a hand-written line (Python: `f.write(json.dumps(…) + \"\\n\")`; "
                 "Node: `fs.writeSync`), µs above bare",
                 [cell(o, plain_of(lab, b)) for (lab, _), b, o in zip(langs, bys, overs)]))
    rows.append(("model_call ÷ tool call", [ratio(o.get("model_call"), o.get("tool_call")) for o in overs]))
    rows.append(("model_call ÷ baseline (below 1: cheaper)",
                 [ratio(o.get("model_call"), o.get(base_of(lab, b))) for (lab, _), b, o in zip(langs, bys, overs)]))
    rows.append(("model_call ÷ hand-written line (below 1: cheaper)",
                 [ratio(o.get("model_call"), o.get(plain_of(lab, b))) for (lab, _), b, o in zip(langs, bys, overs)]))
    wr = []
    for b in bys:
        parts = []
        for k in ("tool_call", "model_call"):
            if k in b:
                r = b[k]
                parts.append(f"{k} {r['written']:,} / {r['expected']:,}" + (" **FAILED**" if r["failed"] else ""))
        wr.append("; ".join(parts) or "n/a")
    rows.append(("tooltrail events written / expected (warm-up included)", wr))
    rows.append(("other processes' CPU, min–max over the variants",
                 [f"{min(r['load']['others_pct'] for r in d['results']):.0f}–"
                  f"{max(r['load']['others_pct'] for r in d['results']):.0f} %" for _, d in langs]))
    for label, vals in rows:
        print(f"| {label} | " + " | ".join(vals) + " |")
    vers = []
    for _, d in langs:
        vers += [f"{k} {v}" for k, v in d["results"][0]["versions"].items()]
    print("\nVersions: " + ", ".join(dict.fromkeys(vers)) + ".")
    failed = [f"{lab} {r['variant']}" for lab, d in langs for r in d["results"] if r["failed"]]
    if failed:
        print(f"\n**FAILED** (lines lost or dropped): {', '.join(failed)}")
        return 1
    print("\nNothing lost: every variant wrote every line it was given, no writer counted a drop.")
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=100_000, help="steps per round (default 100,000)")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds per variant (default 5)")
    ap.add_argument("--warmup", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="processes per variant, interleaved; the median of their medians (default 1)")
    ap.add_argument("--variants", default=",".join(ORDER))
    ap.add_argument("--dir", default=None, help="where output files go (default: the system temp dir)")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    ap.add_argument("--summary", action="store_true", help="print both languages' table from --python/--node")
    ap.add_argument("--python", help=argparse.SUPPRESS)
    ap.add_argument("--node", help=argparse.SUPPRESS)
    ap.add_argument("--command", default="bash bench/model_step.sh", help=argparse.SUPPRESS)
    ap.add_argument("--commit", default="?", help=argparse.SUPPRESS)
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--outdir", help=argparse.SUPPRESS)
    opts = ap.parse_args()

    if opts.summary:
        sys.exit(summary(opts))
    if opts.variant:
        print(json.dumps(run_variant(opts.variant, opts.calls, opts.rounds, opts.warmup, opts.outdir)))
        return
    wanted = [v for v in opts.variants.split(",") if v]
    unknown = set(wanted) - set(ORDER)
    if unknown:
        ap.error(f"unknown variants: {', '.join(sorted(unknown))} (known: {', '.join(ORDER)})")
    if "bare" not in wanted:
        wanted.insert(0, "bare")  # everything is measured above it
    names = [v for v in ORDER if v in wanted]
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load_avg = os.getloadavg()[0]
    runs = {n: [] for n in names}
    repeat = max(1, opts.repeat)
    for k in range(repeat):
        for n in names:
            print(f"  python {n} ({k + 1}/{repeat}) ...", file=sys.stderr, flush=True)
            runs[n].append(spawn(n, opts))
    results = [merge(runs[n]) for n in names]
    report(results, opts, started, load_avg)
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"started": started, "calls": opts.calls, "rounds": opts.rounds, "repeat": repeat,
                       "results": results}, f, indent=1)
    if any(r["failed"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
