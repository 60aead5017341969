"""The incident window (issue 15 item 8) and a run's own agent_id (item 9),
through the Python binding: the core decides, the binding only exposes it.
A deterministic gateway: its clock moves only when told, so no sleeping."""

import json

import pytest

import tooltrail

START = "2026-11-24T19:57:40Z"
SECRET = {"to": "alice@example.com", "api_key": "sk-live-1234567890abcdef", "body": "hello"}


class Memory:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def event(self, name: str, fields: dict) -> None:
        self.events.append((name, fields))

    def names(self) -> list[str]:
        return [n for n, _ in self.events]


def gateway(config=None):
    log = Memory()
    gw = tooltrail.ToolGateway(impls={"send": lambda **kw: "sent"}, logger=log, config=config,
                               deterministic=START)
    return gw, log


CTX = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}


def test_incident_window_stores_redacted_args_then_stops_by_itself():
    gw, log = gateway()
    gw.call(CTX, "send", SECRET)
    assert "args" not in log.events[0][1]

    until = gw.incident_window(minutes=15)
    assert until == "2026-11-24T20:12:40.000000Z"
    assert log.events[-1] == ("incident_window_open", {
        "ts": "2026-11-24T19:57:40.000000Z", "run_id": None, "trace_id": None, "span_id": None,
        "request_id": None, "user_id": None, "until": until,
    })

    gw._advance_clock(14 * 60_000_000)
    log.events.clear()
    gw.call(CTX, "send", SECRET)
    args = log.events[0][1]["args"]
    assert args["body"] == "hello"
    text = json.dumps(args)
    assert "alice@example.com" not in text and "sk-live-1234567890abcdef" not in text
    assert "[REDACTED:" in text

    gw._advance_clock(60_000_000)
    log.events.clear()
    gw.call(CTX, "send", SECRET)
    assert log.names() == ["incident_window_close", "tool_call", "tool_result"]
    assert log.events[0][1]["until"] == until
    assert "args" not in log.events[1][1]


def test_a_configured_window_and_closing_early_and_bad_lengths():
    gw, log = gateway({"logging": {"tool_calls": {"store_args_until": "2026-11-24T20:07:40+00:00"}}})
    gw.call(CTX, "send", SECRET)
    assert log.names() == ["incident_window_open", "tool_call", "tool_result"]
    assert "args" in log.events[1][1]
    assert gw.incident_window(minutes=0) == "2026-11-24T19:57:40.000000Z"
    assert log.names()[-1] == "incident_window_close"
    gw.incident_window(seconds=30)
    gw._advance_clock(30_000_000)
    gw.check_alerts()
    assert log.names()[-1] == "incident_window_close"
    # A string or a bool is not a length: the core's invalid_argument, as in Node
    # (before: pyo3's TypeError for "15", and True was 1 minute).
    bad = [({}, "minutes"), ({"minutes": -1}, "minutes"), ({"seconds": float("nan")}, "seconds"),
           ({"minutes": "15"}, "minutes"), ({"minutes": True}, "minutes")]
    for kwargs, key in bad:
        with pytest.raises(tooltrail.InvalidArgumentError) as e:
            gw.incident_window(**kwargs)
        assert e.value.key == key
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.ToolGateway(impls={}, logger=Memory(),
                              config={"logging": {"tool_calls": {"store_args_until": "tomorrow"}}})
    assert e.value.key == "logging.tool_calls.store_args_until"


def test_a_runs_agent_id_is_on_every_event_of_the_run():
    gw, log = gateway({"logging": {"agent_id": "default-bot", "ids": {"request_id": "optional"}}})
    with gw.run(run_id="r1", agent_id="billing-bot") as run:
        assert run.ctx.agent_id == "billing-bot"
        run.call("send", {"body": "x"})
        gw.call({"run_id": "r1", "trace_id": run.trace_id}, "send", {"body": "y"})
    assert [f["agent_id"] for _, f in log.events] == ["billing-bot"] * 6
    gw.call(CTX, "send", {})
    assert log.events[-1][1]["agent_id"] == "default-bot"
    assert tooltrail.RunCtx("r", agent_id="a").agent_id == "a"
    assert repr(tooltrail.RunCtx("r", agent_id="a")).endswith(', agent_id="a")')
    with pytest.raises(tooltrail.InvalidArgumentError) as e:
        tooltrail.RunCtx("r", agent_id=7)  # type: ignore[arg-type]
    assert e.value.key == "ctx.agent_id"
