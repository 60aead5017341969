"""Issue 15 item 6: a sync tool cannot be interrupted, but a call that
returned after its tool's timeout says so (`deadline_ms`,
`deadline_exceeded`); its value is still returned and it is still `ok`."""

import time

import pytest

import tooltrail

CTX = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}


class ListLogger:
    def __init__(self):
        self.events = []

    def event(self, name, fields):
        self.events.append((name, fields))


def test_a_sync_tool_past_its_timeout_is_marked():
    log = ListLogger()

    def slow():
        time.sleep(0.15)
        return "late"

    gw = tooltrail.ToolGateway(impls={"slow": slow, "fast": lambda: "ok"}, logger=log,
                               timeouts={"slow": 0.05, "fast": 10})
    assert gw.call(CTX, "slow", {}) == "late"
    assert gw.call(CTX, "fast", {}) == "ok"
    results = [f for n, f in log.events if n == "tool_result"]
    late, fast = results
    assert (late["ok"], late["deadline_ms"], late["deadline_exceeded"]) == (True, 50, True)
    assert late["latency_ms"] > 50 and "error_class" not in late
    assert "deadline_ms" not in fast and "deadline_exceeded" not in fast


@pytest.mark.parametrize("bad", ["soon", 0, -1, True, None, float("nan"), float("inf"), 3e6, [1]])
def test_a_bad_timeout_names_the_tool(bad):
    # Before: a string was pyo3's TypeError without the tool's name; 0, negative
    # and infinite values were accepted and never enforced alike in both languages.
    with pytest.raises(tooltrail.InvalidArgumentError) as e:
        tooltrail.ToolGateway(impls={"slow": lambda: 1}, timeouts={"slow": bad})  # type: ignore[dict-item]
    assert e.value.key == "timeouts.slow", e.value


def test_timeouts_must_be_a_mapping():
    with pytest.raises(tooltrail.InvalidArgumentError) as e:
        tooltrail.ToolGateway(impls={"slow": lambda: 1}, timeouts=[("slow", 1)])  # type: ignore[arg-type]
    assert e.value.key == "timeouts"
