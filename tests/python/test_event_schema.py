"""Events written through the Python binding fit the event schema
(`schema/event.schema.json`, generated from the core's table), and the
`tooltrail.events` TypedDicts name the same events and members."""

import copy
import json
import os
import stat
import typing

import jsonschema
import pytest

import tooltrail
from tooltrail import events

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schema" / "event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"

CONFIG = {
    "logging": {
        "agent_id": "schema-bot",
        "tool_calls": {"store_args": True, "store_results": "full", "store_error_messages": True},
        "alerts": {"min_calls": 1},
    },
    "budgets": {"max_tool_calls": 4, "loop_guard": {"warn_after": 2, "block_after": 3}},
}


def search(query):
    return {"hits": 1, "query": query}


def broken(**_):
    raise ValueError("broken for alice@example.com")


def slow(**_):
    raise TimeoutError("upstream timed out")


def lookup(sku):
    return {"error": "internal", "sku": sku}


def read_lines(directory):
    return [json.loads(text) for text in (directory / "tooltrail.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """Real events: a run with a failing tool, a validation failure, a loop
    warning and a budget stop; a run that raises; calls outside runs (a
    timeout, an unknown tool); an incident window; and a writer_dropped report."""
    d = tmp_path_factory.mktemp("events")
    writer = tooltrail.EventWriter(d)
    gw = tooltrail.ToolGateway(
        impls={"search": search, "broken": broken, "slow": slow, "lookup": lookup},
        validators={"lookup": lambda r: "error" not in r},
        logger=writer,
        config=CONFIG,
    )
    gw.incident_window(minutes=15)
    with gw.run(user_id="u-1", request_id="req-1", agent_id="run-bot") as run:
        run.call("search", {"query": "a"})
        run.call("search", {"query": "a"})  # the loop guard's warning
        with pytest.raises(ValueError):
            run.call("broken", {"x": 1})
        with pytest.raises(tooltrail.ToolValidationError):
            run.call("lookup", {"sku": "A-1"})
        with pytest.raises(tooltrail.BudgetExceededError):
            run.call("search", {"query": "b"})
    with pytest.raises(RuntimeError):
        with gw.run(request_id="req-2") as run:
            run.call("search", {"query": "c"})
            run.model_call(
                "gpt-4o-mini",
                input_tokens=10,
                output_tokens=2,
                cached_input_tokens=4,
                tool_calls=[{"name": "search", "call_id": "c1"}],
            )
            run.model_call("in-house", ok=False, reasoning_tokens=1)
            raise RuntimeError("the agent failed")
    ctx = tooltrail.RunCtx("run-x", TRACE, None, "req-3")
    with pytest.raises(TimeoutError):
        gw.call(ctx, "slow", {})
    with pytest.raises(tooltrail.UnknownToolError):
        gw.call(ctx, "missing", {})
    gw.incident_window(minutes=0)
    assert writer.flush(10.0)
    lines = read_lines(d)

    # writer_dropped: the sink fails (a /dev/full device node: the writer
    # refuses symlinks), then recovers.
    d2 = tmp_path_factory.mktemp("dropped")
    os.mknod(d2 / "tooltrail.jsonl", stat.S_IFCHR | 0o600, os.makedev(1, 7))
    w2 = tooltrail.EventWriter(d2)
    w2.event("lost", {})
    assert not w2.flush(10.0)
    os.remove(d2 / "tooltrail.jsonl")
    w2.event("kept", {})
    assert w2.flush(10.0)
    lines += [e for e in read_lines(d2) if e["event"] == "writer_dropped"]
    return lines


def fields_in_order(event):
    return list(SCHEMA["$defs"][event]["properties"])


def test_every_produced_line_fits_the_json_schema(produced):
    for line in produced:
        VALIDATOR.validate(line)
    names = {line["event"] for line in produced}
    assert names == set(typing.get_args(events.EventName))
    stops = {line["stop_reason"] for line in produced if line["event"] == "run_end"}
    assert stops == {"max_tool_calls", "error"}
    classes = {line.get("error_class") for line in produced} - {None}
    assert {"ValueError", "validation_failed", "budget_exceeded", "timeout", "unknown_tool"} <= classes


def test_members_come_in_schema_order(produced):
    for line in produced:
        order = fields_in_order(line["event"])
        positions = [order.index(k) for k in line]
        assert positions == sorted(positions), line


def test_typeddicts_match_the_schema_and_the_lines(produced):
    defs = SCHEMA["$defs"]
    assert [r["$ref"].rsplit("/", 1)[1] for r in SCHEMA["oneOf"]] == list(typing.get_args(events.EventName))
    for name, td in events.EVENT_TYPES.items():
        props = defs[name]["properties"]
        assert set(td.__annotations__) == set(props), name
        assert set(td.__required_keys__) == set(defs[name]["required"]), name
        assert events.FIELD_ORDER[name] == tuple(props), name
        assert typing.get_args(td.__annotations__["event"]) == (name,)
    for line in produced:
        td = events.EVENT_TYPES[line["event"]]
        assert td.__required_keys__ <= set(line) <= td.__required_keys__ | td.__optional_keys__, line
    assert typing.get_args(events.StopReason) == tuple(tooltrail.STOP_REASONS)
    assert typing.get_args(events.ErrorClass) == tuple(tooltrail.ERROR_CLASSES)
    assert typing.get_args(events.ErrorKind) == tuple(tooltrail.ERROR_KINDS)
    assert set(typing.get_args(events.ToolTrailEvent)) == set(events.EVENT_TYPES.values())


def first(produced, event, **match):
    return next(e for e in produced if e["event"] == event and all(e.get(k) == v for k, v in match.items()))


def mutations(produced):
    end = first(produced, "run_end")
    failed = first(produced, "tool_result", ok=False)
    blocked = first(produced, "tool_call", decision="block")
    dropped = first(produced, "writer_dropped")
    yield "unknown field", dict(end, surprise=1)
    yield "bad stop_reason", dict(end, stop_reason="done")
    yield "missing required", {k: v for k, v in end.items() if k != "steps"}
    yield "error_class without failure", dict(failed, ok=True)
    yield "failure without error_class", {k: v for k, v in failed.items() if k != "error_class"}
    yield "block without ok", {k: v for k, v in blocked.items() if k != "ok"}
    yield "float seq", dict(failed, seq=1.5)
    yield "bad drop reason", dict(dropped, reason="full")
    yield "bad span id", dict(failed, span_id="XYZ")
    yield "bad ts", dict(failed, ts="2026-11-24 19:57:40")
    yield "unknown event", dict(failed, event="tool_done")
    budgets = copy.deepcopy(end)
    budgets["budgets"]["max_tool_calls"]["spare"] = 1
    yield "unknown nested field", budgets


def test_lines_that_do_not_fit_are_rejected(produced):
    for what, line in mutations(produced):
        assert not VALIDATOR.is_valid(line), what
