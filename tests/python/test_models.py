"""Model steps through the Python API: the golden vector's exact bytes
(Rust and Node write them too), pricing, the timed form, and the argument
rules' errors."""

import json

import pytest

import tooltrail
from tooltrail.testing import Recorder

from conftest import ROOT

DIR = ROOT / "tests" / "vectors" / "gateway"
IDS = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}


class HTTPError(Exception):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


def replay(path):
    """Replays models.json into `path`; returns the bytes and the refusals."""
    scenario = json.loads((DIR / "models.json").read_text(encoding="utf-8"))
    writer = tooltrail.EventWriter(path)
    latency = [0]
    gw_ref = []

    def search(**_):
        gw_ref[0]._advance_clock(latency[0])

    gw = tooltrail.ToolGateway(
        impls={"search": search},
        logger=writer,
        config=scenario["config"],
        _deterministic=scenario["start_us"],
    )
    gw_ref.append(gw)
    refusals = 0
    for r in scenario["runs"]:
        with gw.run(r["ids"]) as run:
            for a in r["actions"]:
                if "model_call" in a:
                    args = dict(a["model_call"])
                    run.model_call(args.pop("model"), **args)
                elif "timed_model_call" in a:
                    try:
                        with run.model_step(**a["timed_model_call"]) as step:
                            gw._advance_clock(a["latency_us"])
                            if "raise_status" in a:
                                raise HTTPError("rate limited", a["raise_status"])
                            step.set(**a["usage"])
                    except tooltrail.BudgetExceededError:
                        refusals += 1
                    except HTTPError:
                        assert "raise_status" in a
                elif "call" in a:
                    latency[0] = a["latency_us"]
                    try:
                        run.call(a["call"], a["args"])
                    except tooltrail.BudgetExceededError:
                        refusals += 1
                elif "advance_us" in a:
                    gw._advance_clock(a["advance_us"])
    assert writer.close(10.0)
    return (path / "tooltrail.jsonl").read_bytes(), refusals


def test_the_models_scenario_writes_the_golden_bytes(tmp_path):
    got, refusals = replay(tmp_path)
    assert refusals == 3
    expected = (DIR / "models.expected.jsonl").read_bytes()
    assert got.decode().splitlines() == expected.decode().splitlines()
    assert got == expected


def test_model_calls_are_priced_counted_and_checked():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    with gw.run(IDS) as run:
        run.model_call(
            "gpt-4o-mini",
            input_tokens=1_000_000,
            output_tokens=0,
            tool_calls=[{"id": "c1", "function": {"name": "search", "arguments": '{"secret": 1}'}}],
        )
        with pytest.raises(tooltrail.InvalidArgumentError, match="input_tokens"):
            run.model_call("m", input_tokens=-1)
        with pytest.raises(tooltrail.InvalidArgumentError, match="input_tokens"):
            run.model_call("m", input_tokens=True)
        with run.model_step("nobody-prices-this") as step:
            step.set(input_tokens=5, output_tokens=6)
    first, second = rec.events("model_call")
    assert first["cost_usd"] == 0.15
    assert first["tool_calls"] == [{"name": "search", "call_id": "c1"}]
    assert "secret" not in json.dumps(first)
    assert second["cost_usd"] is None and second["step"] == 2
    (end,) = rec.events("run_end")
    assert end["unpriced_model_calls"] == 1 and end["priced_share"] == 0.5


def test_a_run_is_stopped_by_model_spend_alone():
    rec = Recorder()
    gw = tooltrail.ToolGateway(
        impls={"search": lambda **_: None},
        logger=rec,
        config={"budgets": {"max_spend_usd": 0.5}},
    )
    with gw.run(IDS) as run:
        run.model_call("gpt-4o", input_tokens=100_000, output_tokens=30_000)  # 0.25 + 0.30
        with pytest.raises(tooltrail.BudgetExceededError) as e:
            run.call("search", {})
        assert e.value.budget == "max_spend_usd"
        with pytest.raises(tooltrail.BudgetExceededError):
            with run.model_step("gpt-4o"):
                pytest.fail("the model call must not be made")
    (end,) = rec.events("run_end")
    assert end["stop_reason"] == "max_spend" and end["spend_usd"] == 0.55


def test_a_providers_usage_object_is_read_by_the_core():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    openai_usage = {
        "prompt_tokens": 1200, "completion_tokens": 80,
        "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 16},
    }
    with gw.run(request_id="r") as run:
        run.model_call("gpt-4o-mini", usage=openai_usage)
        run.model_call("gpt-4o-mini", usage=openai_usage, input_tokens=5)  # a count given by name wins
    rec.flush()
    got = [(m["input_tokens"], m["output_tokens"], m["cached_input_tokens"], m["reasoning_tokens"])
           for m in rec.events("model_call")]
    assert got == [(1200, 80, 1000, 16), (5, 80, 1000, 16)]
