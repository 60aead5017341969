"""tooltrail.integrations.openai_agents against the real openai-agents (the
version pinned in pyproject.toml), offline: the SDK's ScriptedModel asks for
the tools."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from agents import Agent, FunctionTool, RunConfig, Runner, UserError, WebSearchTool, function_tool
from agents.testing import ScriptedModel, assistant_message, function_call

import tooltrail
from tooltrail.integrations.openai_agents import instrument, wrap_tools
from tooltrail.testing import Recorder

# The SDK's default failure text for the model (0.24: "... Please try again."; 0.25 drops the
# last sentence), whatever the error was: compared by its start.
SDK_ERROR = "An error occurred while running the tool."


def _sdk_errors(outputs: "list[str]") -> "list[str]":
    return [SDK_ERROR if o.startswith(SDK_ERROR) else o for o in outputs]
ran: list[str] = []


class Unavailable(Exception):
    status_code = 503


@function_tool
def get_orders(user: str) -> str:
    """A user's orders."""
    ran.append(user)
    if user == "down":
        raise Unavailable("orders service down")
    return f"orders of {user}"


def script(*calls: "tuple[str, dict]") -> ScriptedModel:
    steps: list = [[function_call(name, args, call_id=f"c{n}")] for n, (name, args) in enumerate(calls)]
    return ScriptedModel([*steps, [assistant_message("done")]])


def tool_outputs(model: ScriptedModel) -> list[str]:
    """What the model was told each tool returned."""
    items = model.calls[-1].input
    return [item["output"] for item in items if isinstance(item, dict) and item.get("type") == "function_call_output"]


async def run_agent(gw, agent, model, request_id="r1"):
    async with gw.run(request_id=request_id) as run:
        await Runner.run(agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True))
        return run.run_id


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def test_eight_concurrent_runs_log_each_call_under_its_own_run():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    agent = instrument(Agent(name="support", tools=[get_orders]), gw)

    async def main():
        return await asyncio.gather(*(
            run_agent(gw, agent, script(("get_orders", {"user": f"u{i}"})), f"req-{i}") for i in range(8)))

    run_ids = asyncio.run(main())
    rec.flush()
    assert len(set(run_ids)) == 8
    for i, run_id in enumerate(run_ids):
        [call] = rec.run(run_id).calls()
        assert call["tool"] == "get_orders" and call["ok"] is True
        assert call["args_hash"] == tooltrail.stable_hash({"user": f"u{i}"})
    assert sorted(ran) == [f"u{i}" for i in range(8)]


def test_a_raising_tool_is_logged_and_the_model_reads_the_sdk_error():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    model = script(("get_orders", {"user": "down"}))
    asyncio.run(run_agent(gw, instrument(Agent(name="a", tools=[get_orders]), gw), model))
    rec.flush()
    [call] = rec.calls()
    assert call["ok"] is False and call["error_class"] == "http_5xx"
    # The SDK's default failure_error_function, as without tooltrail.
    assert _sdk_errors(tool_outputs(model)) == [SDK_ERROR]


def test_without_a_failure_function_the_error_fails_the_run():
    strict = function_tool(get_orders.__wrapped__, failure_error_function=None)
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    agent = instrument(Agent(name="a", tools=[strict]), gw)
    with pytest.raises(UserError) as raised:  # what the SDK raises without tooltrail too
        asyncio.run(run_agent(gw, agent, script(("get_orders", {"user": "down"}))))
    assert isinstance(raised.value.__cause__, Unavailable)
    rec.flush()
    assert [c["error_class"] for c in rec.calls()] == ["http_5xx"]
    assert rec.last_run().stop_reason == "error"


def test_a_budget_refusal_is_a_tool_error_the_model_reads():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"max_tool_calls": 1}})
    model = script(("get_orders", {"user": "a"}), ("get_orders", {"user": "b"}))
    asyncio.run(run_agent(gw, instrument(Agent(name="a", tools=[get_orders]), gw), model))
    rec.flush()
    assert ran == ["a"]  # the refused call never ran
    assert [(c["decision"], c["error_class"]) for c in rec.calls()] == [("allow", None), ("block", "budget_exceeded")]
    assert _sdk_errors(tool_outputs(model)) == ["orders of a", SDK_ERROR]


def test_the_loop_guard_refuses_a_repeated_call():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec, config={"budgets": {"loop_guard": {"block_after": 3}}})
    model = script(*[("get_orders", {"user": "a"})] * 3)
    asyncio.run(run_agent(gw, instrument(Agent(name="a", tools=[get_orders]), gw), model))
    rec.flush()
    assert ran == ["a", "a"]  # the third identical call is refused
    assert [c["error_class"] for c in rec.calls()] == [None, None, "loop_detected"]
    assert _sdk_errors(tool_outputs(model)) == ["orders of a", "orders of a", SDK_ERROR]


def test_without_a_current_run_the_tool_runs_under_an_implicit_run():
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    model = script(("get_orders", {"user": "a"}), ("get_orders", {"user": "b"}))
    agent = instrument(Agent(name="a", tools=[get_orders]), gw)
    with pytest.warns(tooltrail.TooltrailWarning, match="implicit run"):
        asyncio.run(Runner.run(agent, "hi", run_config=RunConfig(model=model, tracing_disabled=True)))
    rec.flush()
    assert ran == ["a", "b"]
    assert tool_outputs(model) == ["orders of a", "orders of b"]  # what the model reads is unchanged
    assert [(c["tool"], c["ok"]) for c in rec.calls()] == [("get_orders", True)] * 2
    assert len(rec.runs()) == 2  # the adapter cannot see Runner.run: one implicit run per call


def test_an_error_result_is_logged_as_a_failure_and_the_model_reads_it():
    @function_tool
    def quota(user: str) -> dict:
        """Quota left."""
        return {"status_code": 429, "error": "slow down"}

    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    model = script(("quota", {"user": "a"}))
    agent = instrument(Agent(name="a", tools=[quota]), gw)
    asyncio.run(run_agent(gw, agent, model))
    rec.flush()
    [call] = rec.calls()
    assert (call["ok"], call["error_class"]) == (False, "rate_limited")
    assert "slow down" in tool_outputs(model)[0]


def test_wrapping_copies_and_leaves_other_tools_alone():
    gw = tooltrail.ToolGateway(impls={}, logger=Recorder())
    search = WebSearchTool()
    wrapped = wrap_tools([get_orders, search], gw)
    assert wrapped[0] is not get_orders and wrapped[1] is search
    assert wrapped[0].__wrapped__ is get_orders.__wrapped__  # the SDK still sees its function
    assert wrap_tools(wrapped, gw)[0] is wrapped[0]  # once per gateway
    agent = Agent(name="a", tools=[get_orders])
    assert instrument(agent, gw) is agent and agent.tools[0] is not get_orders
    with gw.run(request_id="q") as run, pytest.raises(TypeError, match="runs through its agent"):
        run.call("get_orders", {"user": "x"})


def test_a_hand_built_function_tool_is_wrapped_at_on_invoke_tool():
    async def invoke(ctx, input: str) -> str:
        args = json.loads(input)
        if args["n"] < 0:
            raise ValueError("negative")
        return str(args["n"])

    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    tool = FunctionTool(name="double", description="d", params_json_schema={"type": "object"},
                        on_invoke_tool=invoke, strict_json_schema=False)
    model = script(("double", {"n": 2}), ("double", {"n": -1}))
    with pytest.raises(UserError, match="negative"):  # a hand-built tool's raise fails the run
        asyncio.run(run_agent(gw, instrument(Agent(name="a", tools=[tool]), gw), model))
    rec.flush()
    assert [(c["ok"], c["error_class"]) for c in rec.calls()] == [(True, None), (False, "ValueError")]


def test_the_cli_reads_the_adapters_logs(tmp_path: Path):
    gw = tooltrail.ToolGateway(impls={}, logger=tooltrail.EventWriter(path=str(tmp_path)))
    agent = instrument(Agent(name="a", tools=[get_orders]), gw)

    async def main():
        for i, user in enumerate(["ok", "down"]):
            async with gw.run(run_id=f"run-{i}", request_id=f"req-{i}"):
                await Runner.run(agent, "hi", run_config=RunConfig(model=script(("get_orders", {"user": user})),
                                                                   tracing_disabled=True))

    asyncio.run(main())
    assert gw._logger.flush()
    cli = str(Path(sys.executable).with_name("tooltrail"))
    runs = json.loads(subprocess.run([cli, "runs", str(tmp_path), "--json"], capture_output=True, text=True,
                                     check=True).stdout)
    assert [(r["run_id"], r["tool_calls"], r["error_classes"]) for r in runs] == [
        ("run-0", 1, []), ("run-1", 1, ["http_5xx"])]
    shown = subprocess.run([cli, "show", "run-1", str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert "get_orders" in shown and "FAILED http_5xx" in shown


def test_installing_or_importing_tooltrail_pulls_no_framework_in():
    from importlib.metadata import requires

    frameworks = [r for r in requires("tooltrail") or [] if r.startswith(("openai-agents", "langchain-core"))]
    assert frameworks and all(r.endswith("extra == 'test'") for r in frameworks)  # only the test extra
    code = ("import sys, tooltrail, tooltrail.integrations.openai_agents, tooltrail.integrations.langchain; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'agents', 'langchain_core', 'openai'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# The model's argument texts, hashed by the core as sent (the Node adapter's
# test, tests/node/integration_openai_agents.test.js, uses the same texts and
# expects the same answers).
RAW_ARGUMENTS = [
    ('{"user":"u1","note":"caf\\u00e9"}', "hash"),
    ('{"user":"u1","order":1234567890123456789}', "integer_out_of_range"),
    ('{"user":"u1","user":"u2"}', "duplicate_key"),
    ("not json", "invalid_json"),
]


@pytest.mark.parametrize(("text", "want"), RAW_ARGUMENTS)
def test_the_model_arguments_are_hashed_by_the_core_as_sent(text, want):
    """Every call the model made is logged, its arguments parsed and hashed
    by the core from the text the model sent: an integer beyond 2^53 or a
    duplicate key is the same args_error as in Node (whose JSON.parse
    rounded or dropped them), and text that is not JSON is logged with an
    args_error (before: not logged at all)."""
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={}, logger=rec)
    agent = instrument(Agent(name="support", tools=[get_orders]), gw)
    model = ScriptedModel([[function_call("get_orders", text, call_id="c0")], [assistant_message("done")]])
    asyncio.run(run_agent(gw, agent, model))
    rec.flush()
    [call] = [e for e in rec.events() if e["event"] == "tool_call"]
    if want == "hash":
        assert call["args_hash"] == tooltrail.stable_hash_json(text)
    else:
        assert call["args_hash"] is None and call["args_error"]["kind"] == want, call
