"""The logged-call variants compared by bench_gateway.py.

Every variant runs the same tool, `search(query, limit, filters)`, with the
same arguments (issue 14): `{"query": f"refund policy for order {i}", "limit":
10, "filters": {"lang": "en", "since": "2026-01-01"}}`, a fresh dict built by
the loop for every call (bare included, so subtracting bare removes its
cost), and logs one call the way that library is meant to be used.
`make(name, outdir)` returns a Variant: `call(ctx, name, args)`, `finish()`
(flush and close, after the timed loop), the output files to count lines in,
and the lines one call is expected to write.
"""

import glob
import json
import logging
import logging.handlers
import os
import queue
from datetime import datetime, timezone

from seed_fields import JsonlLogger, SeedFieldsGateway

from seed_gateway import SeedGateway, seed_args_hash

TOOL = "search"
# The ids of every call. result_sample_rate (default 0.01) is decided per
# run_id (the first 8 bytes of its SHA-256 as a fraction of 2^64: 0.88 for
# this one, so it is not sampled and no variant stores results; "run-bench-1"
# is 0.0059, which is).
RUN_ID = "run-bench-2"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
USER_ID = "u-9"
REQUEST_ID = "req-1"
CTX = {"run_id": RUN_ID, "trace_id": TRACE_ID, "user_id": USER_ID, "request_id": REQUEST_ID}


def make_args(i):
    """Call i's arguments. The timed loops build the same dict inline (no call)."""
    return {"query": f"refund policy for order {i}", "limit": 10, "filters": {"lang": "en", "since": "2026-01-01"}}


def search(query, limit, filters):
    """The trivial synchronous tool every variant calls."""
    return {"hits": [], "limit": limit}


IMPLS = {TOOL: search}


class Variant:
    def __init__(self, call, ctx, finish, files, lines_per_call, note, stats=None, settle=None):
        self.call = call
        self.ctx = ctx
        self.finish = finish
        self.files = files
        self.lines_per_call = lines_per_call
        self.note = note
        self.stats = stats or (lambda: None)
        self.settle = settle or (lambda: None)


def _iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def bare(outdir):
    # The process the memory target is measured against: tooltrail imported
    # and a gateway made (as tooltrail_gw's), the tool called directly.
    import tooltrail

    writer = tooltrail.EventWriter(path=outdir, max_files=10_000)
    gw = tooltrail.ToolGateway(impls=IMPLS, logger=writer)

    def call(ctx, name, args):
        return IMPLS[name](**args)

    v = Variant(call, CTX, lambda: writer.close(30.0), lambda: [], 0,
                "the tool called directly, nothing logged (tooltrail imported and a gateway made, never called)")
    v.gateway = gw  # kept alive as long as the loop runs
    return v


def seed(outdir):
    gw = SeedGateway(IMPLS, os.path.join(outdir, "seed.jsonl"))
    return Variant(gw.call, CTX, gw.close, lambda: [gw.f.name], 2,
                   "seed_gateway.py, the seed page's gateway as printed: dict events, sha256 of "
                   "json.dumps(sort_keys=True), self.f.write(json.dumps(ev) + '\\n') per event, in the caller")


def seed_fields(outdir):
    logger = JsonlLogger(os.path.join(outdir, "seed_fields.jsonl"))
    gw = SeedFieldsGateway(IMPLS, logger)
    return Variant(gw.call, CTX, logger.close, lambda: [logger.file.name], 2,
                   "seed_fields.py: the seed with tooltrail's fields (v, ts, random span id, seq, decision; "
                   "compact json.dumps), buffered file.write per event, in the caller")


def seed_hash(outdir):
    impls = IMPLS

    def call(ctx, name, args):
        seed_args_hash(args)
        return impls[name](**args)

    return Variant(call, CTX, lambda: None, lambda: [], 0,
                   "the seed's args_hash alone (sha256 of json.dumps(args, sort_keys=True)), then the tool")


def tooltrail_hash(outdir):
    from tooltrail import stable_hash

    impls = IMPLS

    def call(ctx, name, args):
        stable_hash(args)
        return impls[name](**args)

    return Variant(call, CTX, lambda: None, lambda: [], 0, "tooltrail.stable_hash(args) alone, then the tool")


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {"ts": _iso(record.created)}
        line.update(record.fields)
        return json.dumps(line, separators=(",", ":"))


class _StdlibSeed(SeedGateway):
    """The seed gateway as printed, its events logged through stdlib logging."""

    def __init__(self, impls, logger):
        self.impls = impls
        self.logger = logger

    def _emit(self, ev):
        self.logger.info(ev["event"], extra={"fields": ev})


def logging_queue(outdir):
    path = os.path.join(outdir, "logging.jsonl")
    q = queue.SimpleQueue()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(_JsonFormatter())
    listener = logging.handlers.QueueListener(q, handler)
    listener.start()
    log = logging.getLogger("bench.tooltrail")
    log.handlers[:] = [logging.handlers.QueueHandler(q)]
    log.setLevel(logging.INFO)
    log.propagate = False
    gw = _StdlibSeed(IMPLS, log)

    def finish():
        listener.stop()  # drains the queue
        handler.close()

    return Variant(gw.call, CTX, finish, lambda: [path], 2,
                   "stdlib logging: QueueHandler -> unbounded SimpleQueue -> QueueListener thread -> "
                   "FileHandler with a JSON formatter")


class _StructlogSeed(SeedGateway):
    """The seed gateway as printed, its events logged through structlog."""

    def __init__(self, impls, log):
        self.impls = impls
        self.log = log

    def _emit(self, ev):
        self.log.info(**ev)  # "event" is structlog's event key


def structlog_orjson(outdir):
    import orjson
    import structlog

    path = os.path.join(outdir, "structlog.jsonl")
    f = open(path, "wb")
    # As in structlog's "Performance" docs: filtering bound logger, cached,
    # orjson renderer, BytesLogger.
    structlog.configure(
        cache_logger_on_first_use=True,
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        logger_factory=structlog.BytesLoggerFactory(f),
    )
    gw = _StructlogSeed(IMPLS, structlog.get_logger())
    return Variant(gw.call, CTX, f.close, lambda: [path], 2,
                   "structlog (performance-docs config: filtering bound logger, cached, orjson "
                   "JSONRenderer, BytesLogger on a file), in the caller")


class _FileSpanExporter:
    """Writes each span as one compact JSON line; one write per batch."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")

    def export(self, spans):
        from opentelemetry.sdk.trace.export import SpanExportResult

        lines = []
        for s in spans:
            c = s.context
            lines.append(json.dumps({
                "name": s.name,
                "trace_id": format(c.trace_id, "032x"),
                "span_id": format(c.span_id, "016x"),
                "parent_span_id": format(s.parent.span_id, "016x") if s.parent else None,
                "start_ns": s.start_time,
                "end_ns": s.end_time,
                "status": s.status.status_code.name,
                "attributes": dict(s.attributes),
            }, separators=(",", ":")))
        self.file.write("\n".join(lines) + "\n")
        self.file.flush()
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.file.close()

    def force_flush(self, timeout_millis=30000):
        return True


def otel_sdk(outdir):
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
    from opentelemetry.trace.status import Status, StatusCode

    path = os.path.join(outdir, "otel.jsonl")
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(_FileSpanExporter(path)))  # SDK defaults
    tracer = provider.get_tracer("tooltrail-bench")
    parent = trace.set_span_in_context(NonRecordingSpan(SpanContext(
        int(TRACE_ID, 16), int(PARENT_SPAN_ID, 16), is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))))
    seqs = {}

    def call(ctx, name, args):
        run_id = ctx["run_id"]
        seq = seqs.get(run_id, 0) + 1
        seqs[run_id] = seq
        with tracer.start_as_current_span(name, context=parent, attributes={
            "run_id": run_id, "request_id": ctx["request_id"], "user_id": ctx["user_id"],
            "tool": name, "seq": seq, "args_hash": seed_args_hash(args),
        }) as span:
            result = IMPLS[name](**args)
            span.set_status(Status(StatusCode.OK))
            return result

    return Variant(call, CTX, provider.shutdown, lambda: [path], 1,
                   "OpenTelemetry SDK: one span per call (start_as_current_span, attributes = ids, tool, seq, "
                   "args_hash), BatchSpanProcessor with SDK defaults, exporter writing one JSON line per span "
                   "to a file (one write per batch)")


def tooltrail_gw(outdir):
    import tooltrail

    # max_files large so rotation deletes nothing we want to count; rotation
    # size stays the default 64 MiB.
    writer = tooltrail.EventWriter(path=outdir, max_files=10_000)
    gw = tooltrail.ToolGateway(impls=IMPLS, logger=writer)
    ctx = tooltrail.RunCtx(RUN_ID, TRACE_ID, user_id=USER_ID, request_id=REQUEST_ID)

    def finish():
        if not writer.flush(120.0):
            print("tooltrail: flush timed out or lost events", flush=True)
        writer.close(30.0)

    def settle():
        # After the warm-up, before idle RSS: the warm-up's events written, so
        # idle is a process that imported tooltrail, made the gateway and is
        # at rest.
        writer.flush(60.0)

    return Variant(gw.call, ctx, finish, lambda: glob.glob(os.path.join(outdir, "tooltrail*.jsonl")), 2,
                   "tooltrail ToolGateway(impls, logger=EventWriter(path)) with defaults, gw.call(ctx, name, args)",
                   stats=writer.stats, settle=settle)


VARIANTS = {
    "bare": bare,
    "seed": seed,
    "seed_fields": seed_fields,
    "seed_hash": seed_hash,
    "tooltrail_hash": tooltrail_hash,
    "logging_queue": logging_queue,
    "structlog_orjson": structlog_orjson,
    "otel_sdk": otel_sdk,
    "tooltrail": tooltrail_gw,
}


def make(name, outdir):
    return VARIANTS[name](outdir)
