"""Issue 15 item 7: `tooltrail alerts` replays the live gateway's alert
semantics over its files. A noisy stream (rates hovering around thresholds,
bursts, quiet spells, runs of many calls, `check_alerts` ticks) goes through
a Python and a Node gateway on deterministic clocks; both write the same
bytes, and the CLI's replay of either log gives back exactly the alerts the
gateway wrote live (time, rule, level, value, threshold, tripping run)."""

import json
import random
import subprocess
import sys
from pathlib import Path

import tooltrail

from conftest import ROOT

START_US = 1_795_550_260_000_000
CONFIG = {
    "logging": {
        "ids": {"request_id": "optional"},
        "alerts": {
            "window_s": 30, "min_calls": 5, "min_runs": 3, "for": "2s", "clear_ratio": 0.7,
            "timeout_rate": {"warn": 0.1, "critical": 0.3},
            "validation_fail_rate": {"warn": 0.05, "critical": 0.2, "for": 0},
            "tool_calls_per_run_p95": {"warn": 3, "critical": 6},
        },
    },
}
CONFIG_YAML = """logging:
  ids: {request_id: optional}
  alerts:
    window_s: 30
    min_calls: 5
    min_runs: 3
    for: 2s
    clear_ratio: 0.7
    timeout_rate: {warn: 0.1, critical: 0.3}
    validation_fail_rate: {warn: 0.05, critical: 0.2, for: 0}
    tool_calls_per_run_p95: {warn: 3, critical: 6}
"""

NODE = r"""
const tooltrail = require(process.argv[1])
const [dir, start, config, steps] = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const writer = new tooltrail.EventWriter({ path: dir })
const gw = new tooltrail.ToolGateway({
  impls: {
    t: ({ o }) => {
      if (o === 'timeout') throw new DOMException('slow', 'TimeoutError')
      return o === 'invalid' ? 'bad' : 'fine'
    },
  },
  validators: { t: (r) => r !== 'bad' },
  logger: writer, config, _deterministic: start,
})
for (const [run, calls] of steps) {
  const r = gw.startRun({ run_id: run })
  for (const [o, advance, tick] of calls) {
    gw._advanceClock(advance)
    try { r.call('t', { o }) } catch {}
    if (tick > 0) { gw._advanceClock(tick); gw.checkAlerts() }
  }
  r.end()
}
if (!writer.closeSync(10000)) process.exit(1)
"""


def stream(seed: int = 15) -> list:
    """Runs of calls: (outcome, µs before it, µs after it to `check_alerts` at, or 0)."""
    rng = random.Random(seed)
    steps = []
    for i in range(120):
        bad = rng.choice([0.0, 0.05, 0.12, 0.3, 0.5])  # a phase's failure rate
        calls = []
        for _ in range(rng.choice([1, 2, 3, 5, 8])):
            r = rng.random()
            outcome = "timeout" if r < bad else "invalid" if r < bad * 1.3 else "ok"
            advance = rng.choice([1_000, 50_000, 400_000, 1_500_000, 9_000_000])
            tick = rng.choice([800_000, 2_500_000, 20_000_000]) if rng.random() < 0.2 else 0
            calls.append([outcome, advance, tick])
        steps.append([f"run-{i}", calls])
    return steps


def python_log(tmp: Path, steps: list) -> str:
    writer = tooltrail.EventWriter(tmp)

    def t(o: str) -> str:
        if o == "timeout":
            raise TimeoutError("slow")
        return "bad" if o == "invalid" else "fine"

    gw = tooltrail.ToolGateway(impls={"t": t}, validators={"t": lambda r: r != "bad"}, logger=writer,
                               config=CONFIG, _deterministic=START_US)
    for run, calls in steps:
        with gw.run(run_id=run) as r:
            for outcome, advance, tick in calls:
                gw._advance_clock(advance)
                try:
                    r.call("t", {"o": outcome})
                except (TimeoutError, tooltrail.ToolValidationError):
                    pass
                if tick:
                    gw._advance_clock(tick)
                    gw.check_alerts()
    assert writer.close(10.0)
    return (tmp / "tooltrail.jsonl").read_text()


KEYS = ("ts", "rule", "level", "value", "threshold", "tripped_run_id", "tripped_trace_id")


def both_logs(tmp: Path, node_script: str, config: dict, steps: list, py: str) -> tuple[Path, list]:
    """Runs `steps` through the Node gateway too; checks both wrote the same
    bytes; returns the Node log's directory and the events."""
    node_dir = tmp / "node"
    subprocess.run(["node", "-e", node_script, str(ROOT / "bindings-node")], check=True, timeout=120,
                   input=json.dumps([str(node_dir), START_US, config, steps]), text=True)
    assert (node_dir / "tooltrail.jsonl").read_text() == py, "Python and Node wrote different bytes"
    return node_dir, [json.loads(line) for line in py.splitlines()]


def assert_replayed(tmp: Path, config_yaml: str, dirs: list, live: list) -> None:
    """`tooltrail alerts --config` over each of `dirs` gives back `live`."""
    config = tmp / "alerts.yaml"
    config.write_text(config_yaml)
    cli = Path(sys.executable).with_name("tooltrail")
    for logs in dirs:
        out = subprocess.run([str(cli), "alerts", str(logs), "--config", str(config), "--json"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
        replayed = json.loads(out)
        assert [tuple(a.get(k) for k in KEYS) for a in replayed] == [tuple(a.get(k) for k in KEYS) for a in live]


def test_the_cli_replays_the_alerts_the_gateways_wrote(tmp_path):
    steps = stream()
    py = python_log(tmp_path / "py", steps)
    node_dir, events = both_logs(tmp_path, NODE, CONFIG, steps, py)
    live = [e for e in events if e["event"] == "alert"]
    # Some changes happened at a check_alerts tick: the replay must see them.
    sample_ts = {e["ts"] for e in events if e["event"] in ("tool_result", "run_end")}
    assert sum(a["ts"] not in sample_ts for a in live) > 5
    levels = {(a["rule"], a["level"]) for a in live}
    assert len(live) > 20 and {lvl for _, lvl in levels} == {"warn", "critical", "resolved"}, levels
    assert {rule for rule, _ in levels} == {"tool_calls_per_run_p95", "timeout_rate", "validation_fail_rate"}

    assert_replayed(tmp_path, CONFIG_YAML, [tmp_path / "py", node_dir], live)


SPEND_CONFIG_YAML = """logging:
  ids: {request_id: optional}
  alerts:
    window_s: 60
    min_calls: 4
    clear_ratio: 0.7
    timeout_rate: null
    validation_fail_rate: null
    tool_calls_per_run_p95: null
    error_rate: {warn: 0.15, critical: 0.4}
    spend_usd_per_min: {warn: 0.5, critical: 2, for: 5s}
"""
SPEND_CONFIG = {
    "logging": {
        "ids": {"request_id": "optional"},
        "alerts": {
            "window_s": 60, "min_calls": 4, "clear_ratio": 0.7,
            "timeout_rate": None, "validation_fail_rate": None, "tool_calls_per_run_p95": None,
            "error_rate": {"warn": 0.15, "critical": 0.4},
            "spend_usd_per_min": {"warn": 0.5, "critical": 2, "for": "5s"},
        },
    },
}

SPEND_NODE = r"""
const tooltrail = require(process.argv[1])
const [dir, start, config, steps] = JSON.parse(require('fs').readFileSync(0, 'utf8'))
class UpstreamError extends Error { get name() { return 'UpstreamError' } }
const writer = new tooltrail.EventWriter({ path: dir })
const gw = new tooltrail.ToolGateway({
  impls: { t: ({ o }) => { if (o === 'fail') throw new UpstreamError('upstream 503'); return 'fine' } },
  logger: writer, config, _deterministic: start,
})
for (const [run, actions] of steps) {
  const r = gw.startRun({ run_id: run })
  for (const [kind, x, advance, tick] of actions) {
    gw._advanceClock(advance)
    if (kind === 'call') { try { r.call('t', { o: x }) } catch {} }
    else if (kind === 'model') {
      r.modelCall({ model: 'gpt-4o-mini', provider: 'openai', inputTokens: 900, outputTokens: 40,
                    costUsd: x, latencyMs: 700 })
    }
    else { r.addSpend(x) }
    if (tick > 0) { gw._advanceClock(tick); gw.checkAlerts() }
  }
  r.end()
}
if (!writer.closeSync(10000)) process.exit(1)
"""


def spend_stream(seed: int = 32) -> list:
    """Runs of actions: tool calls that fail in phases, model calls whose cost
    spikes for a while, spend added by hand; (kind, x, µs before, tick µs)."""
    rng = random.Random(seed)
    steps = []
    for i in range(150):
        phase = (i // 25) % 3  # calm, spiking, failing
        actions = []
        for _ in range(rng.choice([1, 2, 4])):
            kind = rng.choice(["call", "call", "model", "add"])
            advance = rng.choice([200_000, 1_000_000, 3_000_000, 6_000_000])
            tick = rng.choice([2_000_000, 30_000_000]) if rng.random() < 0.15 else 0
            if kind == "call":
                x = "fail" if rng.random() < (0.5 if phase == 2 else 0.03) else "ok"
            elif kind == "model":
                x = round(rng.uniform(0.2, 0.9) if phase == 1 else rng.uniform(0.001, 0.02), 6)
            else:
                x = round(rng.uniform(0.0, 0.3 if phase == 1 else 0.01), 6)
            actions.append([kind, x, advance, tick])
        steps.append([f"run-{i}", actions])
    return steps


class UpstreamError(Exception):
    pass


def spend_python_log(tmp: Path, steps: list) -> str:
    writer = tooltrail.EventWriter(tmp)

    def t(o: str) -> str:
        if o == "fail":
            raise UpstreamError("upstream 503")
        return "fine"

    gw = tooltrail.ToolGateway(impls={"t": t}, logger=writer, config=SPEND_CONFIG, _deterministic=START_US)
    for run, actions in steps:
        with gw.run(run_id=run) as r:
            for kind, x, advance, tick in actions:
                gw._advance_clock(advance)
                if kind == "call":
                    try:
                        r.call("t", {"o": x})
                    except Exception:
                        pass
                elif kind == "model":
                    r.model_call("gpt-4o-mini", provider="openai", input_tokens=900, output_tokens=40,
                                 cost_usd=x, latency_ms=700)
                else:
                    r.add_spend(x)
                if tick:
                    gw._advance_clock(tick)
                    gw.check_alerts()
    assert writer.close(10.0)
    return (tmp / "tooltrail.jsonl").read_text()


def test_error_rate_and_spend_alerts_replay_as_they_were_written(tmp_path):
    steps = spend_stream()
    py = spend_python_log(tmp_path / "py", steps)
    node_dir, events = both_logs(tmp_path, SPEND_NODE, SPEND_CONFIG, steps, py)
    live = [e for e in events if e["event"] == "alert"]
    levels = {(a["rule"], a["level"]) for a in live}
    assert {rule for rule, _ in levels} == {"error_rate", "spend_usd_per_min"}, levels
    assert {lvl for _, lvl in levels} == {"warn", "critical", "resolved"}, levels
    # Spend the application added counts too: some spend alert was tripped at a run's end.
    ends = {e["ts"] for e in events if e["event"] == "run_end"}
    assert any(a["rule"] == "spend_usd_per_min" and a["ts"] in ends for a in live)

    assert_replayed(tmp_path, SPEND_CONFIG_YAML, [tmp_path / "py", node_dir], live)
