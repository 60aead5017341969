"""The "seed with tooltrail's fields" row: the seed gateway carrying the fields tooltrail logs.

The gateway the bench of issue 8 used as its seed (kept, as issue 14 asks, to
show what the extra fields cost): per call it builds the `tool_call` event as
a dict with a random span id, seq, parent span id and decision, hashes the
arguments (SHA-256 of `json.dumps(args, sort_keys=True, separators=(",", ":"))`),
calls the tool, builds `tool_result` with `latency_ms` and `ok`, and writes each
event, with "v" and an RFC 3339 "ts" in front, as one compact `json.dumps` line
to an open, buffered file (one `file.write` per event, in the caller). The seed
page's gateway as printed is `seed_gateway.py`.
"""

import hashlib
import json
import os
import time
from datetime import datetime, timezone


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def args_hash(args):
    text = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class JsonlLogger:
    """`.event(name, fields)` to a JSON-lines file, written in the caller."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def event(self, name, fields):
        record = {"v": 1, "ts": _now(), "event": name}
        record.update(fields)
        self.file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def close(self):
        self.file.close()


class SeedFieldsGateway:
    """`call(ctx, name, args)`: tool_call, the tool, tool_result."""

    def __init__(self, impls, logger):
        self.impls = impls
        self.logger = logger
        self.seq = {}

    def call(self, ctx, name, args):
        tool = self.impls[name]
        run_id = ctx["run_id"]
        seq = self.seq.get(run_id, 0) + 1
        self.seq[run_id] = seq
        ids = {
            "run_id": run_id,
            "trace_id": ctx["trace_id"],
            "span_id": os.urandom(8).hex(),
            "request_id": ctx.get("request_id"),
            "user_id": ctx.get("user_id"),
        }
        self.logger.event("tool_call", {
            **ids, "tool": name, "seq": seq, "parent_span_id": ctx.get("parent_span_id"),
            "args_hash": args_hash(args), "decision": "allow",
        })
        start = time.perf_counter()
        try:
            result = tool(**args)
        except Exception as exc:
            latency_ms = round((time.perf_counter() - start) * 1000, 3)
            self.logger.event("tool_result", {
                **ids, "tool": name, "seq": seq, "latency_ms": latency_ms, "ok": False,
                "error_class": type(exc).__name__,
            })
            raise
        latency_ms = round((time.perf_counter() - start) * 1000, 3)
        self.logger.event("tool_result", {
            **ids, "tool": name, "seq": seq, "latency_ms": latency_ms, "ok": True,
        })
        return result
