"""A loopback OTLP/HTTP receiver for the tests: records every request (JSON,
or protobuf as the rotel collector forwards it) and answers from a script
(status codes, `Retry-After`, or hanging), then 200.

Decoded records and spans are flattened to plain dicts:
record: {body, severity, time, trace_id, span_id, attributes}
span:   {name, trace_id, span_id, parent_span_id, start, end, status_code, attributes}
"""

import base64
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG = "hang"


def _any(v):
    if not v:
        return None
    if "stringValue" in v:
        return v["stringValue"]
    if "intValue" in v:
        return int(v["intValue"])
    if "doubleValue" in v:
        return float(v["doubleValue"])
    if "boolValue" in v:
        return v["boolValue"]
    if "arrayValue" in v:
        return [_any(x) for x in v["arrayValue"].get("values", [])]
    if "kvlistValue" in v:
        return {kv["key"]: _any(kv.get("value")) for kv in v["kvlistValue"].get("values", [])}
    raise AssertionError(f"unknown AnyValue {v!r}")


def _attrs(items):
    return {kv["key"]: _any(kv.get("value")) for kv in items or []}


def _protobuf_to_dict(path, body):
    """OTLP protobuf → the OTLP/JSON shape (ids re-encoded as hex)."""
    from google.protobuf.json_format import MessageToDict
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    msg = ExportLogsServiceRequest() if path.endswith("/v1/logs") else ExportTraceServiceRequest()
    msg.ParseFromString(body)
    d = MessageToDict(msg, use_integers_for_enums=True)

    def hexify(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                    node[k] = base64.b64decode(v).hex()
                else:
                    hexify(v)
        elif isinstance(node, list):
            for x in node:
                hexify(x)

    hexify(d)
    return d


class Receiver:
    """`Receiver(script)`: each request pops the next script entry: an int
    status, `(status, {headers})`, or `HANG` (answer only at `stop()`)."""

    def __init__(self, script=()):
        self.script = list(script)
        self.requests = []  # (path, headers, decoded dict or None, status answered)
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with receiver.lock:
                    step = receiver.script.pop(0) if receiver.script else 200
                if step == HANG:
                    receiver.release.wait(60)
                    step = 200
                status, headers = step if isinstance(step, tuple) else (step, {})
                decoded = None
                if 200 <= status < 300:
                    if "protobuf" in (self.headers.get("Content-Type") or ""):
                        decoded = _protobuf_to_dict(self.path, body)
                    else:
                        decoded = json.loads(body)
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers), decoded, status))
                proto = "protobuf" in (self.headers.get("Content-Type") or "")
                # An empty protobuf answer is zero bytes; JSON clients get `{}`.
                out = b"" if proto else b"{}"
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/x-protobuf" if proto else "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _delivered(self, suffix):
        with self.lock:
            return [d for (p, _h, d, s) in self.requests if p.endswith(suffix) and d is not None]

    def statuses(self, suffix):
        with self.lock:
            return [s for (p, _h, _d, s) in self.requests if p.endswith(suffix)]

    def headers(self):
        with self.lock:
            return [h for (_p, h, _d, _s) in self.requests]

    def records(self):
        out = []
        for req in self._delivered("/v1/logs"):
            for rl in req.get("resourceLogs", []):
                resource = _attrs(rl.get("resource", {}).get("attributes"))
                for sl in rl.get("scopeLogs", []):
                    for r in sl.get("logRecords", []):
                        out.append({
                            "body": _any(r.get("body")),
                            "severity": r.get("severityNumber"),
                            "time": int(r.get("timeUnixNano", 0)),
                            "trace_id": r.get("traceId"),
                            "span_id": r.get("spanId"),
                            "attributes": _attrs(r.get("attributes")),
                            "resource": resource,
                        })
        return out

    def spans(self):
        out = []
        for req in self._delivered("/v1/traces"):
            for rs in req.get("resourceSpans", []):
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        status = s.get("status", {}).get("code", 0)
                        out.append({
                            "name": s["name"],
                            "trace_id": s.get("traceId"),
                            "span_id": s.get("spanId"),
                            "parent_span_id": s.get("parentSpanId") or None,
                            "start": int(s.get("startTimeUnixNano", 0)),
                            "end": int(s.get("endTimeUnixNano", 0)),
                            "status_code": status,
                            "attributes": _attrs(s.get("attributes")),
                        })
        return out
