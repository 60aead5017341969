"""Python-specific conversion edges of SPEC §3."""

import collections
import datetime
import decimal
import enum
import hashlib
import hmac
import pickle
import uuid

import pytest

import tooltrail

MAX = 2**53 - 1


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def error_of(obj):
    with pytest.raises(tooltrail.CanonicalError) as info:
        tooltrail.stable_hash(obj)
    return info.value.kind, info.value.path


def test_issue_example():
    assert tooltrail.stable_hash({"a": 1.0, "b": [True, None]}) == sha('{"a":1,"b":[true,null]}')


def test_bool_is_not_int_and_float_integral_is_int():
    assert tooltrail.canonical_json([True, 1, 1.0, False, 0, -0.0]) == "[true,1,1,false,0,0]"
    assert tooltrail.stable_hash({"n": 1}) == tooltrail.stable_hash({"n": 1.0})


@pytest.mark.parametrize("n", [MAX, -MAX, 0, 2**31, -(2**31)])
def test_integers_in_range(n):
    assert tooltrail.canonical_json(n) == str(n)


@pytest.mark.parametrize("n", [MAX + 1, -MAX - 1, 2**64, -(2**64), 10**100])
def test_integers_out_of_range(n):
    assert error_of({"x": [n]}) == ("integer_out_of_range", "$.x[0]")


@pytest.mark.parametrize("f", [float("nan"), float("inf"), float("-inf")])
def test_non_finite(f):
    assert error_of({"f": f}) == ("non_finite", "$.f")


def test_keys_must_be_str():
    assert error_of({"ok": {1: "a"}}) == ("non_string_key", "$.ok")
    assert error_of({None: 1}) == ("non_string_key", "$")
    assert error_of({("t",): 1}) == ("non_string_key", "$")


@pytest.mark.parametrize(
    "value",
    [b"x", bytearray(b"x"), {1}, frozenset(), datetime.datetime(2026, 1, 1), decimal.Decimal("1.5"),
     uuid.uuid4(), object(), complex(1, 2), range(3), collections.deque([1])],
    ids=lambda v: type(v).__name__,
)
def test_unsupported_types_name_the_path(value):
    with pytest.raises(tooltrail.CanonicalTypeError) as info:
        tooltrail.stable_hash({"filters": [0, 1, 2, value]})
    err = info.value
    assert (err.kind, err.path) == ("unsupported_type", "$.filters[3]")
    assert type(value).__name__ in str(err)


def test_subclasses_count_as_their_base():
    class S(str):
        pass

    class Int(int):
        pass

    class F(float):
        pass

    class D(dict):
        pass

    class L(list):
        pass

    class Color(enum.IntEnum):
        RED = 1
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    value = D(s=S("x"), i=Int(5), f=F(2.5), l=L([1]), e=Color.RED, od=od, t=(1, 2))
    assert tooltrail.canonical_json(value) == (
        '{"e":1,"f":2.5,"i":5,"l":[1],"od":{"a":2,"b":1},"s":"x","t":[1,2]}'
    )


def test_lone_surrogates_in_values_and_keys():
    assert error_of({"a": ["ok", "\ud800"]}) == ("lone_surrogate", "$.a[1]")
    assert error_of({"a": {"\udfff": 1}}) == ("lone_surrogate", "$.a")
    assert tooltrail.canonical_json("\U0001F600") == '"\U0001F600"'


def test_depth_limit_and_cycles():
    deep = []
    for _ in range(64):
        deep = [deep]
    assert error_of(deep)[0] == "depth_exceeded"  # 65 lists
    ok = []
    for _ in range(63):
        ok = [ok]
    assert tooltrail.canonical_json(ok) == "[" * 64 + "]" * 64
    cyclic = []
    cyclic.append(cyclic)
    assert error_of(cyclic)[0] == "depth_exceeded"
    d = {}
    d["self"] = d
    kind, path = error_of(d)
    assert kind == "depth_exceeded" and path.startswith("$.self.self")


def test_hostile_depth_does_not_crash():
    v = []
    for _ in range(100_000):
        v = [v]
    assert error_of(v)[0] == "depth_exceeded"
    assert error_of_text("[" * 100_000 + "]" * 100_000) == "depth_exceeded"


def error_of_text(text):
    with pytest.raises(tooltrail.CanonicalError) as info:
        tooltrail.stable_hash_json(text)
    return info.value.kind


def test_text_inputs():
    assert tooltrail.stable_hash_json(b'{"a":1}') == sha('{"a":1}')
    assert error_of_text(b'"\xff"') == "invalid_json"
    assert error_of_text('"\ud800"') == "lone_surrogate"  # a raw lone surrogate in str text


def test_paths_quote_odd_keys():
    assert error_of({"a b": {"c.d": [float("nan")]}}) == ("non_finite", '$["a b"]["c.d"][0]')


def test_keyed_hash_is_hmac_over_canonical_bytes():
    value = {"to": "alice@example.com"}
    canonical = tooltrail.canonical_json(value).encode()
    for key in (b"k", "k", "\u00e9", bytearray(b"k"), memoryview(b"k")):
        raw = key.encode() if isinstance(key, str) else bytes(key)
        assert tooltrail.stable_hash(value, key=key) == hmac.new(raw, canonical, hashlib.sha256).hexdigest()
    assert tooltrail.stable_hash(value, key=b"k") != tooltrail.stable_hash(value)
    with pytest.raises(TypeError):
        tooltrail.stable_hash(value, key=1)
    # An empty key is a keyed hash anyone can recompute: refused, naming it.
    for empty in (b"", "", bytearray(), memoryview(b"")):
        with pytest.raises(tooltrail.TooltrailError) as e:
            tooltrail.stable_hash(value, key=empty)
        assert (e.value.code, e.value.key) == ("invalid_argument", "key")


def test_exception_hierarchy_and_pickling():
    with pytest.raises(ValueError):
        tooltrail.stable_hash(float("nan"))
    with pytest.raises(TypeError):
        tooltrail.stable_hash({1})
    try:
        tooltrail.stable_hash({"x": float("nan")})
    except tooltrail.TooltrailError as err:
        assert isinstance(err, tooltrail.CanonicalValueError)
        assert err.error_class == err.kind == "non_finite"
        copy = pickle.loads(pickle.dumps(err))
        assert type(copy) is type(err) and (copy.kind, copy.path, str(copy)) == (err.kind, err.path, str(err))
