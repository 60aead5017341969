"""tooltrail with its sink stuck: per-call latency percentiles and drops.

How the sink is stalled, with the public API only: the directory sink takes an
exclusive flock(2) on `<dir>/.tooltrail.lock` around every batch write
(docs/writer.md). This process opens that file itself (a separate open file
description, so the locks conflict) and holds LOCK_EX: the writer's worker
thread then blocks in flock() on its next batch, exactly as it would behind a
hung disk or NFS mount, and the queue fills. Releasing the lock un-sticks it.

Phases, one writer throughout, each call timed on its own: bare (the tool
called directly), normal (sink healthy), stalled (lock held from before the
first call to after the last). normal and stalled each use a fresh gateway
(warmed alike), so they differ only in the sink.
"""

import fcntl
import glob
import os
import time

import variants


def _pct(sorted_ns, q):
    return sorted_ns[min(len(sorted_ns) - 1, int(q * len(sorted_ns)))]


def _timed(call, ctx, tool, calls):
    # Each call's arguments are built before its clock starts.
    clock = time.perf_counter_ns
    out = [0] * calls
    for i in range(calls):
        args = {"query": f"refund policy for order {i}", "limit": 10,
                "filters": {"lang": "en", "since": "2026-01-01"}}
        t0 = clock()
        call(ctx, tool, args)
        out[i] = clock() - t0
    out.sort()
    return out


def _summary(phase, ns, bare_p50):
    return {
        "phase": phase,
        "calls": len(ns),
        "p50_ns": _pct(ns, 0.50),
        "p99_ns": _pct(ns, 0.99),
        "p999_ns": _pct(ns, 0.999),
        "max_ns": ns[-1],
        "p99_overhead_ns": _pct(ns, 0.99) - bare_p50,
    }


def run(calls, warmup, outdir):
    from bench_files import count_lines, versions

    import tooltrail

    writer = tooltrail.EventWriter(path=outdir, max_files=10_000)
    # One gateway per phase on the one writer: a gateway's own per-call cost
    # may grow with the calls it has seen (its alert windows), and the phases
    # must differ only in the sink.
    gw, gw_stalled = (tooltrail.ToolGateway(impls=variants.IMPLS, logger=writer) for _ in range(2))
    ctx = tooltrail.RunCtx(variants.RUN_ID, variants.TRACE_ID, user_id=variants.USER_ID,
                           request_id=variants.REQUEST_ID)
    tool = variants.TOOL
    bare = variants.bare(outdir).call
    for i in range(warmup):
        args = variants.make_args(i)
        gw.call(ctx, tool, args)
        gw_stalled.call(ctx, tool, args)
        bare(ctx, tool, args)
    writer.flush(60.0)

    import cpuload

    load0 = cpuload.snapshot()
    bare_ns = _timed(bare, ctx, tool, calls)
    bare_p50 = _pct(bare_ns, 0.5)
    phases = [_summary("bare", bare_ns, bare_p50)]

    before = writer.stats()
    normal = _summary("normal", _timed(gw.call, ctx, tool, calls), bare_p50)
    writer.flush(60.0)
    after_normal = writer.stats()
    normal["accepted"] = f"{after_normal['accepted'] - before['accepted']:,}"
    normal["dropped_queue_full"] = f"{after_normal['dropped']['queue_full'] - before['dropped']['queue_full']:,}"
    phases.append(normal)

    lock = os.open(os.path.join(outdir, ".tooltrail.lock"), os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        # One event, then longer than flush_interval (100 ms): the worker is
        # now blocked in flock() inside its batch write.
        gw_stalled.call(ctx, tool, variants.make_args(0))
        time.sleep(0.3)
        s0 = writer.stats()
        stalled = _summary("stalled", _timed(gw_stalled.call, ctx, tool, calls), bare_p50)
        s1 = writer.stats()
        stalled["accepted"] = f"{s1['accepted'] - s0['accepted']:,}"
        stalled["dropped_queue_full"] = f"{s1['dropped']['queue_full'] - s0['dropped']['queue_full']:,}"
        phases.append(stalled)
        stuck_written = s1["written"] - s0["written"]
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)

    load = cpuload.others(load0, cpuload.snapshot())
    flushed = writer.flush(120.0)
    writer.close(30.0)
    final = writer.stats()
    lines, drop_reports = count_lines(glob.glob(os.path.join(outdir, "tooltrail*.jsonl")))
    return {
        "variant": "tooltrail_stalled",
        "calls": calls,
        "how": "an exclusive flock on <dir>/.tooltrail.lock held by the bench, so the worker blocks in its batch write",
        "phases": phases,
        "p99_overhead_ratio": stalled["p99_overhead_ns"] / max(1, normal["p99_overhead_ns"]),
        "written_while_stuck": stuck_written,
        "after": (f"lock released, flush() -> {flushed}; stats accepted {final['accepted']:,}, written "
                  f"{final['written']:,}, dropped {final['dropped']}, drop_reports {final['drop_reports']}; "
                  f"file: {lines - drop_reports:,} event lines + {drop_reports} writer_dropped line(s)"),
        "final_stats": final,
        "load": load,
        "lines": lines - drop_reports,
        "drop_reports": drop_reports,
        "versions": versions(),
    }
