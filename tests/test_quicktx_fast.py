"""quicktx.build's fast paths are exact: a dict plan sent as JSON builds the same transaction as
its YAML dump (libccl is the oracle), and the flat-result reader gives what PyYAML gives."""

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
