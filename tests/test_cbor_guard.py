"""The CBOR nesting guard in front of libccl (native/ccl_cbor.c): libccl's recursive decoder
aborts the whole process on a deeply nested item, so such input must be refused before the call,
and everything else must still reach libccl unchanged."""
import pytest

from ccl import CclError

LIMIT = 1024


def nested_arrays(depth):
    return "81" * depth + "00"        # [[[...[0]...]]]


def nested_maps(depth):
    return "a100" * depth + "00"      # {0: {0: ... 0}}


def nested_tags(depth):
    return "d818" * depth + "00"      # 24(24(...(0)))


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


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.tx.hash(x),
    lambda lib, x: lib.tx.to_json(x),
    lambda lib, x: lib.tx.deserialize(x),
    lambda lib, x: lib.tx.hash_many([x]),
    lambda lib, x: lib.tx.sign_with_secret_key(x, "00"),
    lambda lib, x: lib.plutus.data_to_json(x),
    lambda lib, x: lib.script.hash(x),
])
def test_every_cbor_argument_is_guarded(lib, call):
    with pytest.raises(ValueError, match="nests CBOR"):
        call(lib, nested_arrays(100_000))


def test_malformed_input_is_left_to_libccl(lib):
    for bad in ("zz", "81", "9f", "ff", "5b" + "ff" * 8):
        with pytest.raises(CclError):
            lib.plutus.data_hash(bad)


def test_guard_on_account_sign_tx(lib):
    from fixtures import MNEMONIC_24
    with pytest.raises(ValueError, match="nests CBOR"):
        lib.account.sign_tx(MNEMONIC_24, nested_tags(5000), 0)
