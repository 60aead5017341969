"""Model spend answered from the log alone: the deterministic generator
(`scripts/gen_spend_spike.py`) writes two hours of runs with a 15-minute cost
spike through the real gateway; `tooltrail spend --by minute` names the
window, the runs and the model, the live `spend_usd_per_min` alert fired once
and resolved once and `tooltrail alerts` replays exactly that, and the Python
and Node `Logs.spend` / `stats(by=...)` / `runs(sort="spend")` answers are
the CLI's `--json`."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import tooltrail

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import gen_spend_spike  # noqa: E402

CLI = Path(sys.executable).with_name("tooltrail")


def cli(*args: str) -> str:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, check=True, timeout=60).stdout


def cli_json(*args: str):
    return json.loads(cli(*args, "--json"))


def at(ts: str) -> dt.datetime:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_a_fifteen_minute_spike_stands_out_and_alerts_once(tmp_path):
    gen_spend_spike.write(tmp_path, minutes=120, spike_at=60, seed=32)
    start = dt.datetime.fromtimestamp(gen_spend_spike.START_US / 1e6, dt.timezone.utc)
    spike_start = start + dt.timedelta(minutes=60)
    spike_end = spike_start + dt.timedelta(minutes=gen_spend_spike.SPIKE_MINUTES)

    report = cli_json("spend", str(tmp_path), "--by", "minute")
    assert report["by"] == "minute"
    assert len(report["spikes"]) == 1, report["spikes"]
    spike = report["spikes"][0]
    # The window: the spike's minutes, within a minute of the truth at each end.
    assert abs((at(spike["since"]) - spike_start).total_seconds()) <= 60, spike
    assert abs((at(spike["until"]) - spike_end).total_seconds()) <= 90, spike
    # The model and the runs behind it.
    assert spike["total"]["top_models"][0]["model"] == "claude-opus-4-20250514"
    assert spike["total"]["spend_usd"] > 0.95 * report["total"]["spend_usd"]
    spiking = [r for r in report["rows"] if r["spike"]]
    assert 14 <= len(spiking) <= 17
    assert all(spike_start - dt.timedelta(minutes=1) <= at(r["key"]) < spike_end for r in spiking)
    events = [json.loads(line) for line in (tmp_path / "tooltrail.jsonl").read_text().splitlines()]
    researcher_runs = {e["run_id"] for e in events if e["event"] == "run_start" and e.get("agent_id") == "researcher"}
    assert {r["run_id"] for r in spike["total"]["top_runs"]} <= researcher_runs
    # Spend is never silently understated: the paid lookup added with add_spend is there too.
    assert report["total"]["added_usd"] > 0 and report["total"]["unpriced_model_calls"] == 0

    text = cli("spend", str(tmp_path))
    assert f"spike {spike['since']} to {spike['until']}" in text
    assert "claude-opus-4-20250514" in text.split("spike ", 1)[1]

    # The live alert fired once and resolved once, and the replay agrees.
    live = [e for e in events if e["event"] == "alert"]
    assert [(a["rule"], a["level"]) for a in live] == [("spend_usd_per_min", "warn"), ("spend_usd_per_min", "resolved")]
    assert spike_start <= at(live[0]["ts"]) < spike_end and at(live[1]["ts"]) > spike_end
    assert live[0]["tripped_run_id"] in researcher_runs
    replayed = cli_json("alerts", str(tmp_path), "--config", str(tmp_path / "tooltrail.yaml"))
    keys = ("ts", "rule", "level", "value", "threshold", "tripped_run_id")
    assert [tuple(a.get(k) for k in keys) for a in replayed] == [tuple(a.get(k) for k in keys) for a in live]

    # By model, by run, per model, per agent, runs by spend.
    by_model = cli_json("spend", str(tmp_path), "--by", "model")
    assert [r["key"] for r in by_model["rows"]] == ["claude-opus-4-20250514", "gpt-4o-mini", None]
    by_run = cli_json("spend", str(tmp_path), "--by", "run", "--top", "5")
    assert len(by_run["rows"]) == 5 and {r["key"] for r in by_run["rows"]} <= researcher_runs
    models = cli_json("stats", str(tmp_path), "--by", "model")["models"]
    assert [m["model"] for m in models] == ["claude-opus-4-20250514", "gpt-4o-mini"]
    assert models[0]["p50_ms"] == 9000.0 and models[1]["input_tokens"] > 0
    agents = cli_json("stats", str(tmp_path), "--by", "agent")["agents"]
    assert agents[0]["agent_id"] == "researcher" and agents[0]["runs"] == len(researcher_runs)
    runs = cli_json("runs", str(tmp_path), "--sort", "spend")
    assert runs[0]["run_id"] in researcher_runs
    spends = [r["spend_usd"] for r in runs]
    assert spends == sorted(spends, reverse=True)

    # The bindings give the CLI's answers.
    logs = tooltrail.Logs(tmp_path)
    assert logs.spend() == report
    assert logs.spend("model") == by_model
    assert logs.stats(by="model")["models"] == models
    assert logs.runs(sort="spend") == runs
    metrics = logs.agent_metrics("researcher", period="all")
    assert (metrics["model_calls"], metrics["input_tokens"], metrics["output_tokens"]) == (
        agents[0]["model_calls"], agents[0]["input_tokens"], agents[0]["output_tokens"])
    node = subprocess.run(
        ["node", "-e", """
const { Logs } = require(process.argv[1])
const logs = new Logs(process.argv[2])
console.log(JSON.stringify([logs.spend(), logs.spend({ by: 'model' }), logs.stats({ by: 'agent' }),
                            logs.runs({ sort: 'spend' })]))
""", str(ROOT / "bindings-node"), str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(node) == [report, by_model, {"by": "agent", "agents": agents}, runs]


def test_bad_groupings_name_the_option(tmp_path):
    gen_spend_spike.write(tmp_path, minutes=5, spike_at=1, seed=1)
    bad = subprocess.run([str(CLI), "spend", str(tmp_path), "--by", "week"], capture_output=True, text=True)
    assert bad.returncode != 0 and "--by" in bad.stderr and "minute, hour, run, model, agent" in bad.stderr
    bad = subprocess.run([str(CLI), "runs", str(tmp_path), "--sort", "cost"], capture_output=True, text=True)
    assert bad.returncode != 0 and "--sort" in bad.stderr
    try:
        tooltrail.Logs(tmp_path).stats(by="tools")  # type: ignore[call-overload]
    except tooltrail.InvalidArgumentError as e:
        assert e.key == "by"
    else:
        raise AssertionError("stats(by='tools') was taken")


def test_the_report_draws_spend_over_time_and_the_costliest_runs(tmp_path):
    import re

    logs = tmp_path / "logs"
    gen_spend_spike.write(logs, minutes=120, spike_at=60, seed=32)
    page = tmp_path / "report.html"
    cli("report", str(logs), "-o", str(page))
    html = page.read_text()
    report = cli_json("spend", str(logs))
    bars = re.findall(r'<rect class="spend( spike)?" [^>]*data-bucket="([^"]+)" data-usd="([^"]+)"', html)
    assert [b[1] for b in bars] == [r["key"] for r in report["rows"]]
    assert [b[1] for b in bars if b[0]] == [r["key"] for r in report["rows"] if r["spike"]]
    spike = report["spikes"][0]
    assert f'data-since="{spike["since"]}" data-until="{spike["until"]}"' in html
    top = cli_json("spend", str(logs), "--by", "run", "--top", "10")
    listed = re.findall(r'<tr data-run="([^"]+)">', html.split('id="spend-runs"', 1)[1])
    assert listed == [r["key"] for r in top["rows"]]
    assert "claude-opus-4-20250514" in html.split('id="spend"', 1)[1].split("</section>", 1)[0]
