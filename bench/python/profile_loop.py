"""A bare loop of one variant's calls, for profilers (see bench/README.md).

    python profile_loop.py [--variant tooltrail] [--calls 200000]

No timing and no subprocesses: py-spy, perf and callgrind see only setup,
the loop and the final flush.
"""

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import variants  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", default="tooltrail", choices=sorted(variants.VARIANTS))
    ap.add_argument("--calls", type=int, default=200_000)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tt-profile-") as outdir:
        v = variants.make(opts.variant, outdir)
        call, ctx, tool = v.call, v.ctx, variants.TOOL
        for i in range(opts.calls):
            call(ctx, tool, {"query": f"refund policy for order {i}", "limit": 10,
                             "filters": {"lang": "en", "since": "2026-01-01"}})
        v.finish()


if __name__ == "__main__":
    main()
