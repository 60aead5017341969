"""One core API behind both bindings (issue 12): the run context, the run's
exit, traceparent, failure facts, error codes and timeouts follow the core's
rules; tests/node/core_api.test.js asserts the same of Node."""

import asyncio

import pytest

import tooltrail

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TP = f"00-{TRACE}-00f067aa0ba902b7-01"


class Memory:
    def __init__(self):
        self.events = []

    def event(self, name, fields):
        self.events.append((name, fields))

    def named(self, name):
        return [f for n, f in self.events if n == name]


def ctx(**ids):
    return {"run_id": "r", "trace_id": TRACE, "request_id": "q", **ids}


def gateway(impls=None, **kw):
    log = Memory()
    return tooltrail.ToolGateway(impls=impls or {"t": lambda **_: 1}, logger=log, **kw), log


def test_an_empty_user_id_is_absent_in_runs_calls_and_contexts():
    # Before: gw.run(user_id="") wrote "user_id": "" while Node wrote null.
    gw, log = gateway()
    with gw.run(user_id="", request_id="q") as run:
        run.call("t", {})
    gw.call(ctx(run_id="r2", user_id=""), "t", {})
    assert tooltrail.RunCtx(user_id="").user_id is None
    events = [f for _, f in log.events]
    assert len(events) == 6 and all(f["user_id"] is None for f in events)
    # An empty required id is missing, as in Node.
    with pytest.raises(tooltrail.MissingIdError):
        gw.call(ctx(run_id="r3", request_id=""), "t", {})


@pytest.mark.parametrize("bad", [7, 1.5, ["u"], {"u": 1}, True])
def test_a_non_string_id_names_the_key(bad):
    for make in (
        lambda: tooltrail.RunCtx(user_id=bad),
        lambda: gateway()[0].call(ctx(user_id=bad), "t", {}),
        lambda: gateway()[0].run(request_id="q", user_id=bad),
    ):
        with pytest.raises(tooltrail.InvalidArgumentError) as e:
            make()
        assert e.value.key == "ctx.user_id"
        assert e.value.code == e.value.error_class == "invalid_argument"
        assert isinstance(e.value, ValueError) and isinstance(e.value, tooltrail.TooltrailError)


def test_a_bad_traceparent_names_the_key():
    with pytest.raises(tooltrail.InvalidArgumentError) as e:
        tooltrail.RunCtx(traceparent="00-nope")
    assert e.value.key == "traceparent"
    assert tooltrail.RunError is tooltrail.InvalidArgumentError


def test_run_traceparent_comes_from_the_core():
    gw, _ = gateway()
    with gw.run(request_id="q", traceparent=TP) as run:
        header = run.traceparent()
        assert header == tooltrail.traceparent(TRACE, run.ctx.parent_span_id)
        assert header.startswith(f"00-{TRACE}-") and header != TP



@pytest.mark.parametrize(
    "key, bad",
    [("trace_id", "</script>"), ("trace_id", TRACE.upper()), ("trace_id", "0" * 32), ("parent_span_id", "xyz")],
)
def test_trace_and_span_ids_must_be_w3c_ids(key, bad):
    # Before: "</script>" was logged as the trace id (and OTLP dropped the span).
    gw, log = gateway()
    makers = [lambda: tooltrail.RunCtx(**{key: bad}), lambda: gw.call(ctx(**{key: bad}), "t", {})]
    if key == "trace_id":  # run() takes ids, not a parent span
        makers.append(lambda: gw.run(request_id="q", trace_id=bad))
    for make in makers:
        with pytest.raises(tooltrail.InvalidArgumentError) as e:
            make()
        assert e.value.key == f"ctx.{key}"
    assert log.events == []


def test_unknown_stop_reason_and_run_are_invalid_arguments():
    gw, _ = gateway()
    with gw.run(request_id="q") as run:
        with pytest.raises(tooltrail.InvalidArgumentError) as e:
            run.stop("done")
        assert e.value.key == "reason"
    with pytest.raises(tooltrail.InvalidArgumentError) as e:
        gw._step("no-such-run")
    assert e.value.key == "run_id"


def test_every_error_carries_code_and_error_class():
    assert "internal" in tooltrail.ERROR_CODES and "invalid_argument" in tooltrail.ERROR_CODES
    for make, code in [
        (lambda: tooltrail.stable_hash({"a": float("nan")}), "non_finite"),
        (lambda: tooltrail.ToolGateway(impls={}, config={"nope": 1}), "config_error"),
        (lambda: gateway()[0].call(ctx(), "missing", {}), "unknown_tool"),
        (lambda: tooltrail.EventWriter("/proc/no/such/dir"), "writer_error"),
    ]:
        with pytest.raises(tooltrail.TooltrailError) as e:
            make()
        assert e.value.code == e.value.error_class == code
        assert code in tooltrail.ERROR_CODES


class Timeout(Exception):  # requests.exceptions.Timeout's name
    pass


class ReadTimeout(Timeout):
    pass


class APIConnectionError(Exception):  # openai / anthropic
    pass


class APIStatusError(Exception):
    def __init__(self, status_code):
        super().__init__("status")
        self.status_code = status_code


class Hostile(Exception):
    @property
    def status_code(self):
        raise RuntimeError("getter exploded")

    @property
    def code(self):
        raise RuntimeError("getter exploded")


class Coded(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class CodeProperty(Exception):
    # A `code` property is not called for the code fact (aiohttp's deprecated
    # ClientResponseError.code warns on every read; test_http_error_classes.py).
    @property
    def code(self):
        return "ECONNREFUSED"


@pytest.mark.parametrize(
    "exc, cls",
    [
        (ReadTimeout("slow"), "timeout"),
        (Coded("ETIMEDOUT"), "timeout"),
        (Coded("ECONNRESET"), "network"),
        (CodeProperty("x"), "CodeProperty"),
        (APIConnectionError("down"), "network"),
        (APIStatusError(429), "rate_limited"),
        (APIStatusError(True), "APIStatusError"),  # a bool is not a status
        (Hostile("x"), "Hostile"),
        (ConnectionResetError(), "network"),
        (asyncio.CancelledError(), "cancelled"),
    ],
)
def test_failure_classes_come_from_class_names_and_probes(exc, cls):
    def tool(**_):
        raise exc

    gw, log = gateway({"t": tool})
    with pytest.raises(type(exc)):
        gw.call(ctx(), "t", {})
    assert log.named("tool_result")[0]["error_class"] == cls


def test_a_cancelled_run_ends_cancelled_and_a_raising_one_error():
    gw, log = gateway()
    with pytest.raises(asyncio.CancelledError):
        with gw.run(request_id="q"):
            raise asyncio.CancelledError()
    with pytest.raises(KeyError):
        with gw.run(request_id="q"):
            raise KeyError("x")
    assert [e["stop_reason"] for e in log.named("run_end")] == ["cancelled", "error"]


def test_impls_are_snapshotted_at_construction():
    impls = {"t": lambda **_: 1}
    gw, log = gateway(impls)
    impls.clear()  # before: the core still knew "t" and the lookup panicked
    assert gw.call(ctx(), "t", {}) == 1


def test_bad_flush_and_close_timeouts_are_rejected(tmp_path):
    w = tooltrail.EventWriter(str(tmp_path))
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(tooltrail.ConfigError) as e:
            w.flush(bad)
        assert e.value.key == "timeout"
    assert w.flush() is True
    w.close()


def test_the_config_file_is_read_by_the_core(tmp_path):
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.ToolGateway(impls={}, config=str(tmp_path / "missing.yaml"))
    assert e.value.key == "(file)"
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.ToolGateway(impls={}, config={"logging": {"pii": {"redact_fields": [object()]}}})
    assert e.value.key == "logging.pii.redact_fields[0]"  # dotted, as every config key
    p = tmp_path / "c.yaml"
    p.write_text("logging:\n  tool_calls:\n    store_args: true\n")
    gw, log = gateway(config=str(p))
    gw.call(ctx(), "t", {"a": 1})
    assert log.named("tool_call")[0]["args"] == {"a": 1}


def test_an_empty_hmac_key_is_refused(monkeypatch):
    # Before: accepted and labelled hmac-sha256, a keyed hash anyone can recompute.
    monkeypatch.setenv("TOOLTRAIL_TEST_EMPTY_KEY", "")
    config = {"logging": {"tool_calls": {"hash_key_env": "TOOLTRAIL_TEST_EMPTY_KEY"}}}
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.ToolGateway(impls={}, config=config)
    assert e.value.key == "logging.tool_calls.hash_key_env"


def test_urllib_wrapped_socket_errors_are_network_and_timeout():
    # Before: logged as "URLError". urllib wraps the socket error in .reason.
    import socket
    import urllib.error
    import urllib.request

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()

    def refused(**_):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)

    def dns(**_):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    def slow(**_):
        raise urllib.error.URLError(socket.timeout("timed out"))

    def chained(**_):
        try:
            raise ConnectionResetError()
        except ConnectionResetError as e:
            raise RuntimeError("wrapped") from e

    gw, log = gateway({"refused": refused, "dns": dns, "slow": slow, "chained": chained})
    for name in ("refused", "dns", "slow", "chained"):
        with pytest.raises((urllib.error.URLError, RuntimeError)):
            gw.call(ctx(), name, {})
    assert [r["error_class"] for r in log.named("tool_result")] == ["network", "network", "timeout", "network"]


def test_otlp_credentials_are_never_printed(tmp_path):
    # Before: a failing export printed `OTLP export to http://user:pass@…`.
    import socket
    import subprocess
    import sys

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    code = f"""
import sys, tooltrail
otlp = {{"endpoint": "http://alice:hunter2@127.0.0.1:{port}", "max_retries": 0, "timeout_s": 1}}
config = {{"sinks": {{"otlp": otlp}}}}
w = tooltrail.EventWriter(sys.argv[1], config=config)
w.event("e", {{}})
print(w.flush(5.0))
w.close()
"""
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "logs")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "OTLP export to http://[REDACTED]@127.0.0.1" in r.stderr, r.stderr
    assert "hunter2" not in r.stderr + r.stdout
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.EventWriter(tmp_path / "x", config={"sinks": {"otlp": {"endpoint": "alice:hunter2@collector"}}})
    assert "hunter2" not in str(e.value)


def test_logs_time_filters_take_offsets_and_refuse_garbage():
    # Before: compared as strings; "yesterday" filtered everything, garbage nothing.
    from conftest import ROOT

    logs = tooltrail.Logs(str(ROOT / "tests" / "vectors" / "gateway" / "runs.expected.jsonl"))
    assert [r["run_id"] for r in logs.runs(until="2026-11-24T20:57:40.004+01:00")] == ["run-tool-calls"]
    assert logs.runs(since="1d") == []
    for bad in ("yesterday", "garbage"):
        with pytest.raises(tooltrail.InvalidArgumentError) as e:
            logs.runs(since=bad)
        assert e.value.key == "since"
