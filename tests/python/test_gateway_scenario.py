"""Replays tests/vectors/gateway/basic.json through the Python ToolGateway
(real exceptions, real validators, the native EventWriter) and requires the
exact bytes of basic.expected.jsonl, which the Node suite and the Rust core
must produce too."""

import json

import tooltrail

from conftest import ROOT

DIR = ROOT / "tests" / "vectors" / "gateway"


class HTTPError(Exception):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


def make_tool(gw_ref, call):
    outcome = call["outcome"]

    def tool(**kwargs):
        gw_ref[0]._advance_clock(call["latency_us"])
        if "return" in outcome:
            return outcome["return"]
        kind, message = outcome["raise"], outcome["message"]
        if kind == "timeout":
            raise TimeoutError(message)
        if kind == "http":
            raise HTTPError(message, outcome["status"])
        if kind == "network":
            raise ConnectionRefusedError(message)
        raise type(outcome["class"], (Exception,), {})(message)

    return tool


def replay(tmp_path):
    scenario = json.loads((DIR / "basic.json").read_text(encoding="utf-8"))
    writer = tooltrail.EventWriter(tmp_path)
    gw_ref = []
    calls = scenario["calls"]
    # One implementation per call, dispatched in order.
    queue = list(calls)

    def dispatcher(name):
        def run(*args, **kwargs):
            call = queue.pop(0)
            assert call["tool"] == name
            return make_tool(gw_ref, call)(**kwargs)
        return run

    def reject(result):
        if "error" in result:
            raise ValueError("payload reports an error")

    gw = tooltrail.ToolGateway(
        impls={t: dispatcher(t) for t in scenario["tools"]},
        logger=writer,
        config=scenario["config"],
        validators={"lookup": reject},
        _deterministic=scenario["start_us"],
    )
    gw_ref.append(gw)
    for call in list(calls):
        args = dict(call["args"])
        if call.get("args_unhashable"):
            args["ids"] = {1, 2}
        try:
            gw.call(call["ctx"], call["tool"], args)
        except tooltrail.UnknownToolError as e:
            assert call["outcome"].get("unknown_tool") and e.error_class == "unknown_tool"
            queue.pop(0)
        except tooltrail.ToolValidationError:
            assert call.get("validator_rejects")
        except Exception as e:
            assert "raise" in call["outcome"], e
    assert writer.close(10.0)
    return (tmp_path / "tooltrail.jsonl").read_bytes()


def test_scenario_bytes_match_the_golden_file(tmp_path):
    got = replay(tmp_path)
    expected = (DIR / "basic.expected.jsonl").read_bytes()
    assert got.decode().splitlines() == expected.decode().splitlines()
    assert got == expected
