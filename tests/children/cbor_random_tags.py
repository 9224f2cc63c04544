"""Random tagged CBOR against the guard, in a child (test_cbor_guard.py): a miss would corrupt
the process's encodings. Random CBOR trees from cbor2 with tags anywhere; ccl must refuse exactly
the trees where a tag (or a chain of tags) encloses None/True/False/undefined, and no later
encoding may change. Params: addr (the probe transaction's address). Prints "ok {seen}"."""

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.children import params
from support.data import PROTOCOL_PARAMS, payment_plan, utxos_for

from ccl import CclError, CclLib

ADDR = params()["addr"]
lib = CclLib()
TX = lib.quicktx.build(payment_plan(ADDR, ADDR), utxos_for(ADDR), PROTOCOL_PARAMS)["tx_cbor"]


def probe():
    return [lib.plutus.data_hash("d8799f01ff"), lib.tx.to_json(TX)]


before = probe()
SINGLETONS = (None, True, False, cbor2.undefined)
leaves = st.one_of(
    st.sampled_from(SINGLETONS),
    st.integers(-(2**64), 2**64 - 1),
    st.binary(max_size=6),
    st.text(max_size=3),
    st.floats(allow_nan=False, width=32),
)
tags = st.sampled_from([0, 1, 2, 24, 30, 102, 121, 258, 1280, 55799])
tree = st.recursive(
    leaves,
    lambda c: st.one_of(
        st.lists(c, max_size=4),
        st.dictionaries(st.integers(0, 9), c, max_size=3),
        st.builds(cbor2.CBORTag, tags, c),
    ),
    max_leaves=10,
)


def poisons(x):
    if isinstance(x, cbor2.CBORTag):
        inner = x.value
        while isinstance(inner, cbor2.CBORTag):
            inner = inner.value
        if any(inner is s for s in SINGLETONS):
            return True
        return poisons(inner)
    if isinstance(x, list):
        return any(poisons(v) for v in x)
    if isinstance(x, dict):
        return any(poisons(v) for v in x.values())
    return False


seen = {True: 0, False: 0}


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(tree)
def prop(value):
    hexed = cbor2.dumps(value).hex()
    expected = poisons(value)
    seen[expected] += 1
    for call in (lib.tx.hash, lib.plutus.data_hash, lib.script.hash):
        try:
            call(hexed)
            refused = False
        except ValueError as e:
            refused = "tag on false, true, null" in str(e)
        except CclError:
            refused = False
        assert refused == expected, (hexed, expected)


prop()
assert probe() == before, "an encoding changed"
assert seen[True] >= 20 and seen[False] >= 20, seen
print("ok", seen)
