"""The CBOR pre-flight scan in front of libccl (native/ccl_cbor.c). Two kinds of input harm the
whole process rather than the call, so they must be refused before it, and everything else must
still reach libccl unchanged:

* deep nesting: libccl's recursive decoder aborts the process;
* a tag on false/true/null/undefined/break: libccl's CBOR library tags a process-wide singleton,
  which silently changes every later encoding (signed transactions, datum hashes) and, as the tags
  pile up, ends in a stack overflow that aborts the process (found by the 200,000-case fuzz run).
"""

import json
import sys

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.children import assert_ok, child_program, describe
from support.data import MNEMONIC_24, PROTOCOL_PARAMS, payment_plan, payment_plan_yaml, utxos_for

from ccl import CclError
from ccl._core import _cbor_verdict

LIMIT = 1024


def nested_arrays(depth):
    return "81" * depth + "00"  # [[[...[0]...]]]


def nested_maps(depth):
    return "a100" * depth + "00"  # {0: {0: ... 0}}


def nested_tags(depth):
    return "d818" * depth + "00"  # 24(24(...(0)))


def nested_indefinite(depth):
    return "9f" * depth + "00" + "ff" * depth


@pytest.mark.parametrize("shape", [nested_arrays, nested_maps, nested_tags, nested_indefinite])
def test_depth_limit_per_container_kind(lib, shape):
    try:  # at the limit the input reaches libccl: a hash, or libccl's own verdict
        assert len(lib.plutus.data_hash(shape(LIMIT))) == 64
    except CclError:
        pass
    with pytest.raises(ValueError, match="nests CBOR deeper than 1024"):
        lib.plutus.data_hash(shape(LIMIT + 1))


def test_wide_is_not_deep(lib):
    # 5,000 siblings at depth 1: a long array is fine, only nesting counts.
    wide = "99" + format(5000, "04x") + "00" * 5000
    assert len(lib.plutus.data_hash(wide)) == 64


def test_strings_and_byte_strings_are_skipped(lib):
    # A byte string whose *content* looks like deep nesting is data, not structure.
    payload = "81" * 3000
    bstr = "59" + format(len(payload) // 2, "04x") + payload
    assert len(lib.plutus.data_hash(bstr)) == 64


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, x: lib.tx.hash(x),
        lambda lib, x: lib.tx.to_json(x),
        lambda lib, x: lib.tx.deserialize(x),
        lambda lib, x: lib.tx.hash_many([x]),
        lambda lib, x: lib.tx.sign_with_secret_key(x, "00"),
        lambda lib, x: lib.plutus.data_to_json(x),
        lambda lib, x: lib.script.hash(x),
    ],
)
def test_every_cbor_argument_is_guarded(lib, call):
    with pytest.raises(ValueError, match="nests CBOR"):
        call(lib, nested_arrays(100_000))


def test_malformed_input_is_left_to_libccl(lib):
    for bad in ("zz", "81", "9f", "ff", "5b" + "ff" * 8):
        with pytest.raises(CclError):
            lib.plutus.data_hash(bad)


def test_guard_on_account_sign_tx(lib):
    with pytest.raises(ValueError, match="nests CBOR"):
        lib.account.sign_tx(MNEMONIC_24, nested_tags(5000), 0)


# ---------------------------------------------------------------------------------------------
# Tags on cbor-java's singletons.

TAGGED_SINGLETONS = [
    "d90102f6",  # 258(null): the shape the fuzz run hit (a "set" tag on null)
    "c0f5",
    "c0f4",
    "c0f7",
    "c0c1f6",  # a chain of tags
    "82c0f601",  # inside an array
    "a1c0f601",  # as a map key
    "9fc0ff",  # on "break" inside an indefinite array
    "82c0ff01",  # on "break" where no break belongs: libccl still tags the singleton
    "83c0f6",  # truncated after the tagged null: decoded (and tagged) before the error
    "00c0f6",  # second item of a CBOR sequence
    "8bccf6",  # in an array announcing more items than follow (found by the fuzz run)
    "ffc0f6",  # after a stray "break", which libccl reads as an item
    "82ffc0f6",  # the same inside a definite array
    "0xc0f6",  # behind the "0x" prefix libccl's hex decoder skips
]

# Tagged values that cbor-java decodes into fresh objects, so libccl may see them.
TAGGED_FRESH = [
    "c0f0",
    "c0f820",
    "c0f814",
    "c0f97e00",
    "c0fb3ff0000000000000",
    "c000",
    "c080",
    "d87980",
    "d9010280",
]


@pytest.mark.parametrize("hexed", TAGGED_SINGLETONS)
def test_tag_on_a_singleton_is_refused(lib, hexed):
    with pytest.raises(ValueError, match="tag on false, true, null, undefined or break"):
        lib.tx.hash(hexed)


def _outcome(fn, hexed):
    try:
        return ["ok", fn(hexed)]
    except CclError as e:
        return ["CclError", e.code, e.message]
    except Exception as e:
        return ["error", type(e).__name__]


@pytest.fixture(scope="module")
def libccl_outcomes(reference_python):
    """What libccl itself makes of TAGGED_FRESH: the reference ctypes wrapper has no guard, so
    its results and errors are libccl's own (children/cbor_outcomes.py, in its venv)."""
    proc = child_program(
        "cbor_outcomes.py",
        timeout=600,
        python=reference_python,
        cwd="/",
        call="plutus.data_hash",
        hexed=TAGGED_FRESH,
    )
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("hexed", TAGGED_FRESH)
def test_other_tagged_values_reach_libccl(lib, libccl_outcomes, hexed):
    # Not refused by the guard (a ValueError), but passed to libccl: ccl's hash or error is
    # exactly libccl's own, as the unguarded reference wrapper gets it.
    ours = _outcome(lib.plutus.data_hash, hexed)
    assert ours[0] in ("ok", "CclError"), ours
    assert ours == libccl_outcomes[hexed], (ours, libccl_outcomes[hexed])


def test_refusal_names_the_argument_and_offset(lib):
    with pytest.raises(ValueError, match=r"^datum_cbor_hex has a CBOR tag .*\(byte 4\)"):
        lib.plutus.data_hash("d8799fc0f6ff")
    with pytest.raises(ValueError, match=r"^item has a CBOR tag"):
        lib.tx.hash_many(["d87980", "c0f6"])
    with pytest.raises(ValueError, match=r"^sk_cbor_hex has a CBOR tag"):
        lib.tx.sign_with_secret_key("d87980", "c0f6")


def _plan_with(field, value, address):
    plan = payment_plan(address, address)
    plan["transaction"][0]["tx"]["intents"][0][field] = value
    return plan


def test_cbor_fields_inside_structured_arguments_are_scanned(lib, accounts):
    addr = accounts[0]["base_address"]
    where = r"\['transaction'\]\[0\]\['tx'\]\['intents'\]\[0\]\['datum_hex'\]"
    with pytest.raises(ValueError, match="^txplan_yaml" + where + " has a CBOR tag"):
        lib.quicktx.build(
            _plan_with("datum_hex", "d8799fc0f6ff", addr), utxos_for(addr), PROTOCOL_PARAMS
        )
    yaml_text = payment_plan_yaml(addr, addr) + "          datum_hex: d8799fc0f6ff\n"
    with pytest.raises(ValueError, match="^txplan_yaml" + where):
        lib.quicktx.build(yaml_text, utxos_for(addr), PROTOCOL_PARAMS)
    # An escape that spells the field name is still the field (YAML "\x5f" and JSON "\u005f").
    escaped = payment_plan_yaml(addr, addr) + '          "datum\\x5fhex": d8799fc0f6ff\n'
    with pytest.raises(ValueError, match="^txplan_yaml" + where):
        lib.quicktx.build(escaped, utxos_for(addr), PROTOCOL_PARAMS)
    with pytest.raises(ValueError, match=r"^tx_json\['witnessSet'\].*\['cborHex'\] has"):
        lib.tx.from_json('{"witnessSet": {"plutusV2Scripts": [{"cbor\\u0048ex": "c0f5"}]}}')
    with pytest.raises(ValueError, match=r"^plans\[1\]"):
        lib.quicktx.build_many(
            [payment_plan(addr, addr), yaml_text], utxos_for(addr), PROTOCOL_PARAMS
        )
    utxos = utxos_for(addr)
    utxos[0]["inline_datum"] = "d90102f6"
    with pytest.raises(ValueError, match=r"^utxos\[0\]\['inline_datum'\] has a CBOR tag"):
        lib.quicktx.build(payment_plan(addr, addr), utxos, PROTOCOL_PARAMS)
    tx_json = {"body": {}, "witnessSet": {"plutusV2Scripts": [{"cborHex": "c0f5"}]}}
    for arg in (tx_json, json.dumps(tx_json)):
        with pytest.raises(ValueError, match=r"^tx_json\['witnessSet'\].*\['cborHex'\] has"):
            lib.tx.from_json(arg)
    with pytest.raises(ValueError, match="nests CBOR deeper"):
        lib.quicktx.build(
            _plan_with("datum_hex", nested_arrays(5000), addr), utxos_for(addr), PROTOCOL_PARAMS
        )
    # Depth is checked in any field: only CBOR nests 1,024 levels.
    utxos = utxos_for(addr)
    utxos[0]["anything"] = nested_arrays(5000)
    with pytest.raises(ValueError, match=r"^utxos\[0\]\['anything'\] nests CBOR deeper"):
        lib.quicktx.build(payment_plan(addr, addr), utxos, PROTOCOL_PARAMS)
    with pytest.raises(ValueError, match="nests CBOR deeper"):
        lib.plutus.data_from_json({"list": [{"bytes": nested_arrays(5000)}]})


def test_hash_fields_are_not_mistaken_for_cbor(lib, accounts):
    # A transaction id is hex, not CBOR, even when its bytes read as a tagged null: it must reach
    # libccl. Only the fields libccl decodes as CBOR get the tag check.
    addr = accounts[0]["base_address"]
    tx_hash = "c0f6" + "ab" * 30
    built = lib.quicktx.build(
        payment_plan(addr, addr), utxos_for(addr, tx_hash=tx_hash), PROTOCOL_PARAMS
    )
    assert tx_hash in built["tx_cbor"]
    plan = _plan_with("datum_hex", "d87980", addr)  # a real datum still builds
    assert "d87980" in lib.quicktx.build(plan, utxos_for(addr), PROTOCOL_PARAMS)["tx_cbor"]


def test_no_later_encoding_changes_after_hostile_tags():
    # In a child: were the guard to let one through, the whole process's encodings would change.
    out = assert_ok(child_program("cbor_probe.py", timeout=600, hexed=TAGGED_SINGLETONS))
    result = json.loads(out.strip().splitlines()[-1])
    assert result["attempts"] == ["ValueError"], result
    assert result["same"], result


def test_libccl_itself_is_poisoned_by_a_tagged_null(reference_python):
    # The reason for the guard, shown on the reference ctypes wrapper (no such guard): one call
    # with 258(null) changes the signed bytes of an unrelated transaction afterwards. When a
    # libccl release fixes this, this test fails: keep the guard (older libccl) but say so.
    proc = child_program(
        "cbor_probe.py", timeout=600, python=reference_python, cwd="/", hexed=["d90102f6"]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not result["same"], result
    assert result["tail"].endswith("d90102f6"), result  # null now encodes as 258(null)


def test_random_tagged_cbor_is_refused_exactly_when_it_tags_a_singleton():
    # Property-based, in a child (a miss would corrupt the process's encodings): see
    # children/cbor_random_tags.py.
    addr = (
        "addr_test1qqqt0pru382hy9vjlsxv3ye02z50sfvt8xunscg5pgden77z73dpdfng2"
        "ctw2ekqplqgrljelz7h4dneac27nn3qx3rqqpavzj"
    )
    out = assert_ok(child_program("cbor_random_tags.py", timeout=600, addr=addr))
    assert out.startswith("ok"), out


# ---------------------------------------------------------------------------------------------
# The scanner against an independent model of libccl's decoder.


class _Found(Exception):
    pass


class _Stop(Exception):
    pass


def reference_verdict(data, limit=LIMIT):
    """Recursive model of how libccl's CBOR decoder (cbor-java) reads bytes: items one after the
    other, the items present even when a container announces more, a stray "break" as an item,
    until the first malformation. Returns its first finding: "deep", "tagged" or "ok"."""
    pos = 0

    def head():
        nonlocal pos
        if pos >= len(data):
            raise _Stop
        b = data[pos]
        pos += 1
        major, ai = b >> 5, b & 31
        if ai < 24:
            return b, major, ai
        if ai <= 27:
            k = 1 << (ai - 24)
            if pos + k > len(data):
                raise _Stop
            pos += k
            return b, major, int.from_bytes(data[pos - k : pos], "big")
        if ai == 31 and (2 <= major <= 5 or b == 0xFF):
            return b, major, None
        raise _Stop

    def item(depth, tagged):
        nonlocal pos
        b, major, arg = head()
        if tagged and (0xF4 <= b <= 0xF7 or b == 0xFF):
            raise _Found("tagged")
        if b == 0xFF:
            return "break"
        if major in (2, 3) and arg is not None:
            if arg > len(data) - pos:
                raise _Stop
            pos += arg
        elif major in (2, 3, 4, 5) and arg is None:
            if depth + 1 > limit:
                raise _Found("deep")
            while item(depth + 1, False) != "break":
                pass
        elif major in (4, 5) and arg:
            if depth + 1 > limit:
                raise _Found("deep")
            for _ in range(arg * (2 if major == 5 else 1)):  # ends at the input's end (_Stop)
                item(depth + 1, False)
        elif major == 6:
            if depth + 1 > limit:
                raise _Found("deep")
            item(depth + 1, True)
        return None

    try:
        while pos < len(data):
            item(0, False)
    except _Found as found:
        return found.args[0]
    except _Stop:
        pass
    return "ok"


_leaves = st.one_of(
    st.sampled_from([None, True, False, cbor2.undefined]),
    st.integers(-(2**64), 2**64 - 1),
    st.binary(max_size=4),
    st.text(max_size=3),
)
_trees = st.recursive(
    _leaves,
    lambda c: st.one_of(
        st.lists(c, max_size=4),
        st.dictionaries(st.integers(0, 9), c, max_size=3),
        st.builds(cbor2.CBORTag, st.sampled_from([0, 2, 24, 121, 258]), c),
    ),
    max_leaves=8,
)
# CBOR-shaped bytes: encoded trees cut short or followed by noise, raw bytes, and heads that
# matter here (tags, singletons, breaks, containers announcing more than follows).
_heads = st.sampled_from(
    [
        b"\xc0",
        b"\xd9\x01\x02",
        b"\xf4",
        b"\xf5",
        b"\xf6",
        b"\xf7",
        b"\xff",
        b"\x9f",
        b"\x5f",
        b"\x8b",
        b"\xa3",
        b"\x82",
        b"\x00",
        b"\x41",
        b"\xf8\x16",
    ]
)
_cbor_bytes = st.one_of(
    st.binary(max_size=24),
    st.lists(_heads, max_size=12).map(b"".join),
    st.tuples(_trees.map(cbor2.dumps), st.integers(0, 64), st.binary(max_size=6)).map(
        lambda t: t[0][: t[1]] + t[2]
    ),
)


@settings(max_examples=3000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(_cbor_bytes, st.booleans())
def test_scanner_agrees_with_a_model_of_libccls_decoder(data, prefixed):
    expected = reference_verdict(data)
    verdict, offset, _ = _cbor_verdict(("0x" if prefixed else "") + data.hex())
    assert verdict == expected, data.hex()
    if verdict == "tagged":
        assert data[offset] in (0xF4, 0xF5, 0xF6, 0xF7, 0xFF), (data.hex(), offset)


def test_scanner_depth_agrees_with_the_model():
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    for shape in (nested_arrays, nested_maps, nested_tags, nested_indefinite):
        for depth in (LIMIT - 1, LIMIT, LIMIT + 1):
            data = bytes.fromhex(shape(depth))
            assert _cbor_verdict(data.hex())[0] == reference_verdict(data), (shape, depth)
    # a deep item behind a tagged singleton: the early finding wins, as in the decoder
    data = bytes.fromhex("c0f6" + nested_arrays(LIMIT + 5))
    assert _cbor_verdict(data.hex())[0] == reference_verdict(data) == "tagged"
