"""`tooltrail report` on a crafted log: a hostile string in every field of
every event kind, rendered and opened in headless Chromium. Nothing from the
log may run (issue 13 item 16: the waterfall once wrote `args_hash` into an SVG
`<title>` unescaped, and Chromium ran it). A control page without escaping
proves the detector sees script that runs."""

import json
import subprocess

from test_report import CLI, Dom, headless

# Each payload marks <body> if it ever runs: as a script, an event handler, an
# SVG onload, or by breaking out of an attribute or a <title>.
MARK = "document.body.setAttribute('data-pwned','{n}')"
PAYLOADS = [
    "</title></script><script>" + MARK.format(n=1) + "</script>",
    '"><img src=x onerror="' + MARK.format(n=2) + '">',
    "'><svg onload=\"" + MARK.format(n=3) + "\"></svg>",
    "</textarea></style><iframe srcdoc=\"<script>parent." + MARK.format(n=4) + "</script>\"></iframe>",
]


def hostile(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def crafted_events() -> list:
    n = iter(range(1000))
    h = lambda: hostile(next(n))  # noqa: E731 - a fresh payload per field
    common = lambda ts: {  # noqa: E731
        "v": 1, "ts": ts, "run_id": "run<" + h(), "trace_id": h(), "span_id": h(),
        "request_id": h(), "user_id": h(), "agent_id": h(),
    }
    return [
        {**common("2026-11-24T19:57:40.000000Z"), "event": "run_start", "parent_span_id": h(),
         "budgets": {h(): {"limit": h(), "used": h()}}},
        {**common("2026-11-24T19:57:40.001000Z"), "event": "tool_call", "tool": h(), "seq": 1,
         "parent_span_id": h(), "args_hash": h(), "hash_alg": h(), "args": {h(): h()}, "decision": "allow",
         "loop_count": h()},
        {**common("2026-11-24T19:57:40.002000Z"), "event": "tool_result", "tool": h(), "seq": 1,
         "latency_ms": 1.5, "ok": False, "error_class": h(), "error_message": h(), "result": {h(): [h()]}},
        {**common("2026-11-24T19:57:40.003000Z"), "event": "tool_call", "tool": h(), "seq": 2,
         "parent_span_id": h(), "args_hash": h(), "hash_alg": h(), "decision": "block", "ok": False,
         "error_class": h()},
        {**common("2026-11-24T19:57:40.004000Z"), "event": "tool_result", "tool": h(), "seq": 3,
         "latency_ms": h(), "ok": True, "result_error": {"kind": h(), "path": h()}},
        {**common("2026-11-24T19:57:40.005000Z"), "event": "alert", "rule": h(), "level": h(),
         "value": h(), "threshold": h(), "window_s": h()},
        {**common("2026-11-24T19:57:40.006000Z"), "event": "writer_dropped", "count": 3, "reason": h()},
        {**common("2026-11-24T19:57:40.007000Z"), "event": "run_end", "stop_reason": h(), "duration_ms": h(),
         "tool_calls": h(), "errors": h(), "steps": h(), "spend_usd": h(), "budgets": {h(): {"limit": h()}}},
        {**common("2026-11-24T19:57:40.008000Z"), "event": h(), "tool": h()},
        # Spend: a model step and a run end with numbers, so that the spend
        # section names their (hostile) run, model and bucket.
        {**common("2026-11-24T19:57:40.009000Z"), "event": "model_call", "step": 1, "model": h(),
         "provider": h(), "input_tokens": 10, "output_tokens": 2, "cost_usd": 0.5, "latency_ms": 3.0,
         "ok": False, "error_class": h(), "finish_reason": h(), "tool_calls": [{"name": h(), "call_id": h()}]},
        {**common("2026-11-24T19:58:40.010000Z"), "event": "run_end", "stop_reason": h(), "duration_ms": 5.0,
         "tool_calls": 1, "errors": 0, "steps": 0, "spend_usd": 2.0, "budgets": {}},
    ]


def body_marks(html_path, tmp_path) -> dict:
    dom = Dom(headless("--dump-dom", html_path.as_uri(), tmp_path=tmp_path).stdout)
    (body,) = dom.select("body")
    return body["attrs"]


def test_nothing_from_the_log_runs_in_the_report(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = [json.dumps(e) for e in crafted_events()]
    (logs / "tooltrail.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "report.html"
    r = subprocess.run([*CLI, "report", str(logs), "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert html.count("<script") == 1, "only the page's own script"
    assert "data-pwned" in html, "the payloads are shown (as text)"
    spend = html.split('id="spend"', 1)[1].split("</section>", 1)[0]
    assert "spend-chart" in spend and "spend-runs" in spend and "data-pwned" in spend, "spend names them"
    attrs = body_marks(out, tmp_path)
    assert "data-pwned" not in attrs, attrs


def test_the_detector_sees_script_that_runs(tmp_path):
    # The same payloads unescaped in a page without a CSP: the check above
    # would fail if the report ran any of them.
    page = tmp_path / "control.html"
    page.write_text("<!doctype html><html><head><title>x</title></head><body>" + "".join(PAYLOADS) + "</body></html>")
    attrs = body_marks(page, tmp_path)
    assert attrs.get("data-pwned") in {"1", "2", "3", "4"}, attrs
