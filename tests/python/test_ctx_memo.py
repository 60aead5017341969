"""The gateway reuses the last converted dict context when every id is the
same object as before: each event must still carry its own call's ids."""

import pytest

import tooltrail

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


class ListLogger:
    def __init__(self):
        self.events = []

    def event(self, name, fields):
        self.events.append((name, fields))


def gateway():
    log = ListLogger()
    return tooltrail.ToolGateway(impls={"t": lambda: 1}, logger=log), log


def calls(log):
    return [
        (f["run_id"], f["request_id"], f["user_id"], f["seq"]) for n, f in log.events if n == "tool_call"
    ]


def test_each_call_logs_its_own_ids():
    gw, log = gateway()
    a = {"run_id": "a", "trace_id": TRACE, "request_id": "q1", "user_id": "u1"}
    b = {"run_id": "b", "trace_id": TRACE, "request_id": "q2"}
    gw.call(a, "t", {})
    gw.call(a, "t", {})
    gw.call(b, "t", {})
    a["user_id"] = "u2"  # the same dict, mutated between calls
    gw.call(a, "t", {})
    gw.call(dict(b), "t", {})  # equal ids, another dict
    a["user_id"] = "".join(["u", "2"])  # an equal string, another object
    gw.call(a, "t", {})
    del a["user_id"]
    gw.call(a, "t", {})
    assert calls(log) == [
        ("a", "q1", "u1", 1),
        ("a", "q1", "u1", 2),
        ("b", "q2", None, 1),
        ("a", "q1", "u2", 3),
        ("b", "q2", None, 2),
        ("a", "q1", "u2", 4),
        ("a", "q1", None, 5),
    ]


def test_a_refused_context_is_checked_again():
    gw, log = gateway()
    good = {"run_id": "a", "trace_id": TRACE, "request_id": "q"}
    bad = {"run_id": "a", "trace_id": "</script>", "request_id": "q"}
    gw.call(good, "t", {})
    for _ in range(2):
        with pytest.raises(tooltrail.InvalidArgumentError):
            gw.call(bad, "t", {})
    with pytest.raises(tooltrail.InvalidArgumentError):
        gw.call({"run_id": 5, "trace_id": TRACE, "request_id": "q"}, "t", {})
    with pytest.raises(tooltrail.InvalidArgumentError):
        gw.call(["not", "a", "dict"], "t", {})
    gw.call(good, "t", {})
    assert [s for *_, s in calls(log)] == [1, 2]


def test_a_str_subclass_tool_name_finds_its_tool():
    class Name(str):
        def __hash__(self):
            return 7

    gw, log = gateway()
    assert gw.call({"run_id": "a", "trace_id": TRACE, "request_id": "q"}, Name("t"), {}) == 1
    assert calls(log) == [("a", "q", None, 1)]
