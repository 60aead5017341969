"""Machine load during a measurement: the CPU share of processes other than this one.

`snapshot()` reads /proc/stat (all CPUs' busy and total ticks), this
process's own ticks (/proc/self/stat, all its threads) and every process's
ticks (/proc/*/stat); `others(a, b)` turns two snapshots into the share of
the machine's CPU time (all CPUs together = 100 %) that went to anything but
this process between them (the larger of /proc/stat's busy time minus ours and
the sum over the other processes), and names the largest consumers. Ticks are
10 ms, so a window under a second or so gives a coarse share. A process that
started and exited between the snapshots is not named; its time is in the
total as "unnamed". node/cpuload.js is the same in JS.
"""

import os

_OWN = os.getpid()


def _cpu_line():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest is inside user)
    v += [0] * (8 - len(v))
    total = sum(v[:8])
    busy = total - v[3] - v[4]
    return busy, total, v[7]


def _proc_ticks(pid):
    """(comm, starttime, utime + stime) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    close = s.rfind(")")
    comm = s[s.find("(") + 1:close]
    rest = s[close + 2:].split()
    return comm, rest[19], int(rest[11]) + int(rest[12])


def snapshot(procs=True):
    busy, total, steal = _cpu_line()
    own = _proc_ticks("self")[2]
    table = {}
    if procs:
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) != _OWN:
                t = _proc_ticks(name)
                if t:
                    table[(name, t[1])] = (t[0], t[2])
    return {"busy": busy, "total": total, "steal": steal, "own": own, "procs": table}


def others(a, b, top=3):
    total = max(1, b["total"] - a["total"])
    other = max(0, (b["busy"] - a["busy"]) - (b["own"] - a["own"]))
    by_comm = {}
    for key, (comm, ticks) in b["procs"].items():
        d = ticks - a["procs"][key][1] if key in a["procs"] else ticks
        if d > 0:
            by_comm[comm] = by_comm.get(comm, 0) + d
    named = sorted(by_comm.items(), key=lambda kv: -kv[1])
    # /proc/stat is sampled at the tick, a process's own times are not: over
    # a short window the named processes can add up to more than the
    # aggregate. Report the larger, so the load is never understated.
    other = max(other, sum(by_comm.values()))
    unnamed = max(0, other - sum(by_comm.values()))
    pct = lambda t: round(100.0 * t / total, 1)  # noqa: E731
    return {
        "others_pct": pct(other),
        "steal_pct": pct(b["steal"] - a["steal"]),
        "ticks": total,
        "top": [[c, pct(t)] for c, t in named[:top] if pct(t) >= 0.5],
        "unnamed_pct": pct(unnamed),
    }
