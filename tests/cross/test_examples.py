"""The examples run (README's main command uses them): both agents against the
flaky fake API, into one log directory, with the incident classes visible."""

import json
import subprocess
import sys

from conftest import ROOT


def test_both_agents_log_through_tooltrail(tmp_path, fake_api_env):
    env = fake_api_env
    logs = tmp_path / "logs"
    py = subprocess.run([sys.executable, str(ROOT / "examples" / "agent.py"), str(logs)], env=env,
                        capture_output=True, text=True, timeout=120)
    js = subprocess.run(["node", str(ROOT / "examples" / "agent.js"), str(logs)], env=env, cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert py.returncode == 0, py.stderr
    assert js.returncode == 0, js.stderr
    events = [json.loads(line) for line in (logs / "tooltrail.jsonl").read_text().splitlines()]
    agents = {e["agent_id"] for e in events}
    assert agents == {"support-py", "support-js"}
    classes = {e.get("error_class") for e in events if e["event"] == "tool_result"}
    assert {"rate_limited", "validation_failed"} <= classes
    calls = [e for e in events if e["event"] == "tool_call"]
    assert all(e["args_hash"] and len(e["trace_id"]) == 32 for e in calls)
    # The e-mail address never reaches the log (redacted from stored args).
    assert "customer@example.com" not in (logs / "tooltrail.jsonl").read_text()
