"""quicktx.build's fast paths are exact: a dict plan sent as JSON builds the same transaction as
its YAML dump (libccl is the oracle), dict/list arguments written by orjson build what their
json.dumps text builds, and the flat-result reader gives what PyYAML gives."""

import dataclasses
import datetime
import enum
import json
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.data import PROTOCOL_PARAMS, payment_plan, utxos_for

import ccl

_core = ccl._core


def _dump(plan):
    return yaml.dump(plan, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def test_dict_plans_build_what_their_yaml_builds(lib, accounts):
    sender, receiver = (a["base_address"] for a in accounts)
    utxos = utxos_for(sender) + utxos_for(sender, 7_000_000, "b" * 64)
    plans = [
        payment_plan(sender, receiver, amount) for amount in (1_000_000, 5_000_000, 42_424_242)
    ]
    # metadata and non-ASCII text take the YAML path; plain plans the JSON path: same results
    plans.append(dict(plans[0], variables={"note": "caf\u00e9 \u2603"}))
    plans.append(dict(plans[1], variables={"ratio": 7.21e-05, "flag": True, "empty": None}))
    plans.append(dict(plans[2], variables={"big": 10**30, "exp": 1e-07, "tab": "a\tb"}))
    for plan in plans:
        via_dict = lib.quicktx.build(plan, utxos, PROTOCOL_PARAMS)
        via_yaml = lib.quicktx.build(_dump(plan), utxos, PROTOCOL_PARAMS)
        assert via_dict == via_yaml
    assert lib.quicktx.build_many(plans, utxos, PROTOCOL_PARAMS) == [
        lib.quicktx.build(_dump(p), utxos, PROTOCOL_PARAMS) for p in plans
    ]


def test_plans_json_cannot_express_take_the_yaml_path_unchanged(lib, accounts):
    sender, receiver = (a["base_address"] for a in accounts)
    utxos = utxos_for(sender)
    tupled = dict(payment_plan(sender, receiver), variables={"pair": (1, 2)})  # dumped as a list
    assert lib.quicktx.build(tupled, utxos, PROTOCOL_PARAMS) == lib.quicktx.build(
        _dump(tupled), utxos, PROTOCOL_PARAMS
    )
    odd = dict(payment_plan(sender, receiver), variables={"x": object()})
    with pytest.raises(yaml.representer.RepresenterError):
        _dump(odd)
    with pytest.raises(yaml.representer.RepresenterError):
        lib.quicktx.build(odd, utxos, PROTOCOL_PARAMS)


_key = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_value = st.one_of(
    st.text("0123456789abcdef", min_size=1, max_size=70),
    st.integers(0, 10**30).map(str),
    st.sampled_from(
        ["0", "00", "0123", "1_000", "1e5", "0x1f", "0b101", "0b12", "yes", "~", "null", "-1", ""]
    ),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(_key, _value), min_size=1, max_size=5))
def test_the_flat_result_reader_agrees_with_pyyaml(pairs):
    doc = "".join(f"{k}: {v}\n" for k, v in pairs)
    try:
        expected = yaml.load(doc, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        expected = None
    try:
        got = _core._yaml_result_for_tests(doc)
    except yaml.YAMLError:
        got = None
    assert got == expected and [type(v) for v in (got or {}).values()] == [
        type(v) for v in (expected or {}).values()
    ]


class _Sub(dict):
    """A dict subclass: not a plain JSON type, so ccl writes it with json.dumps (the reference
    wrapper's writer), while an equal plain dict is written by orjson."""


class _Color(enum.Enum):
    RED = "red"


class _Level(enum.IntEnum):
    ONE = 1


@dataclasses.dataclass
class _Point:
    x: int


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as e:
        return ("err", type(e), getattr(e, "code", None), str(e))


def test_json_arguments_written_by_orjson_build_what_json_dumps_builds(lib, accounts):
    sender, receiver = (a["base_address"] for a in accounts)
    plan = payment_plan(sender, receiver)
    base = utxos_for(sender)[0]
    amounts = base["amount"]
    utxo_sets = [
        [base],
        [dict(base, note="caf\u00e9 \u2603")],  # non-ASCII: UTF-8 here, \u escapes there
        [dict(base, amount=tuple(amounts))],  # a tuple is a JSON array either way
        [dict(base, amount=[dict(amounts[0], quantity=2**63)])],  # orjson's largest ints
        [dict(base, amount=[dict(amounts[0], quantity=2**64)])],  # beyond: json.dumps
        [dict(base, amount=[dict(amounts[0], quantity=10**30)])],
        [dict(base, output_index=_Level.ONE)],  # IntEnum: json.dumps writes 1
        [dict(base, tx_hash="\ud800" * 64)],  # lone surrogates: orjson refuses, json escapes
    ]
    prices = [0.0577, 7.21e-05, 1.5212603486793025e-05, 0.0001, 3.3e-06, 0.1 + 0.2, 1e-07, 12.5]
    pp_sets = [dict(PROTOCOL_PARAMS, price_mem=p, price_step=p / 3) for p in prices]
    pp_sets.append(dict(PROTOCOL_PARAMS, price_mem=float("nan")))  # NaN: json.dumps both ways
    pp_sets.append(dict(PROTOCOL_PARAMS, extra={"k": [1, 2.5, None, True, "\u00e9"]}))
    for utxos in utxo_sets:
        for pp in (PROTOCOL_PARAMS, pp_sets[1]):
            fast = _outcome(lib.quicktx.build, plan, utxos, pp)
            ref = _outcome(lib.quicktx.build, plan, [_Sub(u) for u in utxos], _Sub(pp))
            assert fast == ref, (utxos, pp)
    good = 0
    for pp in pp_sets:
        fast = _outcome(lib.quicktx.build, plan, [base], pp)
        assert fast == _outcome(lib.quicktx.build, plan, [_Sub(base)], _Sub(pp)), pp
        good += fast[0] == "ok"
    assert good >= len(prices)  # the comparison is of built transactions, not only errors


@pytest.mark.parametrize("odd", [_Color.RED, datetime.date(2026, 1, 1), _Point(1), {1, 2}])
def test_values_json_dumps_refuses_are_refused_as_before(lib, accounts, odd):
    """orjson writes enums, dates and dataclasses; json.dumps refuses them, and so must ccl."""
    sender, receiver = (a["base_address"] for a in accounts)
    utxos = [dict(utxos_for(sender)[0], extra=odd)]
    with pytest.raises(TypeError) as expected:
        json.dumps(utxos)
    with pytest.raises(TypeError) as got:
        lib.quicktx.build(payment_plan(sender, receiver), utxos, PROTOCOL_PARAMS)
    assert str(got.value) == str(expected.value)


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_orjson_writes_a_float_with_json_dumps_digits_and_exponent(x):
    """The same decimal number (digits and exponent, what a BigDecimal keeps) whichever writes
    it: orjson writes 0.0000721 where json.dumps writes 7.21e-05."""
    orjson = pytest.importorskip("orjson")
    assert Decimal(orjson.dumps(x).decode()).as_tuple() == Decimal(json.dumps(x)).as_tuple()


@pytest.mark.parametrize(
    "doc",
    [
        "fee: 0\n",
        "fee: 00\n",
        "fee: 0b1\n",
        "fee: 0b\n",
        "fee: b0\n",
        "a: \n",
        "a:b\n",
        "a: b",
        "A: 1\n",
        "a1: 1\n",
        "a: 1\nb: 2\na: 3\n",
        "a: caf\u00e9\n",
        "\u00e9: 1\n",
        "yes: 1\n",
        "a: 1f\nb: 0x1\n",
        "",
        "\n",
        "a: 1\n\n",
        "a: 1 \n",
        "a: 1\r\n",
        "tx_cbor: 84a3\nfee: 172585\n",
        "a: \u2603\n",
        ": 1\n",
        "a: -1\n",
        "a: 1e5\n",
    ],
)
def test_the_flat_result_reader_agrees_with_pyyaml_on_edges(doc):
    try:
        expected = yaml.load(doc, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        expected = "error"
    try:
        got = _core._yaml_result_for_tests(doc)
    except yaml.YAMLError:
        got = "error"
    assert got == expected and type(got) is type(expected)
    if isinstance(got, dict):
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
