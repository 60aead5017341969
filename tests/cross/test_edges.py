"""The API's edges agree between Python and Node: for each mistake a user can
make at the boundary, both languages refuse it the same way — a wrong type is
a TypeError (Node adds its own `ERR_INVALID_ARG_TYPE` code; Python's
TypeError has no code, the one documented difference), a wrong value is a
tooltrail error with the same `code` and the same dotted `key` — and both
accept the same good input. Before, Python took a non-callable impl, a
string spend and `load_config` of a dict failed; Node took `Logs(null)`;
both took a count of 1e20 and a negative spend; config keys were a JSON path
(`$.budgets…`) in one case. Paths: Node took neither a file: URL nor a
Buffer (`unsupported_type`), Python no bytes; Node's `EventWriter(5)` was a
`config_error` and `loadConfig(null)` passed."""

import atexit
import json
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest

import tooltrail

ROOT = Path(__file__).resolve().parents[2]
IDS = {"run_id": "r", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "q"}


RUNS = ROOT / "tests" / "vectors" / "gateway" / "runs.expected.jsonl"
# Each language writes its own files (node_edges.js makes its own directory).
TMP = Path(tempfile.mkdtemp(prefix="tooltrail-edges-"))
atexit.register(shutil.rmtree, TMP, True)
YAML = TMP / "config.yaml"
YAML.write_text("budgets:\n  max_tool_calls: 3\n")


def written(path: Any, name: str) -> int:
    """Writes one event with an EventWriter made with `path` (a directory
    named `name`); how many log files it made there."""
    w = tooltrail.EventWriter(path)
    w.event("x", {})
    w.close()
    return len(list((TMP / name).glob("*.jsonl")))


class Quiet:
    def event(self, name: str, fields: Any) -> None:
        pass


def gateway(**options: Any) -> tooltrail.ToolGateway:
    return tooltrail.ToolGateway(impls={"t": lambda: 1}, logger=Quiet(), **options)


def spend(usd: Any) -> float:
    with gateway().run(request_id="q") as run:
        return run.add_spend(usd)


def outcome(fn: Callable[[], Any]) -> dict[str, Any]:
    try:
        value = fn()
        return {"ok": value}
    except TypeError as e:
        return {"type": "TypeError", "code": getattr(e, "code", None), "key": getattr(e, "key", None)}
    except tooltrail.TooltrailError as e:
        return {"type": "TooltrailError", "code": e.code, "key": getattr(e, "key", None)}


PYTHON: dict[str, Callable[[], Any]] = {
    "impl_not_callable": lambda: tooltrail.ToolGateway(impls={"t": 5}, logger=Quiet()) and None,
    "validator_not_callable": lambda: gateway(validators={"t": 5}) and None,
    "on_alert_not_callable": lambda: gateway(on_alert=5) and None,
    "add_spend_string": lambda: spend("1.5"),
    "add_spend_negative": lambda: spend(-1),
    "add_spend_nan": lambda: spend(math.nan),
    "add_spend_ok": lambda: spend(0.25),
    "config_count_huge": lambda: gateway(config={"budgets": {"max_tool_calls": 1e20}}) and None,
    "config_count_zero": lambda: gateway(config={"budgets": {"max_tool_calls": 0}}) and None,
    "config_count_unsafe": lambda: gateway(config={"budgets": {"max_tool_calls": 2**70}}) and None,
    "config_nested_unsafe": lambda: gateway(config={"logging": {"pii": {"redact_fields": ["a", 2**70]}}}) and None,
    "load_config_object": lambda: tooltrail.load_config({"budgets": {"max_tool_calls": 3}}) and None,
    "load_config_bad_object": lambda: tooltrail.load_config({"budgets": {"max_steps": "x"}}) and None,
    "logs_null": lambda: tooltrail.Logs(None) and None,  # type: ignore[arg-type]
    "ctx_wrong_type": lambda: gateway().call(5, "t", {}),  # type: ignore[arg-type]
    "ctx_ok": lambda: gateway().call(IDS, "t", {}),
    "traceparent_null_flag": lambda: tooltrail.parse_traceparent(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-"),
    "hash_key_wrong_type": lambda: tooltrail.stable_hash({}, key=5),  # type: ignore[arg-type]
    "hash_key_empty": lambda: tooltrail.stable_hash({}, key=""),
    # A path: the language's own path types (Python: str, bytes, os.PathLike;
    # Node: string, Buffer, file: URL), anything else a TypeError.
    "writer_path_bytes": lambda: written(os.fsencode(TMP / "wb"), "wb"),
    "writer_path_object": lambda: written(TMP / "wo", "wo"),
    "writer_path_number": lambda: tooltrail.EventWriter(5) and None,  # type: ignore[arg-type]
    "writer_path_list": lambda: tooltrail.EventWriter(["logs"]) and None,  # type: ignore[arg-type]
    "logs_path_bytes": lambda: len(tooltrail.Logs(os.fsencode(RUNS)).runs()),
    "logs_path_object": lambda: len(tooltrail.Logs(RUNS).runs()),
    "logs_path_number": lambda: tooltrail.Logs(5) and None,  # type: ignore[arg-type]
    "load_config_path_object": lambda: tooltrail.load_config(YAML) and None,
    "load_config_path_bytes": lambda: tooltrail.load_config(os.fsencode(YAML)) and None,
    "load_config_null": lambda: tooltrail.load_config(None) and None,  # type: ignore[arg-type]
    "gateway_config_path_object": lambda: gateway(config=YAML) and None,
    "alerts_config_path_object": lambda: len(tooltrail.Logs(RUNS).alerts(YAML)),
    "logs_window_swapped": lambda: tooltrail.Logs(RUNS).runs(since="1h", until="2h"),
}

# What both must answer (the stricter, clearer behaviour of the two).
EXPECTED = {
    "impl_not_callable": "TypeError",
    "validator_not_callable": "TypeError",
    "on_alert_not_callable": "TypeError",
    "add_spend_string": "TypeError",
    "add_spend_negative": ("invalid_argument", "usd"),
    "add_spend_nan": ("invalid_argument", "usd"),
    "add_spend_ok": 0.25,
    "config_count_huge": ("config_error", "budgets.max_tool_calls"),
    "config_count_zero": ("config_error", "budgets.max_tool_calls"),
    "config_count_unsafe": ("config_error", "budgets.max_tool_calls"),
    "config_nested_unsafe": ("config_error", "logging.pii.redact_fields[1]"),
    "load_config_object": None,
    "load_config_bad_object": ("config_error", "budgets.max_steps"),
    "logs_null": "TypeError",
    "ctx_wrong_type": ("invalid_argument", "ctx"),
    "ctx_ok": 1,
    "traceparent_null_flag": None,
    "hash_key_wrong_type": "TypeError",
    "hash_key_empty": ("invalid_argument", "key"),
    "writer_path_bytes": 1,
    "writer_path_object": 1,
    "writer_path_number": "TypeError",
    "writer_path_list": "TypeError",
    "logs_path_bytes": 8,
    "logs_path_object": 8,
    "logs_path_number": "TypeError",
    "load_config_path_object": None,
    "load_config_path_bytes": None,
    "load_config_null": "TypeError",
    "gateway_config_path_object": None,
    "alerts_config_path_object": 0,
    "logs_window_swapped": ("invalid_argument", "since"),
}


@pytest.fixture(scope="module")
def node() -> dict[str, Any]:
    out = subprocess.run(["node", str(Path(__file__).with_name("node_edges.js"))], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_both_languages_answer_the_edge_the_same_way(node: dict[str, Any], case: str) -> None:
    py, js = outcome(PYTHON[case]), node[case]
    want = EXPECTED[case]
    for lang, got in (("python", py), ("node", js)):
        if want == "TypeError":
            assert got.get("type") == "TypeError", (lang, got)
        elif isinstance(want, tuple):
            assert (got.get("code"), got.get("key")) == want, (lang, got)
        else:
            assert got == {"ok": want}, (lang, got)
    if want == "TypeError":
        # The one documented difference: Node's TypeErrors carry its own code.
        assert (py["code"], js["code"]) == (None, "ERR_INVALID_ARG_TYPE"), (py, js)


def test_every_case_runs_in_both() -> None:
    assert set(PYTHON) == set(EXPECTED)
    text = Path(__file__).with_name("node_edges.js").read_text()
    for case in EXPECTED:
        assert f"  {case}: " in text, case
