"""The Python ToolGateway: error classes from real exceptions, async tools,
validation, redaction in the written bytes, config errors, unhashable args."""

import asyncio
import json
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tooltrail

CTX = tooltrail.RunCtx("run-1", "4bf92f3577b34da6a3ce929d0e0e4736", "user-1", "req-1")


class Memory:
    def __init__(self):
        self.events = []

    def event(self, name, fields):
        self.events.append((name, fields))

    def results(self):
        return [f for n, f in self.events if n == "tool_result"]


def gateway(impls, **kw):
    log = Memory()
    return tooltrail.ToolGateway(impls=impls, logger=log, **kw), log


def raiser(exc):
    def tool(**_):
        raise exc
    return tool


class Response:
    def __init__(self, code):
        self.status_code = code


class RequestsStyleError(Exception):
    def __init__(self, code):
        super().__init__(f"HTTP {code}")
        self.response = Response(code)


class StatusError(Exception):
    def __init__(self, status):
        super().__init__("err")
        self.status = status


def closed_port_error():
    """A real ConnectionRefusedError from the OS."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError as e:
        return e
    raise AssertionError("port unexpectedly open")


@pytest.mark.parametrize("exc, expected", [
    (TimeoutError("t"), "timeout"),
    (socket.timeout("t"), "timeout"),
    (asyncio.TimeoutError(), "timeout"),
    (closed_port_error(), "network"),
    (ConnectionResetError("reset"), "network"),
    (RequestsStyleError(429), "rate_limited"),
    (RequestsStyleError(404), "http_4xx"),
    (StatusError(502), "http_5xx"),
    (ValueError("bad"), "ValueError"),
    (KeyError("k"), "KeyError"),
], ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else v)
def test_error_classes_from_real_exceptions(exc, expected):
    gw, log = gateway({"t": raiser(exc)})
    with pytest.raises(type(exc)):
        gw.call(CTX, "t", {})
    (result,) = log.results()
    assert (result["ok"], result["error_class"]) == (False, expected)


def test_error_class_list_is_the_core_list():
    assert tooltrail.ERROR_CLASSES == (
        "unknown_tool", "invalid_arguments", "timeout", "validation_failed", "budget_exceeded",
        "loop_detected", "rate_limited", "http_4xx", "http_5xx", "network", "cancelled",
    )


def test_unknown_tool_is_logged_and_raised():
    gw, log = gateway({})
    with pytest.raises(tooltrail.UnknownToolError) as info:
        gw.call(CTX, "nope", {"a": 1})
    assert isinstance(info.value, LookupError) and info.value.error_class == "unknown_tool"
    ((name, f),) = log.events
    assert name == "tool_call" and (f["decision"], f["ok"], f["error_class"]) == ("block", False, "unknown_tool")


def test_missing_required_ids_are_refused_and_can_be_made_optional():
    gw, log = gateway({"t": lambda: 1})
    with pytest.raises(tooltrail.MissingIdError) as info:
        gw.call({"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}, "t", {})
    assert info.value.key == "request_id" and log.events == []
    gw, log = gateway({"t": lambda: 1}, config={"logging": {"ids": {"request_id": "optional"}}})
    assert gw.call({"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}, "t", {}) == 1
    assert log.events[0][1]["request_id"] is None


def test_two_hundred_with_error_payload_is_not_a_success():
    """The seed incident: an API answered 200 with an error body for two hours."""
    def api(**_):
        return {"status": 200, "error": "upstream quota exceeded"}
    def no_error(result):
        return "error" not in result
    gw, log = gateway({"api": api}, validators={"api": no_error})
    with pytest.raises(tooltrail.ToolValidationError) as info:
        gw.call(CTX, "api", {})
    assert isinstance(info.value, ValueError) and info.value.error_class == "validation_failed"
    (result,) = log.results()
    assert (result["ok"], result["error_class"]) == (False, "validation_failed")


def test_async_tools_success_rejection_timeout_and_cancel():
    async def ok(q):
        await asyncio.sleep(0.01)
        return {"q": q}
    async def fails():
        await asyncio.sleep(0)
        raise StatusError(503)
    async def slow():
        await asyncio.sleep(5)
    gw, log = gateway({"ok": ok, "fails": fails, "slow": slow, "sync": lambda: 7}, timeouts={"slow": 0.05})

    async def main():
        assert await gw.acall(CTX, "ok", {"q": 1}) == {"q": 1}
        assert await gw.acall(CTX, "sync", {}) == 7
        with pytest.raises(StatusError):
            await gw.acall(CTX, "fails", {})
        with pytest.raises(asyncio.TimeoutError):
            await gw.acall(CTX, "slow", {})
        task = asyncio.ensure_future(gw.acall(CTX, "slow", {}, timeout=10))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # Concurrent calls keep their own seq and spans.
        await asyncio.gather(*(gw.acall(CTX, "ok", {"q": i}) for i in range(5)))

    asyncio.run(main())
    classes = [(r["tool"], r.get("error_class")) for r in log.results()][:5]
    assert classes == [("ok", None), ("sync", None), ("fails", "http_5xx"), ("slow", "timeout"), ("slow", "cancelled")]
    seqs = sorted(f["seq"] for n, f in log.events if n == "tool_call")
    assert seqs == list(range(1, 11))
    assert len({f["span_id"] for n, f in log.events if n == "tool_call"}) == 10


def test_result_is_logged_when_the_coroutine_finishes():
    seen_before_result = []
    log = Memory()
    async def tool():
        seen_before_result.append([n for n, _ in log.events])
        return 1
    gw = tooltrail.ToolGateway(impls={"t": tool}, logger=log)
    asyncio.run(gw.acall(CTX, "t", {}))
    assert seen_before_result == [["tool_call"]]
    assert [n for n, _ in log.events] == ["tool_call", "tool_result"]


def test_unhashable_arguments_still_run_the_tool():
    gw, log = gateway({"t": lambda ids: len(ids)})
    assert gw.call(CTX, "t", {"ids": {1, 2, 3}}) == 3
    call = log.events[0][1]
    assert call["args_hash"] is None and call["args_error"] == {"kind": "unsupported_type", "path": "$.ids"}
    assert log.results()[0]["ok"] is True


def test_args_hash_is_stable_hash_and_keyed_from_the_environment(monkeypatch):
    gw, log = gateway({"t": lambda **kw: 1})
    gw.call(CTX, "t", {"b": [1.0], "a": "x"})
    assert log.events[0][1]["args_hash"] == tooltrail.stable_hash({"a": "x", "b": [1]})
    assert log.events[0][1]["hash_alg"] == "sha256"
    monkeypatch.setenv("TT_KEY", "k3y")
    cfg = {"logging": {"tool_calls": {"hash_key_env": "TT_KEY"}}}
    gw, log = gateway({"t": lambda **kw: 1}, config=cfg)
    gw.call(CTX, "t", {"a": 1})
    assert log.events[0][1]["args_hash"] == tooltrail.stable_hash({"a": 1}, key="k3y")
    assert log.events[0][1]["hash_alg"] == "hmac-sha256"
    monkeypatch.delenv("TT_KEY")
    with pytest.raises(tooltrail.ConfigError) as info:
        gateway({}, config=cfg)
    assert info.value.key == "logging.tool_calls.hash_key_env"


@pytest.mark.parametrize("cfg, key", [
    ({"logging": {"tool_calls": {"store_results": "all"}}}, "logging.tool_calls.store_results"),
    ({"logging": {"toolcalls": {}}}, "logging.toolcalls"),
    ({"budgets": {"max_tool_calls": -1}}, "budgets.max_tool_calls"),
])
def test_config_errors_name_the_key(cfg, key, tmp_path):
    with pytest.raises(tooltrail.ConfigError) as info:
        gateway({}, config=cfg)
    assert info.value.key == key and key in str(info.value)
    path = tmp_path / "c.yaml"
    path.write_text("logging:\n  tool_calls:\n    store_args: maybe\n")
    with pytest.raises(tooltrail.ConfigError) as info:
        tooltrail.load_config(path)
    assert info.value.key == "logging.tool_calls.store_args"
    path.write_text("budgets:\n  max_steps: 3\n")
    assert isinstance(tooltrail.load_config(path), tooltrail.Config)


def test_configs_with_yaml_aliases_are_refused_at_once():
    # tests/vectors/config/n_*.yaml: an alias bomb took all memory before.
    from pathlib import Path
    vectors = sorted((Path(__file__).resolve().parents[1] / "vectors" / "config").glob("n_*.yaml"))
    assert len(vectors) >= 2
    for path in vectors:
        with pytest.raises(tooltrail.ConfigError, match="aliases") as info:
            tooltrail.load_config(path)
        assert info.value.key == "(yaml)", path


def test_a_failing_logger_never_breaks_the_call():
    class Broken:
        def event(self, name, fields):
            raise RuntimeError("disk on fire")
    tooltrail._native._reset_warnings()
    gw = tooltrail.ToolGateway(impls={"t": lambda: 5}, logger=Broken())
    with pytest.warns(tooltrail.TooltrailWarning, match=r"the logger failed \(RuntimeError: disk on fire\)") as said:
        assert gw.call(CTX, "t", {}) == 5
        assert gw.call(CTX, "t", {}) == 5
    assert len(said) == 1


def test_default_logger_is_the_rust_writer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gw = tooltrail.ToolGateway(impls={"t": lambda: 1})
    gw.call(CTX, "t", {})
    tooltrail._lifecycle.flush_all(5.0)
    lines = (tmp_path / "tooltrail-logs" / "tooltrail.jsonl").read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["tool_call", "tool_result"]


SECRETS = ["alice.smith@example.com", "4111111111111111", "+14155552671", "sk-proj-abcdefghijklmnopqrstuvwx",
           "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"]
json_leaf = st.none() | st.booleans() | st.integers(-100, 100) | st.text("abc xyz", max_size=8)
json_tree = st.recursive(
    json_leaf,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), c, max_size=3),
    max_leaves=8,
)


def plant(tree, secret, where):
    if isinstance(tree, dict) and tree and where:
        k = sorted(tree)[where[0] % len(tree)]
        return {**tree, k: plant(tree[k], secret, where[1:])}
    if isinstance(tree, list) and tree and where:
        i = where[0] % len(tree)
        return tree[:i] + [plant(tree[i], secret, where[1:])] + tree[i + 1:]
    return {"planted": f"note {secret} end"} if where and where[0] % 2 else f"{secret}"


@settings(max_examples=60, deadline=None)
@given(
    json_tree, st.sampled_from(SECRETS), st.lists(st.integers(0, 9), max_size=4),
    st.sampled_from(["args", "result", "error"]),
)
def test_planted_secrets_never_reach_the_written_bytes(tmp_path_factory, tree, secret, where, place):
    d = tmp_path_factory.mktemp("redact")
    w = tooltrail.EventWriter(d)
    planted = plant({"payload": tree}, secret, where)
    def tool(*a, **kw):
        if place == "error":
            raise ValueError(f"failed for {secret}")
        return planted if place == "result" else {"ok": True}
    cfg = {"logging": {"tool_calls": {"store_args": True, "store_results": "full", "store_error_messages": True}}}
    gw = tooltrail.ToolGateway(impls={"t": tool}, logger=w, config=cfg)
    args = planted if place == "args" else {"x": 1}
    try:
        gw.call(CTX, "t", args)
    except ValueError:
        pass
    assert w.close(5.0)
    data = (d / "tooltrail.jsonl").read_bytes()
    assert data.count(b"\n") == 2
    assert secret.encode() not in data


def test_default_logger_events_survive_a_plain_exit(tmp_path):
    import subprocess
    import sys
    code = """
import tooltrail
gw = tooltrail.ToolGateway(impls={"t": lambda i: i})
ctx = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}
for i in range(1000):
    gw.call(ctx, "t", {"i": i})
"""
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = (tmp_path / "tooltrail-logs" / "tooltrail.jsonl").read_text().splitlines()
    assert len(lines) == 2000


def test_threads_share_a_gateway_safely():
    import threading
    log = Memory()
    lock = threading.Lock()

    class Locked(Memory):
        def event(self, name, fields):
            with lock:
                log.event(name, fields)

    gw = tooltrail.ToolGateway(impls={"t": lambda i: i}, logger=Locked())
    def worker(k):
        ctx = {"run_id": f"run-{k}", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}
        for i in range(200):
            assert gw.call(ctx, "t", {"i": i}) == i
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    calls = [f for n, f in log.events if n == "tool_call"]
    assert len(calls) == 1600 and len({f["span_id"] for f in calls}) == 1600
    for k in range(8):
        assert sorted(f["seq"] for f in calls if f["run_id"] == f"run-{k}") == list(range(1, 201))
