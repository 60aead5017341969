"""`logging.pii.redact_patterns` through Python: a gateway configured with
tests/vectors/redact/patterns/config.yaml writes events.expected.jsonl byte
for byte (Node writes the same bytes: tests/node/redact_patterns.test.js and
tests/cross/test_redact_config_patterns.py), and a bad pattern is a ConfigError
naming its member."""

import json
import os

import pytest

import tooltrail
from tooltrail.testing import Recorder

from conftest import ROOT

DIR = ROOT / "tests" / "vectors" / "redact" / "patterns"
CASE = json.loads((DIR / "args.json").read_text(encoding="utf-8"))
IDS = {"run_id": "run-patterns", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}
SECRETS = ["ORD-12345678", "ORD-87654321", "emp123456", "ORD-11112222", "EMP654321", "Emp000001", "ORD-99990000",
           "emp424242"]


class LookupFailed(Exception):
    pass


def record() -> bytes:
    """The events of one stored call and one failed call, as written."""
    rec = Recorder()

    def refund(**_):
        return CASE["result"]

    def lookup(**_):
        raise LookupFailed(CASE["error"])

    gw = tooltrail.ToolGateway(impls={"refund": refund, "lookup": lookup}, logger=rec,
                               config=str(DIR / "config.yaml"), deterministic=True)
    gw.call(IDS, "refund", CASE["args"])
    with pytest.raises(LookupFailed):
        gw.call(IDS, "lookup", CASE["args"])
    rec.flush()
    return "".join(line + "\n" for line in rec.lines()).encode("utf-8")


def test_the_written_events_are_the_recorded_bytes():
    got = record()
    golden = DIR / "events.expected.jsonl"
    if os.environ.get("TOOLTRAIL_BLESS"):
        golden.write_bytes(got)
    text = got.decode("utf-8")
    for secret in SECRETS:
        assert secret not in text, secret
    assert "[REDACTED:order_ref]" in text and "[REDACTED:employee_id]" in text
    assert "ORD-1234 and emp12" in text  # no match: kept
    assert got == golden.read_bytes()


def test_gateway_redact_uses_the_patterns():
    gw = tooltrail.ToolGateway(impls={}, logger=Recorder(), config=str(DIR / "config.yaml"))
    assert gw.redact({"ORD-00000001": "see emp000002"}) == {"[REDACTED:order_ref]": "see [REDACTED:employee_id]"}
    assert tooltrail.redact({"note": "ORD-00000001"}) == {"note": "ORD-00000001"}


@pytest.mark.parametrize(
    ("patterns", "key", "fragment"),
    [
        ([{"name": "a", "pattern": "ORD-([0-9]"}], "logging.pii.redact_patterns[0].pattern", "unclosed group"),
        ([{"name": "ok", "pattern": "x"}, {"name": "Bad-Label", "pattern": "x"}],
         "logging.pii.redact_patterns[1].name", "a-z, 0-9 and _"),
        ([{"name": "a"}], "logging.pii.redact_patterns[0].pattern", "is required"),
        ("ORD-[0-9]+", "logging.pii.redact_patterns", "list"),
    ],
)
def test_a_bad_pattern_is_a_config_error_naming_its_member(patterns, key, fragment):
    with pytest.raises(tooltrail.ConfigError) as e:
        tooltrail.load_config({"logging": {"pii": {"redact_patterns": patterns}}})
    assert e.value.key == key
    assert fragment in str(e.value)
