"""A call's arguments and `stable_hash` are written in canonical form
straight from the Python objects (the core's `host` walk, no converted
value); `canonical_json` still converts. Both ways must give the same bytes,
and the walk's fallback the converter's errors and paths, for any input."""

import hashlib
import math

from hypothesis import given, settings
from hypothesis import strategies as st

import tooltrail

CTX = tooltrail.RunCtx("run-1", "4bf92f3577b34da6a3ce929d0e0e4736", "user-1", "req-1")
MAX = 2**53 - 1

# Keys whose order differs by code point and by UTF-16 unit, keys that need
# escapes, a lone surrogate, and plain ones.
KEYS = st.sampled_from(["\U00010000", "\ue000", "z", 'b"', "b", "b\x01", "b\\", "\ud800", "é", ""]) | st.text(
    max_size=4
)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-MAX - 2, MAX + 2)
    | st.sampled_from([2**64, -(2**70), 0.0, -0.0, 1e21, 5e-324, math.nan, math.inf, 2.0**55])
    | st.floats()
    | st.text()
    | st.sampled_from(["\ud800", "<script>", "\x00\x1f\u2028"])
    | st.sampled_from([{1, 2}, b"bytes", {1: "x"}, {None: 0}])
)
TREES = st.recursive(
    LEAVES,
    lambda c: st.lists(c, max_size=4) | st.lists(c, max_size=3).map(tuple) | st.dictionaries(KEYS, c, max_size=4),
    max_leaves=12,
)


def outcome(hash_of, value):
    try:
        return ("ok", hash_of(value))
    except tooltrail.CanonicalError as e:
        return ("error", e.kind, e.path)


def converted_hash(value):
    return hashlib.sha256(tooltrail.canonical_json(value).encode("utf-8")).hexdigest()


class Memory:
    def __init__(self):
        self.events = []

    def event(self, name, fields):
        self.events.append((name, fields))


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_the_walk_hashes_and_fails_as_the_converted_value(value):
    walked = outcome(tooltrail.stable_hash, value)
    assert walked == outcome(converted_hash, value)
    log = Memory()
    gw = tooltrail.ToolGateway(impls={"t": lambda *a, **kw: None}, logger=log)
    try:
        gw.call(CTX, "t", {"args": value})
    except TypeError:
        pass
    call = log.events[0][1]
    expected = outcome(tooltrail.stable_hash, {"args": value})
    if expected[0] == "ok":
        assert call["args_hash"] == expected[1] and "args_error" not in call
    else:
        assert call["args_hash"] is None
        assert call["args_error"] == {"kind": expected[1], "path": expected[2]}


def test_str_subclass_keys_with_the_same_text_are_a_duplicate_key():
    class Key(str):
        __hash__ = object.__hash__

        def __eq__(self, other):
            return self is other

    twice = {Key("a"): 1, Key("a"): 2, "b": 3}
    assert len(twice) == 3
    for hash_of in (tooltrail.stable_hash, converted_hash):
        assert outcome(hash_of, twice) == ("error", "duplicate_key", "$.a")


def test_a_cycle_and_deep_nesting_fail_with_depth_exceeded():
    loop = []
    loop.append(loop)
    deep = {}
    for _ in range(70):
        deep = {"d": deep}
    for value in (loop, deep):
        assert outcome(tooltrail.stable_hash, value) == outcome(converted_hash, value)
        assert outcome(tooltrail.stable_hash, value)[1] == "depth_exceeded"


def test_the_walk_ignores_a_dict_subclass_s_python_methods_as_the_converter_does():
    class Lying(dict):
        def items(self):
            raise AssertionError("not called")

        def __iter__(self):
            raise AssertionError("not called")

    value = Lying(b=1, a=[True, None, 1.5])
    assert tooltrail.stable_hash(value) == converted_hash(value) == converted_hash({"a": [True, None, 1.5], "b": 1})
