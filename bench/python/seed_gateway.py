"""The seed page's pure-Python gateway, "as printed" (the baseline of issue 14).

The seed page is not in this repository; this is a minimal reconstruction
from what issue 14 quotes of it, with nothing added:

- `args_hash = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()`
  (json.dumps' default separators, sort_keys=True);
- two events per call, plain dicts:
  `{"event": "tool_call", "run_id", "trace_id", "request_id", "user_id", "tool", "args_hash"}`
  before the tool and
  `{"event": "tool_result", <the same ids>, "tool", "latency_ms", "ok", "error_class"}`
  after it (no timestamp, no span ids, no random ids, no seq);
- each event written with `self.f.write(json.dumps(ev) + "\\n")` to a file
  opened with `open(path, "a")` (text mode, default buffering), in the caller.

Details the quote leaves open, chosen the cheapest plain way: the ids come
from a `ctx` dict; `latency_ms` is `round((perf_counter() - t0) * 1000, 3)`;
`error_class` is None on success and the exception's class name on failure.

The richer gateway earlier benches used (a timestamp and "v" per line, a
random span id, seq, decision, compact separators) is `seed_fields.py`,
the "seed with tooltrail's fields" row.
"""

import hashlib
import json
import time


class SeedGateway:
    def __init__(self, impls, path):
        self.impls = impls
        self.f = open(path, "a")

    def call(self, ctx, name, args):
        args_hash = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()
        self._emit({
            "event": "tool_call",
            "run_id": ctx["run_id"],
            "trace_id": ctx["trace_id"],
            "request_id": ctx["request_id"],
            "user_id": ctx["user_id"],
            "tool": name,
            "args_hash": args_hash,
        })
        t0 = time.perf_counter()
        try:
            result = self.impls[name](**args)
        except Exception as e:
            self._emit({
                "event": "tool_result",
                "run_id": ctx["run_id"],
                "trace_id": ctx["trace_id"],
                "request_id": ctx["request_id"],
                "user_id": ctx["user_id"],
                "tool": name,
                "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
                "ok": False,
                "error_class": type(e).__name__,
            })
            raise
        self._emit({
            "event": "tool_result",
            "run_id": ctx["run_id"],
            "trace_id": ctx["trace_id"],
            "request_id": ctx["request_id"],
            "user_id": ctx["user_id"],
            "tool": name,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
            "ok": True,
            "error_class": None,
        })
        return result

    def _emit(self, ev):
        self.f.write(json.dumps(ev) + "\n")

    def close(self):
        self.f.close()


def seed_args_hash(args):
    """The seed's args_hash alone (the "hash only, seed" row)."""
    return hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()
