"""The public RFC 8785 reference data: 6 input/output pairs, 10,000 numbers."""

import json
import struct

import tooltrail
from tooltrail import _native


def test_every_reference_pair_byte_exact(jcs_dir):
    names = sorted(p.name for p in (jcs_dir / "input").iterdir())
    assert len(names) == 6
    for name in names:
        text = (jcs_dir / "input" / name).read_text(encoding="utf-8")
        expected = (jcs_dir / "output" / name).read_bytes()
        assert _native.canonical_json_text(text).encode("utf-8") == expected, name
        assert tooltrail.canonical_json(json.loads(text)).encode("utf-8") == expected, name


def test_every_es6_number_line(jcs_dir):
    lines = (jcs_dir / "numbers" / "es6testfile_10k.txt").read_text().splitlines()
    assert len(lines) == 10_000
    for line in lines:
        bits, expected = line.split(",")
        value = struct.unpack(">d", int(bits, 16).to_bytes(8, "big"))[0]
        assert tooltrail.canonical_json(value) == expected, line
