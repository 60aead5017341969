"""Summarize collapsed stacks ("f1;f2;...;leaf COUNT" per line, as written by
`py-spy record -f raw` or `perf script | stackcollapse`): the share of samples
in which each function is on the stack (inclusive) and at the top (self).

    python stackreport.py STACKS.txt [--within SUBSTRING] [--top 30]
    perf script -i perf.data | python stackreport.py - --perf-script [--thread node]

--within keeps only samples whose stack contains SUBSTRING (e.g. the loop's
frame), so setup and the final flush do not count; --without drops samples
whose stack contains SUBSTRING (e.g. one dominating function, to see the rest).
"""

import argparse
import collections
import re
import sys

_HASH = re.compile(r"::h[0-9a-f]{16}|\.llvm\.\d+")
_FILE = re.compile(r" \((?:[^()]*\.(?:so|py|js)[^()]*|\?)\)$")


def clean(frame):
    frame = _HASH.sub("", frame.strip())
    return _FILE.sub("", frame) if not frame.endswith(".py)") else frame


def perf_script_stacks(f, thread):
    """Collapses `perf script` output (callers last) into "root;...;leaf 1" lines."""
    stack, keep = [], False
    for line in f:
        line = line.rstrip("\n")
        if not line.strip():
            if stack and keep:
                yield ";".join(reversed(stack)) + " 1"
            stack, keep = [], False
        elif not line.startswith((" ", "\t")):
            keep = thread is None or line.split()[0] == thread
        else:
            parts = line.strip().split(" ", 1)
            sym = parts[1] if len(parts) > 1 else parts[0]
            sym = re.sub(r"\+0x[0-9a-f]+ \(", " (", sym)
            stack.append(sym.replace(";", ","))
    if stack and keep:
        yield ";".join(reversed(stack)) + " 1"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stacks")
    ap.add_argument("--within", default=None)
    ap.add_argument("--without", default=None, help="drop samples whose stack contains this")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--perf-script", action="store_true", help="input is `perf script` output")
    ap.add_argument("--thread", default=None, help="with --perf-script: only this comm (e.g. node, python)")
    opts = ap.parse_args()
    incl, self_ = collections.Counter(), collections.Counter()
    total = 0
    f = sys.stdin if opts.stacks == "-" else open(opts.stacks)
    lines = perf_script_stacks(f, opts.thread) if opts.perf_script else f
    if True:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or (opts.within and opts.within not in stack):
                continue
            if opts.without and opts.without in stack:
                continue
            n = int(count)
            frames = [clean(x) for x in stack.split(";")]
            total += n
            self_[frames[-1]] += n
            for fr in set(frames):
                incl[fr] += n
    print(f"{total} samples" + (f" with {opts.within!r} on the stack" if opts.within else "")
          + (f" without {opts.without!r}" if opts.without else ""))
    print(f"\n{'incl %':>7} {'self %':>7}  function (top {opts.top} by inclusive)")
    for fr, n in incl.most_common(opts.top):
        print(f"{100 * n / total:7.1f} {100 * self_[fr] / total:7.1f}  {fr[:150]}")
    print(f"\n{'self %':>7}  function (top {opts.top} by self)")
    for fr, n in self_.most_common(opts.top):
        print(f"{100 * n / total:7.1f}  {fr[:150]}")


if __name__ == "__main__":
    main()
